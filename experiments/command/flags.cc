#include "experiments/command/flags.h"

#include <charconv>
#include <optional>

#include "experiments/io/text.h"
#include "framework/errors.h"

namespace lfa {

std::vector<int64_t> ParseShape(const std::string& text, const std::string& flag) {
  std::vector<int64_t> shape;
  for (const std::string& part : Split(text)) {
    const std::optional<int64_t> size = ParseInteger(part);
    if (!size) Fail(flag, ": '", part, "' is not an integer (expected e.g. 1,28,28)");
    if (*size < 1) Fail(flag, ": sizes must be >= 1, got ", *size);
    shape.push_back(*size);
  }
  return shape;
}

std::vector<double> ParseNumbers(const std::string& text, const std::string& flag,
                                 const std::string& example) {
  std::vector<double> numbers;
  for (const std::string& item : Split(text)) {
    const std::optional<double> value = ParseDouble(item);
    if (!value) Fail(flag, ": '", item, "' is not a number (expected e.g. ", example, ")");
    numbers.push_back(*value);
  }
  return numbers;
}

std::optional<uint64_t> ParseSeed(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  uint64_t seed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return seed;
}

const CLI::Validator& SeedValidator() {
  static const CLI::Validator validator(
      [](std::string& text) -> std::string {
        if (ParseSeed(text)) return "";
        std::string problem = "a seed is an integer from 0 to 18446744073709551615 (2^64 - 1), got '";
        problem += text;
        problem += "'";
        return problem;
      },
      "SEED");
  return validator;
}

}  // namespace lfa
