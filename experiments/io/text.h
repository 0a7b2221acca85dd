// Text: the parsing of list and number flags, and joining text back together.
//
//   Split("0.1,0.5,0.9")            -> {"0.1", "0.5", "0.9"}
//   ParseDouble("0.5")              -> 0.5;  ParseDouble("1.5x") -> nullopt
//   Join({"a", "b"}, ", ")          -> "a, b"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lfa {

// "a,b" with `separator` between the parts; Split keeps empty parts ("a,,b," -> a, "", b, "").
std::string Join(const std::vector<std::string>& parts, const std::string& separator);
std::vector<std::string> Split(const std::string& text, char separator = ',');
// The whole text as a finite number / an integer; nullopt for anything else ("1.5x", "", "nan").
std::optional<double> ParseDouble(const std::string& text);
std::optional<int64_t> ParseInteger(const std::string& text);

}  // namespace lfa
