// Seeds are validated, never wrapped: "-1" and 2^64 are errors, 2^64 - 1 is the largest seed, and
// every command's --seed goes through SeedValidator before CLI11 converts it. The model-and-data
// flags bind to the fields they are given, are required unless the command has a default, and
// leave out the optional flags whose field is null.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/command/flags.h"
#include "framework/errors.h"

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

struct Fields {
  std::string model, data, rows, label_column, cache_dir, device = "cpu", activations, input_shape;
  std::optional<double> pixel_scale;

  ModelAndDataFlags All() {
    ModelAndDataFlags flags = ModelAndDataFieldsOf(*this);
    flags.activations = &activations;
    flags.input_shape = &input_shape;
    flags.pixel_scale = &pixel_scale;
    return flags;
  }
};

TEST(AddModelAndDataOptions, BindsEveryFlagToItsField) {
  CLI::App app;
  Fields f;
  AddModelAndDataOptions(app, f.All());
  // CLI11 parses a reversed vector (the last element is the first argument).
  std::vector<std::string> args = {"--model", "m.pt", "--activations", "relu:sigmoid", "--data",
                                   "d.csv", "--rows", "2:5", "--label-column", "last",
                                   "--input-shape", "1,2,3", "--pixel-scale", "0.5",
                                   "--cache-dir", "cache", "--device", "cuda"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  EXPECT_EQ(f.model, "m.pt");
  EXPECT_EQ(f.activations, "relu:sigmoid");
  EXPECT_EQ(f.data, "d.csv");
  EXPECT_EQ(f.rows, "2:5");
  EXPECT_EQ(f.label_column, "last");
  EXPECT_EQ(f.input_shape, "1,2,3");
  EXPECT_EQ(f.pixel_scale.value_or(-1.0), 0.5);
  EXPECT_EQ(f.cache_dir, "cache");
  EXPECT_EQ(f.device, "cuda");
}

TEST(AddModelAndDataOptions, ModelAndDataAreRequiredUnlessTheCommandHasDefaults) {
  Fields f;
  CLI::App required;
  AddModelAndDataOptions(required, f.All());
  EXPECT_THROW(required.parse(std::vector<std::string>{"d.csv", "--data"}), CLI::RequiredError);
  EXPECT_THROW(required.parse(std::vector<std::string>{"m.pt", "--model"}), CLI::RequiredError);

  CLI::App with_defaults;
  ModelAndDataFlags flags = f.All();
  flags.default_model = "heloc_ffnnA";
  flags.default_data = "the paper's points";
  flags.default_label_column = "last";
  AddModelAndDataOptions(with_defaults, flags);
  with_defaults.parse(std::vector<std::string>{});
  EXPECT_EQ(with_defaults.get_option("--model")->get_description(),
            "TorchScript file, a state-dict file with --activations, or zoo:cnn|cnn_gap|mlp "
            "(default: heloc_ffnnA)");
  EXPECT_EQ(with_defaults.get_option("--label-column")->get_description(),
            "CSV column to drop: NAME or 'last' (default: last)");
}

TEST(AddModelAndDataOptions, LeavesOutTheOptionalFlagsWithoutAField) {
  Fields f;
  CLI::App app;
  ModelAndDataFlags flags = f.All();
  flags.activations = nullptr;
  flags.input_shape = nullptr;
  flags.pixel_scale = nullptr;
  AddModelAndDataOptions(app, flags);
  for (const std::string name : {"--activations", "--input-shape", "--pixel-scale"})
    EXPECT_EQ(app.get_option_no_throw(name), nullptr) << name;
  EXPECT_EQ(app.get_option("--model")->get_description(),
            "TorchScript model file or zoo:cnn|cnn_gap|mlp");
  EXPECT_THROW(app.parse(std::vector<std::string>{"1", "--pixel-scale", "d", "--data", "m",
                                                  "--model"}),
               CLI::ExtrasError);
}

TEST(AddModelAndDataOptions, RefusesAMissingRequiredField) {
  Fields f;
  CLI::App app("", "bench");
  ModelAndDataFlags flags = f.All();
  flags.device = nullptr;
  EXPECT_THROW(AddModelAndDataOptions(app, flags), InvalidInput);
}

}  // namespace
}  // namespace lfa
