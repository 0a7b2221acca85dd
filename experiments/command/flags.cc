#include "experiments/command/flags.h"

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

}  // namespace lfa
