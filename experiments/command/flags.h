// Flags: the parsing of list-valued command-line flags, with errors that name the flag, and the
// flags every command that loads a model and points declares the same way.
//
//   ParseShape("1,28,28", "--input-shape")        -> {1, 28, 28}
//   ParseNumbers("0.1,0.5", "--fractions", "0.1,0.5,0.9")  -> {0.1, 0.5}
//   app.add_option("--seed", options.seed, "random seed")->check(SeedValidator());
//
// The model and its points (explain, choose, bench): --model [--activations] --data --rows
// --label-column [--input-shape --pixel-scale] --cache-dir --device, one name, one help text and
// one rule each, bound to the fields of the command's own options:
//
//   ModelAndDataFlags flags = ModelAndDataFieldsOf(options);   // model, data, ..., device
//   flags.input_shape = &input_shape_text_;                     // an optional flag
//   AddModelAndDataOptions(app, flags);
//
// WARNING: CLI11 converts "-1" or "18446744073709551616" into a uint64_t by wrapping around, so
// every --seed flag needs SeedValidator(): a seed is a decimal integer in [0, 2^64 - 1].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace lfa {

// Comma-separated sizes, each an integer >= 1; InvalidInput naming `flag` otherwise.
std::vector<int64_t> ParseShape(const std::string& text, const std::string& flag);
// Comma-separated finite numbers; InvalidInput naming `flag` and showing `example` otherwise.
std::vector<double> ParseNumbers(const std::string& text, const std::string& flag,
                                 const std::string& example);

// A seed: decimal digits only, at most 2^64 - 1; nullopt for anything else ("-1", "1e3", "").
std::optional<uint64_t> ParseSeed(const std::string& text);
// The check of every --seed flag: refuses what ParseSeed refuses, before CLI11 converts it.
const CLI::Validator& SeedValidator();

// Where the model-and-data flags store their values: fields of a command's options. The first six
// are always declared; a null optional field leaves its flag out.
struct ModelAndDataFlags {
  std::string* model = nullptr;         // --model: TorchScript file or zoo:ARCH
  std::string* data = nullptr;          // --data: CSV with a header row, or IDX
  std::string* rows = nullptr;          // --rows BEGIN:END
  std::string* label_column = nullptr;  // --label-column NAME|last
  std::string* cache_dir = nullptr;     // --cache-dir: the zoo's cache
  std::string* device = nullptr;        // --device cpu|cuda
  std::string* activations = nullptr;   // --activations: --model is then a state-dict MLP
  std::string* input_shape = nullptr;   // --input-shape C,H,W as text (ParseShape it in Run)
  std::optional<double>* pixel_scale = nullptr;  // --pixel-scale
  // What a command uses when --model, --data or --label-column is not given, for the help text;
  // an empty default_model or default_data makes that flag required.
  std::string default_model;
  std::string default_data;
  std::string default_label_column;
};

// Declares the flags of `flags` on `app`; InvalidInput when a required field is null.
void AddModelAndDataOptions(CLI::App& app, const ModelAndDataFlags& flags);

// The always-declared fields bound to the same-named fields of a command's options (model, data,
// rows, label_column, cache_dir, device: std::string each); the optional ones left null.
template <typename Options>
ModelAndDataFlags ModelAndDataFieldsOf(Options& options) {
  return {.model = &options.model,
          .data = &options.data,
          .rows = &options.rows,
          .label_column = &options.label_column,
          .cache_dir = &options.cache_dir,
          .device = &options.device};
}

}  // namespace lfa
