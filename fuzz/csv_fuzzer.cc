// Fuzz target for the CSV reader (experiments/io/csv.h).
//
// Each input is a file's bytes. Accepted outcomes: an answer, or an InvalidInput (bad input, said
// in one message); anything else (another exception, a sanitizer report) is a defect. Every answer
// is checked against an independent model of the documented contract (fuzz/csv_reference.h):
//   - ParseCsv refuses exactly what the model refuses, and otherwise gives the model's records;
//   - ParseCsv drops no field: its records written back (CsvField, ',' and '\n', with and without
//     a leading byte-order mark, which the reader drops) parse to the same records;
//   - ReadTextCsv reads what the model calls a text table (unique names, rows as wide as the
//     header) and refuses the rest;
//   - ReadCsv reads what the model calls a numeric table, [rows, columns] float64 with the model's
//     values bit for bit, and refuses the rest.
// The file readers decompress gzip data; an input that starts like gzip is only checked for its
// outcome's type (the model reads plain text).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/io/csv.h"
#include "framework/errors.h"
#include "fuzz/csv_reference.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/memory_file.h"

namespace lfa {
namespace {

std::string Serialise(const CsvRecords& records) {
  std::string text;
  for (const auto& record : records) {
    for (size_t j = 0; j < record.size(); ++j) {
      if (j) text += ',';
      text += CsvField(record[j]);
    }
    text += '\n';
  }
  return text;
}

std::optional<CsvRecords> Parse(const std::string& text) {
  try {
    return ParseCsv(text, "fuzz input");
  } catch (const InvalidInput&) {
    return std::nullopt;
  }
}

void CheckParse(const std::string& text, const std::optional<CsvRecords>& expected) {
  const std::optional<CsvRecords> records = Parse(text);
  FuzzCheck(records.has_value() == expected.has_value(), "ParseCsv refuses what the model refuses");
  if (!records) return;
  FuzzCheck(*records == *expected, "ParseCsv's records == the model's records");
  const std::string written = Serialise(*records);
  const bool leading_mark =
      !records->empty() && records->front().front().rfind("\xEF\xBB\xBF", 0) == 0;
  // A first field that itself starts with a byte-order mark loses it when written without one.
  if (!leading_mark) FuzzCheck(Parse(written) == records, "ParseCsv(written records) == records");
  std::string marked = "\xEF\xBB\xBF";
  marked += written;
  FuzzCheck(Parse(marked) == records, "ParseCsv(mark + written records) == records");
}

void CheckTextTable(const MemoryFile& file, const std::optional<CsvRecords>& expected, bool gzip) {
  std::optional<TextTable> table;
  try {
    table = ReadTextCsv(file.path());
  } catch (const InvalidInput&) {
  }
  if (gzip) return;  // any table, or a refusal
  FuzzCheck(table.has_value() == (expected && ReferenceTextTable(*expected)),
            "ReadTextCsv reads exactly the model's text tables");
  if (!table) return;
  CsvRecords records{table->header};
  records.insert(records.end(), table->rows.begin(), table->rows.end());
  FuzzCheck(records == *expected, "ReadTextCsv's header and rows == the model's records");
}

bool SameValues(const torch::Tensor& values, const std::vector<double>& expected) {
  const torch::Tensor flat = values.contiguous();
  return flat.numel() == static_cast<int64_t>(expected.size()) &&
         (expected.empty() || std::memcmp(flat.data_ptr<double>(), expected.data(),
                                          expected.size() * sizeof(double)) == 0);
}

void CheckNumericTable(const MemoryFile& file, const std::optional<CsvRecords>& expected,
                       bool gzip) {
  std::optional<CsvTable> table;
  try {
    table = ReadCsv(file.path());
  } catch (const InvalidInput&) {
  }
  if (table) {
    FuzzCheck(table->values.dim() == 2 && table->values.scalar_type() == torch::kDouble,
              "ReadCsv: [rows, columns] float64");
    FuzzCheck(table->values.size(1) == static_cast<int64_t>(table->header.size()),
              "ReadCsv: one value column per header name");
    FuzzCheck(table->values.size(0) >= 1, "ReadCsv: at least one row");
    FuzzCheck(table->values.isfinite().all().item<bool>(), "ReadCsv: finite values");
  }
  if (gzip) return;
  const std::optional<std::vector<double>> values =
      expected ? ReferenceCsvValues(*expected) : std::nullopt;
  FuzzCheck(table.has_value() == values.has_value(),
            "ReadCsv reads exactly the model's numeric tables");
  if (!table) return;
  FuzzCheck(table->header == expected->front(), "ReadCsv's header == the model's first record");
  FuzzCheck(SameValues(table->values, *values), "ReadCsv's values == the model's, bit for bit");
}

}  // namespace
}  // namespace lfa

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static lfa::MemoryFile file("fuzz.csv");
  file.Set(data, size);
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::optional<lfa::CsvRecords> expected = lfa::ReferenceCsvRecords(text);
  const bool gzip = text.rfind("\x1f\x8b", 0) == 0;
  lfa::CheckParse(text, expected);
  lfa::CheckTextTable(file, expected, gzip);
  lfa::CheckNumericTable(file, expected, gzip);
  return 0;
}
