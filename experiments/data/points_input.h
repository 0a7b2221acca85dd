// Points input: the rows `lfa explain` explains, read from a CSV table or an IDX file.
//
// The format is recognised by content, not by name: a file (plain or gzip) that starts with the
// bytes 0x00 0x00 is IDX (experiments/io/idx.h; a wrong type code or dimension count is then an
// IDX error, not a CSV one), anything else is a CSV table with a header row (experiments/io/csv.h).
// The file is opened once and read front to back, so a pipe, a FIFO or process substitution
// (--data <(zcat points.csv.gz)) works like a file. Every value must be finite (after scaling):
// the error names the row and the element. Both take a row range "BEGIN:END" (END exclusive; "BEGIN:" to the end,
// "" for all rows), counted from 0 over the data rows; IDX reads only the rows asked for.
//
// The shape of one point, in order of precedence:
//   1. `input_shape` (e.g. {1, 28, 28}) when given; its product must equal the elements per row;
//   2. IDX: the file's per-row shape, with a channel axis added to [H, W] rows ([1, H, W]);
//   3. CSV: the model's own input shape when it declares one of that size, else flat, one
//      element per remaining column.
// IDX values are scaled by `scale`, by default 1/255 for uint8 files (pixels in [0, 1], as the
// model zoo is trained) and 1 for every other type; CSV values are taken as they are unless
// `scale` is given.
//
// Every element gets a name for output headers: the CSV column names for flat CSV rows, else
// c<C>_y<Y>_x<X> for [C, H, W] points and x<j> for any other shape.
//
//   Points p = ReadPoints({.path = "t10k-images-idx3-ubyte.gz", .rows = "0:16"}, {1, 28, 28});
//   // p.values [16, 1, 28, 28] float64 in [0, 1], p.first_row = 0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

namespace lfa {

struct PointsSource {
  std::string path;                  // CSV or IDX file (required)
  std::string rows;                  // "BEGIN:END", "BEGIN:" or "" (all)
  std::string label_column;          // CSV only: a column to drop, a name or "last"
  bool label_column_csv_only = false;  // true: ignore label_column for IDX data (a default)
  std::vector<int64_t> input_shape;  // shape of one point; empty: see the header comment
  std::optional<double> scale;       // multiplies every value (default: 1/255 for uint8 IDX)
};

struct Points {
  torch::Tensor values;             // [N, *shape] float64
  std::vector<int64_t> shape;       // shape of one point
  std::vector<std::string> names;   // one per element of a point
  int64_t first_row = 0;            // index of values[0] in the file's data rows
  bool from_idx = false;
};

// `model_shape`: the model's input shape, empty when it does not declare one. Throws
// InvalidInput naming the file and the problem (missing file, malformed range, shape mismatch,
// no rows, a label column given for IDX).
Points ReadPoints(const PointsSource& source, const std::vector<int64_t>& model_shape = {});

// InvalidInput naming the first row (counted in the file, like Points::first_row) and column whose
// value is not finite once converted to `dtype`: a CSV cell 1e39 is finite as float64 but not as
// the float32 a model computes in. `what` names the data in the message.
void CheckPointsFinite(const Points& points, torch::ScalarType dtype, const std::string& what);

// A floating dtype as users write it: "float32", "float64", "float16", "bfloat16".
std::string DtypeName(torch::ScalarType dtype);

// "BEGIN:END" -> [begin, end) within [0, total); "" -> [0, total). `what` names the input in
// errors.
std::pair<int64_t, int64_t> ParseRowRange(const std::string& text, int64_t total,
                                          const std::string& what);

}  // namespace lfa
