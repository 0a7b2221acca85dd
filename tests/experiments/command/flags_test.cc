// Seeds are validated, never wrapped: "-1" and 2^64 are errors, 2^64 - 1 is the largest seed, and
// every command's --seed goes through SeedValidator before CLI11 converts it.

#include <cstdint>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/command/flags.h"

namespace lfa {
namespace {

TEST(ParseSeed, AcceptsTheWholeUint64RangeAndNothingElse) {
  EXPECT_EQ(ParseSeed("0"), 0u);
  EXPECT_EQ(ParseSeed("42"), 42u);
  EXPECT_EQ(ParseSeed("18446744073709551615"), UINT64_MAX);
  for (const std::string text : {"-1", "18446744073709551616", "99999999999999999999999", "",
                                 "1e3", "0x10", " 1", "1 ", "+1", "1.0"})
    EXPECT_EQ(ParseSeed(text), std::nullopt) << "'" << text << "'";
}

TEST(SeedValidator, RefusesBeforeCli11WrapsTheValue) {
  CLI::App app;
  uint64_t seed = 7;
  app.add_option("--seed", seed, "seed")->check(SeedValidator());
  EXPECT_THROW(app.parse(std::vector<std::string>{"-1", "--seed"}), CLI::ValidationError);
  EXPECT_EQ(seed, 7u);
  app.parse(std::vector<std::string>{"18446744073709551615", "--seed"});  // reversed order
  EXPECT_EQ(seed, UINT64_MAX);
  EXPECT_THROW(app.parse(std::vector<std::string>{"18446744073709551616", "--seed"}),
               CLI::ValidationError);
}

}  // namespace
}  // namespace lfa
