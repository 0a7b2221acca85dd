// CsvReference: an independent model of the CSV reader's contract (experiments/io/csv.h,
// docs/data.md), written from the documented grammar, not from the reader, so that csv_fuzzer can
// check the reader's every answer against it (accepted or refused, and what it read).
//
// The grammar, in two levels.
//   Tokens: after an optional UTF-8 byte-order mark (EF BB BF, first three bytes only), the text is
//   QUOTED ('"' ... '"', where '""' is one quote and anything else, a line break included, is
//   itself), TEXT (a run of bytes other than '"', ',' and '\n'; a '\r' there is dropped, so
//   "\r\n" ends a record like "\n"), COMMA or NEWLINE. A quote never closed, or a NUL byte
//   anywhere, refuses the whole text.
//   Records: a field is the concatenation of the QUOTED and TEXT tokens between separators (so
//   'a"b,c"d' is the one field 'ab,cd'); COMMA separates fields, NEWLINE ends a record. A record
//   of one field that is only blanks (' ', '\t', '\r') is skipped, wherever it is; a last record
//   without NEWLINE counts like any other.
// On the records:
//   text table   the first record is the header; its names, with blanks trimmed, are unique; every
//                other record is exactly as wide.
//   numeric      the same, plus at least one row, and every cell with blanks trimmed is a decimal
//                number, [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits], whose value in
//                double is finite (1e400 is refused; 1e-400 underflows to 0 and is read).
//
//   const std::optional<CsvRecords> records = ReferenceCsvRecords(text);   // nullopt: refused
//   const std::optional<std::vector<double>> values = ReferenceCsvValues(*records);
//
// WARNING: this model is the contract as documented; where it and the reader disagree, decide
// from docs/data.md which one is wrong before changing either (never make it call the reader).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lfa {

using CsvRecords = std::vector<std::vector<std::string>>;

// The records of `text`, header first; nullopt when the text is refused (NUL, unclosed quote).
std::optional<CsvRecords> ReferenceCsvRecords(std::string_view text);

// Whether `records` form a text table: a header of unique trimmed names, rows as wide as it.
bool ReferenceTextTable(const CsvRecords& records);

// The values of `records` as a numeric table, row after row; nullopt when refused.
std::optional<std::vector<double>> ReferenceCsvValues(const CsvRecords& records);

// Whether `cell` (already trimmed) matches the decimal grammar above.
bool ReferenceDecimalSyntax(std::string_view cell);

}  // namespace lfa
