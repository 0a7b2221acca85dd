// Flags: the parsing of list-valued command-line flags, with errors that name the flag.
//
//   ParseShape("1,28,28", "--input-shape")        -> {1, 28, 28}
//   ParseNumbers("0.1,0.5", "--fractions", "0.1,0.5,0.9")  -> {0.1, 0.5}
//   app.add_option("--seed", options.seed, "random seed")->check(SeedValidator());
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

}  // namespace lfa
