// CSV: the one reader and writer of comma-separated tables (RFC 4180).
//
// Reading: a header row, then records. Fields may be quoted ("a, b" keeps its comma; "" inside a
// quoted field is one quote); \r\n and \n both end a record; blank lines are skipped. A UTF-8
// byte-order mark at the start is skipped; a NUL byte anywhere is an error (a binary file is not
// a table). Files are read once, through an InputStream (input_stream.h), so pipes work and
// gzip-compressed tables read like plain ones. Errors quote at most ~100 characters of a cell
// (Excerpt, framework/errors.h). Two views of the same records:
//   ReadCsv       numeric data sets, as researchers keep them: every cell must be a finite decimal
//                 number ("0.5", "-1e-3"; not "nan", "inf" or a hex float "0x1p3"), or the error
//                 names the file, the 1-based line and the column. Beyond double's range
//                 ("1e999") is refused; below its normal range ("1e-310") reads as the nearest
//                 double (subnormal, or 0). Column names with stray spaces
//                 are kept as written (trimmed only for matching and must be unique), and the
//                 target may be dropped by name or as "last".
//   ReadTextCsv   tables of text cells (the released results, a study's journal), read back as
//                 written; every record must have the header's number of fields.
//
// Writing: WriteCsv (numbers, with an optional first text column) and TextTable::Write (text
// cells). Fields that contain a comma, a quote or a line break are quoted; numbers print with ten
// significant digits ("%.10g"). Both write through an AtomicFile (atomic_file.h): a failed run
// never leaves a half-written table.
//
//   CsvTable table = ReadCsv("heloc-clean-test20-normalized-subset.csv");
//   table.DropColumn("last");                              // the target
//   WriteCsv("out.csv", names, values);                    // values [rows, cols] float64
//   TextTable t{{"model", "metric"}, {{"cnn", "deletion, AUC"}}};
//   t.Write("metrics.csv");                                // cnn,"deletion, AUC"
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

namespace lfa {

class InputStream;

struct CsvTable {
  std::vector<std::string> header;
  torch::Tensor values;  // [rows, columns] float64
  std::string path;

  // Removes a column by name (spaces trimmed) or "last"; returns it as [rows].
  torch::Tensor DropColumn(const std::string& name);
};

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  // Index of the column named `name`; InvalidInput naming the table when there is none.
  size_t Column(const std::string& name, const std::string& what = "table") const;
  // Writes `path` atomically, every field quoted where it must be.
  void Write(const std::string& path) const;
};

CsvTable ReadCsv(const std::string& path);
// The rest of an opened stream (its first bytes may have been peeked at) as a numeric table.
CsvTable ReadCsv(InputStream& in);
TextTable ReadTextCsv(const std::string& path);

// The records of CSV text (header first), fields unquoted; `what` names the source in errors.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text, const std::string& what);
// One field as CSV writes it: quoted when it holds a comma, a quote or a line break.
std::string CsvField(const std::string& text);

// `labels`, when given, is a first text column (one label per row; its name is header[0]).
void WriteCsv(const std::string& path, const std::vector<std::string>& header,
              const torch::Tensor& values, const std::vector<std::string>& labels = {});

}  // namespace lfa
