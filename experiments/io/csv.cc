#include "experiments/io/csv.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "framework/errors.h"

namespace lfa {
namespace {

std::string Trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r\"");
  if (begin == std::string::npos) return "";
  const auto end = s.find_last_not_of(" \t\r\"");
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string> SplitLine(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      cells.push_back(cell);
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  cells.push_back(cell);
  return cells;
}

std::string CsvName(const std::string& name) {
  if (name.find_first_of(",\"") == std::string::npos) return name;
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

CsvTable ReadCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) Fail("data file '", path, "' cannot be opened");
  CsvTable table;
  table.path = path;
  std::string line;
  if (!std::getline(in, line) || Trim(line).empty()) Fail("data file '", path, "' is empty");
  table.header = SplitLine(line);
  const size_t columns = table.header.size();
  std::vector<double> values;
  int64_t rows = 0, line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (Trim(line).empty()) continue;
    const auto cells = SplitLine(line);
    if (cells.size() != columns)
      Fail("data file '", path, "' line ", line_number, ": ", cells.size(), " cells, header has ",
           columns);
    for (size_t j = 0; j < columns; ++j) {
      const std::string cell = Trim(cells[j]);
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(cell.c_str(), &end);
      if (cell.empty() || *end != '\0' || errno == ERANGE)
        Fail("data file '", path, "' line ", line_number, " column '", Trim(table.header[j]),
             "': '", cell, "' is not a number");
      if (!std::isfinite(v))
        Fail("data file '", path, "' line ", line_number, " column '", Trim(table.header[j]),
             "': value ", cell, " is not finite");
      values.push_back(v);
    }
    ++rows;
  }
  if (rows == 0) Fail("data file '", path, "' has a header but no rows");
  table.values = torch::tensor(values, torch::kDouble).reshape({rows, static_cast<int64_t>(columns)});
  return table;
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

void CheckWritable(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (fs::is_directory(target)) Fail("output path '", path, "' is a directory");
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  if (fs::exists(dir) && !fs::is_directory(dir))
    Fail("output path '", path, "': '", dir.string(), "' is not a directory");
  if (!fs::is_directory(dir)) Fail("output path '", path, "': directory '", dir.string(), "' does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    Fail("output path '", path, "': directory '", dir.string(), "' is not writable");
  if (fs::exists(target) && ::access(target.c_str(), W_OK) != 0)
    Fail("output path '", path, "' exists and is not writable");
}

void WriteCsvAtomically(const std::string& path, const std::vector<std::string>& header,
                        const torch::Tensor& values, const std::vector<std::string>& labels) {
  CheckWritable(path);
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary);
    if (!out) Fail("output path '", path, "': cannot create '", temporary, "'");
    for (size_t j = 0; j < header.size(); ++j) out << (j ? "," : "") << CsvName(header[j]);
    out << '\n';
    const torch::Tensor v = values.to(torch::kDouble).contiguous();
    const double* data = v.data_ptr<double>();
    char buffer[64];
    const bool labelled = !labels.empty();
    for (int64_t i = 0; i < v.size(0); ++i) {
      if (labelled) out << CsvName(labels.at(i));
      for (int64_t j = 0; j < v.size(1); ++j) {
        std::snprintf(buffer, sizeof(buffer), "%.10g", data[i * v.size(1) + j]);
        out << (j || labelled ? "," : "") << buffer;
      }
      out << '\n';
    }
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      Fail("output path '", path, "': write failed");
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    Fail("output path '", path, "': cannot rename the temporary file (", std::strerror(errno), ")");
  }
}

}  // namespace lfa
