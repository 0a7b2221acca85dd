// Markdown: the number formats and table rows of every report.
//
//   report << MarkdownRow({"model", "mean"}) << MarkdownRule(2);
//   report << MarkdownRow({"cnn", Format(0.12345)});       // | cnn | 0.1235 |
#pragma once

#include <string>
#include <vector>

namespace lfa {

// Fixed-point with `digits` decimals; values that would print as -0.000.. print as 0.
std::string Format(double value, int digits = 4);
// Six significant digits, for values spanning many orders of magnitude.
std::string FormatG(double value);
// %.10g: ten significant digits, for CSV cells and plot data that a reader parses back.
std::string FormatG10(double value);

// "| a | b |\n" and "|---|---|\n".
std::string MarkdownRow(const std::vector<std::string>& cells);
std::string MarkdownRule(size_t columns);

}  // namespace lfa
