// Text for the commands and studies: CSV files of text cells written atomically, Markdown rows,
// the number formats the reports use, and the parsing of list and number flags.
//
//   TextTable t{{"model", "metric", "mean"}, {}};
//   t.rows.push_back({"cnn", "deletion", Format(0.1234)});
//   t.Write(out + "/metrics.csv");                     // out/metrics.csv.tmp, then renamed
//   report << MarkdownRow(t.header) << MarkdownRule(t.header.size());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lfa {

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // Writes `path` through a temporary file renamed into place; InvalidInput when it cannot.
  void Write(const std::string& path) const;
};

// Writes `text` to `path` through a temporary file renamed into place; InvalidInput when it
// cannot (a report is never left half-written).
void WriteTextAtomically(const std::string& path, const std::string& text);

// The checks the image studies' options share: an output directory, and between 2 (a standard
// error needs two) and 10000 (the Fashion-MNIST test set) test images. False with `error` set.
bool CheckStudyOutAndPoints(const std::string& out, int64_t points, std::string* error);

// Fixed-point with `digits` decimals; values that would print as -0.000.. print as 0.
std::string Format(double value, int digits = 4);
// Six significant digits, for values spanning many orders of magnitude.
std::string FormatG(double value);
// "a,b" with `separator` between the parts; Split keeps empty parts ("a,,b," -> a, "", b, "").
std::string Join(const std::vector<std::string>& parts, const std::string& separator);
std::vector<std::string> Split(const std::string& text, char separator = ',');
// The whole text as a finite number / an integer; nullopt for anything else ("1.5x", "", "nan").
std::optional<double> ParseDouble(const std::string& text);
std::optional<int64_t> ParseInteger(const std::string& text);

// "| a | b |\n" and "|---|---|\n".
std::string MarkdownRow(const std::vector<std::string>& cells);
std::string MarkdownRule(size_t columns);

}  // namespace lfa
