// CSV tables: a header row and numeric cells, as researchers keep tabular datasets.
//
// ReadCsv copes with the paper's files: column names with stray spaces are kept as written
// (trimmed only for matching), the target may be the last column. Every cell must parse as a
// finite number; otherwise the error names the file, the 1-based line and the column.
// WriteCsvAtomically writes to a temporary file beside the target and renames it into place, so a
// failed run never leaves a half-written output.
//
//   CsvTable table = ReadCsv("heloc-clean-test20-normalized-subset.csv");
//   table.DropColumn("last");                     // the target
//   WriteCsvAtomically("out.csv", names, values);  // values [rows, cols] float64
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

namespace lfa {

struct CsvTable {
  std::vector<std::string> header;
  torch::Tensor values;  // [rows, columns] float64
  std::string path;

  // Removes a column by name (spaces trimmed) or "last"; returns it as [rows].
  torch::Tensor DropColumn(const std::string& name);
};

CsvTable ReadCsv(const std::string& path);

// Fails with InvalidInput when `path` cannot be created (missing or read-only directory).
void CheckWritable(const std::string& path);

// `labels`, when given, is a first text column (one label per row; its name is header[0]).
void WriteCsvAtomically(const std::string& path, const std::vector<std::string>& header,
                        const torch::Tensor& values, const std::vector<std::string>& labels = {});

}  // namespace lfa
