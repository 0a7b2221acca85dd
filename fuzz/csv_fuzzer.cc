// Fuzz target for the CSV reader (experiments/io/csv.h).
//
// Each input is a file's bytes. Accepted outcomes: an answer, or an InvalidInput (bad input, said
// in one message); anything else (another exception, a sanitizer report) is a defect. Properties:
//   - ParseCsv drops no field: writing its records back (CsvField, ',' and '\n') and parsing that
//     gives the same records;
//   - ReadTextCsv agrees with ParseCsv and every record has the header's width;
//   - ReadCsv answers [rows, columns] finite float64 values, one column per header name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/io/csv.h"
#include "framework/errors.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/memory_file.h"

namespace lfa {
namespace {

using Records = std::vector<std::vector<std::string>>;

std::string Serialise(const Records& records) {
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

void CheckParse(const std::string& text) {
  Records records;
  try {
    records = ParseCsv(text, "fuzz input");
  } catch (const InvalidInput&) {
    return;
  }
  FuzzCheck(ParseCsv(Serialise(records), "written back") == records,
            "ParseCsv(written records) == records");
}

void CheckTextTable(const MemoryFile& file, const std::string& text) {
  try {
    const TextTable table = ReadTextCsv(file.path());
    const Records records = ParseCsv(text, "fuzz input");
    FuzzCheck(!records.empty() && table.header == records[0] &&
                  table.rows.size() + 1 == records.size(),
              "ReadTextCsv == ParseCsv");
    for (const auto& row : table.rows) {
      FuzzCheck(row.size() == table.header.size(), "ReadTextCsv: rows as wide as the header");
    }
  } catch (const InvalidInput&) {
  }
}

void CheckNumericTable(const MemoryFile& file) {
  try {
    const CsvTable table = ReadCsv(file.path());
    FuzzCheck(table.values.dim() == 2 && table.values.scalar_type() == torch::kDouble,
              "ReadCsv: [rows, columns] float64");
    FuzzCheck(table.values.size(1) == static_cast<int64_t>(table.header.size()),
              "ReadCsv: one value column per header name");
    FuzzCheck(table.values.size(0) >= 1, "ReadCsv: at least one row");
    FuzzCheck(table.values.isfinite().all().item<bool>(), "ReadCsv: finite values");
  } catch (const InvalidInput&) {
  }
}

}  // namespace
}  // namespace lfa

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static lfa::MemoryFile file("fuzz.csv");
  file.Set(data, size);
  const std::string text(reinterpret_cast<const char*>(data), size);
  lfa::CheckParse(text);
  lfa::CheckTextTable(file, text);
  lfa::CheckNumericTable(file);
  return 0;
}
