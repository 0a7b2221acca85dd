#include "experiments/command/flags.h"

#include <charconv>
#include <optional>
#include <string>

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

namespace {

// `help`, with " (default: `value`)" when the command has a default.
std::string WithDefault(std::string help, const std::string& value) {
  if (value.empty()) return help;
  help += " (default: ";
  help += value;
  help += ")";
  return help;
}

}  // namespace

void AddModelAndDataOptions(CLI::App& app, const ModelAndDataFlags& flags) {
  if (!flags.model || !flags.data || !flags.rows || !flags.label_column || !flags.cache_dir ||
      !flags.device)
    Fail("AddModelAndDataOptions: model, data, rows, label_column, cache_dir and device must "
         "name fields of the options of command '", app.get_name(), "'");
  const std::string model_help =
      flags.activations ? "TorchScript file, a state-dict file with --activations, or "
                          "zoo:cnn|cnn_gap|mlp"
                        : "TorchScript model file or zoo:cnn|cnn_gap|mlp";
  CLI::Option* model =
      app.add_option("--model", *flags.model, WithDefault(model_help, flags.default_model));
  if (flags.default_model.empty()) model->required();
  if (flags.activations)
    app.add_option("--activations", *flags.activations,
                   "the model file is a state-dict MLP with these activations, hidden:output "
                   "(e.g. relu:sigmoid)");
  CLI::Option* data = app.add_option(
      "--data", *flags.data,
      WithDefault("CSV file with a header row, or an IDX file", flags.default_data));
  if (flags.default_data.empty()) data->required();
  app.add_option("--rows", *flags.rows, "row range BEGIN:END (END exclusive; default all)");
  app.add_option("--label-column", *flags.label_column,
                 WithDefault("CSV column to drop: NAME or 'last'", flags.default_label_column));
  if (flags.input_shape)
    app.add_option("--input-shape", *flags.input_shape, "shape of one row, e.g. 1,28,28");
  if (flags.pixel_scale)
    app.add_option("--pixel-scale", *flags.pixel_scale,
                   "multiply the data (default 1/255 for uint8 IDX, else 1)");
  app.add_option("--cache-dir", *flags.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
  app.add_option("--device", *flags.device, "cpu (default) or cuda");
}

}  // namespace lfa
