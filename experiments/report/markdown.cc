#include "experiments/report/markdown.h"

#include <cmath>
#include <cstdio>

namespace lfa {

std::string Format(double value, int digits) {
  if (std::abs(value) < 0.5 * std::pow(10.0, -digits)) value = 0.0;  // no "-0.0000"
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

std::string FormatG(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6g", value);
  return buffer;
}

std::string FormatG10(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.10g", value);
  return buffer;
}

std::string MarkdownRow(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const auto& c : cells) line += " " + c + " |";
  return line + "\n";
}

std::string MarkdownRule(size_t columns) {
  std::string line = "|";
  for (size_t j = 0; j < columns; ++j) line += "---|";
  return line + "\n";
}

}  // namespace lfa
