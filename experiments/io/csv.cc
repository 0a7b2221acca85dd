#include "experiments/io/csv.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "experiments/io/atomic_file.h"
#include "experiments/io/input_stream.h"
#include "framework/errors.h"

namespace lfa {
namespace {

std::string Trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

// The most a CSV file may hold: far above any table lfa reads, far below what would exhaust memory
// as text and values.
constexpr int64_t kMostCsvBytes = int64_t{1} << 32;

// A number as researchers write it: decimal, optionally with an exponent. strtod also takes hex
// floats ("0x1p3"), "inf" and "nan"; a data file holding those is a mistake, not data. A value
// beyond double's range ("1e999") is refused; one below its normal range ("1e-310", "1e-400") is
// read as the nearest double (subnormal, or 0), as every CSV reader does: strtod reports ERANGE for
// both, so only the result's finiteness decides.
bool ParseDecimal(const std::string& cell, double* value) {
  if (cell.empty() || cell.find_first_not_of("0123456789+-.eE") != std::string::npos) return false;
  char* end = nullptr;
  *value = std::strtod(cell.c_str(), &end);
  return *end == '\0' && std::isfinite(*value);
}

// The header's names, trimmed, each once.
void CheckColumnNames(const std::vector<std::string>& header, const std::string& what) {
  std::set<std::string> seen;
  for (const std::string& name : header)
    if (!seen.insert(Trim(name)).second)
      Fail(what, ": column name '", Excerpt(Trim(name)), "' appears twice in the header");
}

bool Blank(const std::vector<std::string>& record) {
  return record.size() == 1 && Trim(record[0]).empty();
}

}  // namespace

std::vector<std::vector<std::string>> ParseCsv(const std::string& text, const std::string& what) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  int64_t line = 1;
  // A byte-order mark (Excel's "CSV UTF-8") is not part of the first column's name.
  const size_t start = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  const auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    if (!Blank(record)) records.push_back(std::move(record));
    record.clear();
  };
  for (size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\0') Fail(what, " line ", line, ": holds a NUL byte (a binary file, not CSV text?)");
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      end_record();
      ++line;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) Fail(what, ": a quoted field opened before line ", line, " is never closed");
  if (!field.empty() || !record.empty()) end_record();
  return records;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

CsvTable ReadCsv(const std::string& path) {
  InputStream in(path, "data file");
  return ReadCsv(in);
}

CsvTable ReadCsv(InputStream& in) {
  const std::string& what = in.what();
  const auto records = ParseCsv(in.ReadAll(kMostCsvBytes), what);
  if (records.empty() || (records.size() == 1 && records[0].empty())) Fail(what, " is empty");
  CsvTable table;
  table.path = in.path();
  table.header = records[0];
  CheckColumnNames(table.header, what);
  const size_t columns = table.header.size();
  if (records.size() == 1) Fail(what, " has a header but no rows");
  std::vector<double> values;
  values.reserve((records.size() - 1) * columns);
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& cells = records[r];
    const size_t line_number = r + 1;
    if (cells.size() != columns)
      Fail(what, " line ", line_number, ": ", cells.size(), " cells, header has ", columns);
    for (size_t j = 0; j < columns; ++j) {
      const std::string cell = Trim(cells[j]);
      double v = 0;
      if (!ParseDecimal(cell, &v))
        Fail(what, " line ", line_number, " column '", Excerpt(Trim(table.header[j])), "': '",
             Excerpt(cell), "' is not a finite decimal number");
      values.push_back(v);
    }
  }
  const auto rows = static_cast<int64_t>(records.size() - 1);
  table.values = torch::tensor(values, torch::kDouble).reshape({rows, static_cast<int64_t>(columns)});
  return table;
}

TextTable ReadTextCsv(const std::string& path) {
  InputStream in(path, "table");
  const std::string& what = in.what();
  auto records = ParseCsv(in.ReadAll(kMostCsvBytes), what);
  if (records.empty()) Fail(what, " is empty");
  TextTable table;
  table.header = std::move(records[0]);
  CheckColumnNames(table.header, what);
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.header.size())
      Fail(what, " record ", r + 1, ": ", records[r].size(), " fields, header has ",
           table.header.size());
    table.rows.push_back(std::move(records[r]));
  }
  return table;
}

size_t TextTable::Column(const std::string& name, const std::string& what) const {
  for (size_t j = 0; j < header.size(); ++j)
    if (Trim(header[j]) == name) return j;
  Fail(what, ": no column '", name, "'");
}

void TextTable::Write(const std::string& path) const {
  std::string text;
  const auto append = [&text](const std::vector<std::string>& cells) {
    for (size_t j = 0; j < cells.size(); ++j) {
      if (j) text += ',';
      text += CsvField(cells[j]);
    }
    text += '\n';
  };
  append(header);
  for (const auto& row : rows) append(row);
  WriteFileAtomically(path, text);
}

torch::Tensor CsvTable::DropColumn(const std::string& name) {
  int64_t index = -1;
  if (name == "last") {
    index = static_cast<int64_t>(header.size()) - 1;
  } else {
    for (size_t j = 0; j < header.size(); ++j)
      if (Trim(header[j]) == Trim(name)) index = static_cast<int64_t>(j);
  }
  if (index < 0) Fail("data file '", path, "' has no column '", name, "'");
  torch::Tensor column = values.select(1, index).clone();
  values = torch::cat({values.slice(1, 0, index), values.slice(1, index + 1)}, 1).contiguous();
  header.erase(header.begin() + index);
  return column;
}

void WriteCsv(const std::string& path, const std::vector<std::string>& header,
              const torch::Tensor& values, const std::vector<std::string>& labels) {
  AtomicFile file(path);
  std::string text;
  for (size_t j = 0; j < header.size(); ++j) {
    if (j) text += ',';
    text += CsvField(header[j]);
  }
  text += '\n';
  const torch::Tensor v = values.to(torch::kDouble).contiguous();
  const double* data = v.data_ptr<double>();
  const bool labelled = !labels.empty();
  char buffer[64];
  for (int64_t i = 0; i < v.size(0); ++i) {
    if (labelled) text += CsvField(labels.at(i));
    for (int64_t j = 0; j < v.size(1); ++j) {
      std::snprintf(buffer, sizeof(buffer), "%.10g", data[i * v.size(1) + j]);
      if (j || labelled) text += ',';
      text += buffer;
    }
    text += '\n';
    if (text.size() > (size_t{1} << 20)) {  // stream large tables
      file.Write(text);
      text.clear();
    }
  }
  file.Write(text);
  file.Commit();
}

}  // namespace lfa
