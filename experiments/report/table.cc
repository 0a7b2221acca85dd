#include "experiments/report/table.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "framework/errors.h"

namespace lfa {

void TextTable::Write(const std::string& path) const {
  std::ostringstream out;
  for (size_t j = 0; j < header.size(); ++j) out << (j ? "," : "") << header[j];
  out << '\n';
  for (const auto& row : rows) {
    for (size_t j = 0; j < row.size(); ++j) out << (j ? "," : "") << row[j];
    out << '\n';
  }
  WriteTextAtomically(path, out.str());
}

void WriteTextAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    if (!out) Fail("cannot write '", temporary, "'");
    out << text;
    if (!out) Fail("write to '", temporary, "' failed");
  }
  std::filesystem::rename(temporary, path);
}

bool CheckStudyOutAndPoints(const std::string& out, int64_t points, std::string* error) {
  std::string problem;
  if (out.empty()) {
    problem = "--out is required";
  } else if (points < 2) {
    problem = "--points must be >= 2 (a standard error needs two), got " + std::to_string(points);
  } else if (points > 10000) {
    problem = "--points must be <= 10000 (the test set), got " + std::to_string(points);
  }
  if (problem.empty()) return true;
  if (error) *error = problem;
  return false;
}

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

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) text += (i ? separator : "") + parts[i];
  return text;
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.push_back("");
  return parts;
}

std::optional<double> ParseDouble(const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseInteger(const std::string& text) {
  size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size()) return std::nullopt;
  return value;
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
