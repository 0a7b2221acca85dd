#include "experiments/data/points_input.h"

#include <cmath>
#include <sstream>

#include "experiments/io/csv.h"
#include "experiments/io/idx.h"
#include "experiments/io/input_stream.h"
#include "experiments/io/text.h"
#include "framework/errors.h"
#include "framework/feature_groups.h"

namespace lfa {
namespace {

int64_t ParseIndex(const std::string& text, const std::string& range, const std::string& what) {
  const std::optional<int64_t> value = ParseInteger(text);
  if (!value || *value < 0)
    Fail(what, ": row range '", range, "' must be BEGIN:END with non-negative integers");
  return *value;
}

std::vector<std::string> ElementNames(const std::vector<int64_t>& shape) {
  std::vector<std::string> names;
  const int64_t elements = NumElements(shape);
  names.reserve(elements);
  if (shape.size() == 3) {
    for (int64_t c = 0; c < shape[0]; ++c)
      for (int64_t y = 0; y < shape[1]; ++y)
        for (int64_t x = 0; x < shape[2]; ++x)
          names.push_back('c' + std::to_string(c) + "_y" + std::to_string(y) + "_x" +
                          std::to_string(x));
  } else {
    for (int64_t j = 0; j < elements; ++j) names.push_back('x' + std::to_string(j));
  }
  return names;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ',';
    text += std::to_string(shape[i]);
  }
  return text;
}

}  // namespace

std::pair<int64_t, int64_t> ParseRowRange(const std::string& text, int64_t total,
                                          const std::string& what) {
  if (text.empty()) return {0, total};
  const size_t colon = text.find(':');
  if (colon == std::string::npos)
    Fail(what, ": row range '", text, "' must be BEGIN:END (END exclusive) or BEGIN:");
  const int64_t begin = ParseIndex(text.substr(0, colon), text, what);
  const std::string end_text = text.substr(colon + 1);
  const int64_t end = end_text.empty() ? total : ParseIndex(end_text, text, what);
  if (begin >= end)
    Fail(what, ": row range '", text, "' is empty (BEGIN must be below END)");
  if (end > total)
    Fail(what, ": row range '", text, "' ends past the last row (the file has ", total, " rows)");
  return {begin, end};
}

namespace {

// The rows of an IDX stream, scaled to float64 [N, elements]; `row_shape` gets one row's shape.
torch::Tensor ReadIdxPoints(InputStream& in, const PointsSource& source,
                            std::vector<int64_t>* row_shape, int64_t* first_row) {
  if (!source.label_column.empty() && !source.label_column_csv_only)
    Fail("--label-column applies to CSV data; ", in.what(), " is an IDX file (labels live in "
         "their own IDX file)");
  const IdxHeader header = ReadIdxHeader(in);
  if (header.shape.size() < 2)
    Fail(in.what(), " holds one value per row (", header.shape.size(),
         "-d); points need >= 2-d files");
  const auto [begin, end] = ParseRowRange(source.rows, header.shape[0], in.what());
  const torch::Tensor raw = ReadIdxRows(in, header, begin, end - begin);
  const double scale = source.scale.value_or(raw.scalar_type() == torch::kUInt8 ? 1.0 / 255 : 1.0);
  row_shape->assign(raw.sizes().begin() + 1, raw.sizes().end());
  if (row_shape->size() == 2) row_shape->insert(row_shape->begin(), 1);
  *first_row = begin;
  return raw.to(torch::kDouble).reshape({end - begin, -1}) * scale;
}

}  // namespace

std::string DtypeName(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat: return "float32";
    case torch::kDouble: return "float64";
    case torch::kHalf: return "float16";
    case torch::kBFloat16: return "bfloat16";
    default: return c10::toString(dtype);
  }
}

Points ReadPoints(const PointsSource& source, const std::vector<int64_t>& model_shape) {
  if (source.path.empty()) Fail("--data is required");
  if (source.scale && !std::isfinite(*source.scale))
    Fail("--pixel-scale must be finite, got ", *source.scale);
  // One open, read front to back: a pipe or a FIFO works like a file.
  InputStream in(source.path, "data file");
  const std::string& what = in.what();
  Points points;
  std::vector<int64_t> row_shape;
  torch::Tensor flat;  // [N, elements] float64
  std::vector<std::string> column_names;
  if (StartsLikeIdx(in)) {
    points.from_idx = true;
    flat = ReadIdxPoints(in, source, &row_shape, &points.first_row);
  } else {
    CsvTable table = ReadCsv(in);
    if (!source.label_column.empty()) table.DropColumn(source.label_column);
    const auto [begin, end] = ParseRowRange(source.rows, table.values.size(0), what);
    flat = table.values.slice(0, begin, end);
    if (source.scale) flat = flat * *source.scale;
    row_shape = {flat.size(1)};
    column_names = table.header;
    points.first_row = begin;
  }
  const int64_t elements = flat.size(1);
  if (!source.input_shape.empty()) {
    for (int64_t s : source.input_shape)
      if (s < 1) Fail("--input-shape must be positive sizes, got ", ShapeText(source.input_shape));
    if (NumElements(source.input_shape) != elements)
      Fail("--input-shape ", ShapeText(source.input_shape), " has ",
           NumElements(source.input_shape), " elements but each row of ", what, " has ", elements);
    points.shape = source.input_shape;
  } else if (points.from_idx || model_shape.empty() || NumElements(model_shape) != elements) {
    points.shape = row_shape;
  } else {
    points.shape = model_shape;
  }
  std::vector<int64_t> batch_shape = {flat.size(0)};
  batch_shape.insert(batch_shape.end(), points.shape.begin(), points.shape.end());
  points.values = flat.reshape(batch_shape).contiguous();
  points.names = !column_names.empty() && points.shape.size() == 1 ? column_names
                                                                   : ElementNames(points.shape);
  std::string checked = what;
  if (source.scale) {
    std::ostringstream scale;
    scale << *source.scale;
    checked += " scaled by --pixel-scale ";
    checked += scale.str();
  }
  CheckPointsFinite(points, torch::kDouble, checked);
  return points;
}

void CheckPointsFinite(const Points& points, torch::ScalarType dtype, const std::string& what) {
  const torch::Tensor flat = points.values.reshape({points.values.size(0), -1});
  const torch::Tensor bad = torch::logical_not(torch::isfinite(flat.to(dtype))).nonzero();
  if (bad.size(0) == 0) return;
  const int64_t row = bad[0][0].item<int64_t>(), element = bad[0][1].item<int64_t>();
  const std::string name =
      element < static_cast<int64_t>(points.names.size()) ? points.names[element] : "?";
  std::ostringstream value;
  value << flat[row][element].item<double>();
  std::string problem = " is not finite";
  if (dtype != torch::kDouble) {
    problem += " as the model's input type ";
    problem += DtypeName(dtype);
  }
  Fail(what, " row ", points.first_row + row, " column '", Excerpt(name), "': value ",
       value.str(), problem);
}

}  // namespace lfa
