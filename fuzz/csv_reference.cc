#include "fuzz/csv_reference.h"

#include <cmath>
#include <cstdlib>
#include <set>

namespace lfa {
namespace {

enum class TokenKind { kQuoted, kText, kComma, kNewline };

struct Token {
  TokenKind kind;
  std::string text;  // the bytes a QUOTED or TEXT token contributes to its field
};

// The tokens of `text` (the byte-order mark already removed); nullopt for an unclosed quote.
std::optional<std::vector<Token>> Tokens(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ',' || c == '\n') {
      tokens.push_back({c == ',' ? TokenKind::kComma : TokenKind::kNewline, ""});
      ++i;
    } else if (c == '"') {
      Token quoted{TokenKind::kQuoted, ""};
      size_t j = i + 1;
      for (;;) {
        if (j >= text.size()) return std::nullopt;  // never closed
        if (text[j] != '"') {
          quoted.text += text[j++];
        } else if (j + 1 < text.size() && text[j + 1] == '"') {
          quoted.text += '"';
          j += 2;
        } else {
          break;
        }
      }
      tokens.push_back(std::move(quoted));
      i = j + 1;
    } else {
      Token run{TokenKind::kText, ""};
      for (; i < text.size() && text[i] != '"' && text[i] != ',' && text[i] != '\n'; ++i)
        if (text[i] != '\r') run.text += text[i];
      tokens.push_back(std::move(run));
    }
  }
  return tokens;
}

std::string_view Trimmed(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

bool BlankRecord(const std::vector<std::string>& record) {
  return record.size() == 1 && Trimmed(record[0]).empty();
}

size_t Digits(std::string_view s, size_t i) {
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i;
}

}  // namespace

std::optional<CsvRecords> ReferenceCsvRecords(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  const std::optional<std::vector<Token>> tokens = Tokens(text);
  if (!tokens) return std::nullopt;
  CsvRecords records;
  std::vector<std::string> record(1);  // the record being assembled, its last field open
  const auto close_record = [&] {
    if (!BlankRecord(record)) records.push_back(record);
    record.assign(1, "");
  };
  for (const Token& token : *tokens) {
    switch (token.kind) {
      case TokenKind::kComma: record.emplace_back(); break;
      case TokenKind::kNewline: close_record(); break;
      default: record.back() += token.text;
    }
  }
  close_record();
  return records;
}

bool ReferenceTextTable(const CsvRecords& records) {
  if (records.empty()) return false;
  std::set<std::string_view> names;
  for (const std::string& name : records[0])
    if (!names.insert(Trimmed(name)).second) return false;
  for (size_t r = 1; r < records.size(); ++r)
    if (records[r].size() != records[0].size()) return false;
  return true;
}

bool ReferenceDecimalSyntax(std::string_view cell) {
  size_t i = 0;
  if (i < cell.size() && (cell[i] == '+' || cell[i] == '-')) ++i;
  const size_t integer_end = Digits(cell, i);
  bool digits = integer_end > i;
  i = integer_end;
  if (i < cell.size() && cell[i] == '.') {
    const size_t fraction_end = Digits(cell, i + 1);
    digits = digits || fraction_end > i + 1;
    i = fraction_end;
  }
  if (!digits) return false;
  if (i < cell.size() && (cell[i] == 'e' || cell[i] == 'E')) {
    ++i;
    if (i < cell.size() && (cell[i] == '+' || cell[i] == '-')) ++i;
    const size_t exponent_end = Digits(cell, i);
    if (exponent_end == i) return false;
    i = exponent_end;
  }
  return i == cell.size();
}

std::optional<std::vector<double>> ReferenceCsvValues(const CsvRecords& records) {
  if (!ReferenceTextTable(records) || records.size() < 2) return std::nullopt;
  std::vector<double> values;
  for (size_t r = 1; r < records.size(); ++r) {
    for (const std::string& raw : records[r]) {
      const std::string cell(Trimmed(raw));
      if (!ReferenceDecimalSyntax(cell)) return std::nullopt;
      const double value = std::strtod(cell.c_str(), nullptr);  // the nearest double
      if (!std::isfinite(value)) return std::nullopt;
      values.push_back(value);
    }
  }
  return values;
}

}  // namespace lfa
