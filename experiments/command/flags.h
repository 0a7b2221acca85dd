// Flags: the parsing of list-valued command-line flags, with errors that name the flag.
//
//   ParseShape("1,28,28", "--input-shape")        -> {1, 28, 28}
//   ParseNumbers("0.1,0.5", "--fractions", "0.1,0.5,0.9")  -> {0.1, 0.5}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lfa {

// Comma-separated sizes, each an integer >= 1; InvalidInput naming `flag` otherwise.
std::vector<int64_t> ParseShape(const std::string& text, const std::string& flag);
// Comma-separated finite numbers; InvalidInput naming `flag` and showing `example` otherwise.
std::vector<double> ParseNumbers(const std::string& text, const std::string& flag,
                                 const std::string& example);

}  // namespace lfa
