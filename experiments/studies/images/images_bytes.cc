#include "experiments/studies/images/images_bytes.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/studies/common/study_models.h"
#include "experiments/studies/images/heatmaps.h"
#include "metrics/summary.h"

namespace lfa {
namespace {

// Each field is read in a statement of its own: the reads must happen in the order written.

int64_t ImagesBytesCount(ByteReader& in) {
  const int64_t count = in.Integer();
  if (count < 0) throw std::runtime_error("images bytes: negative count");
  return count;
}

template <typename Item, typename WriteItem>
void ImagesBytesWriteList(ByteWriter& out, const std::vector<Item>& items, WriteItem write_item) {
  out.Integer(static_cast<int64_t>(items.size()));
  for (const Item& item : items) write_item(item);
}

template <typename Item, typename ReadItem>
std::vector<Item> ImagesBytesReadList(ByteReader& in, ReadItem read_item) {
  const int64_t count = ImagesBytesCount(in);
  std::vector<Item> items;
  for (int64_t i = 0; i < count; ++i) items.push_back(read_item());
  return items;
}

void ImagesBytesWriteSummary(ByteWriter& out, const MetricSummary& s) {
  out.Tensor(s.per_point);
  out.Double(s.mean);
  out.Double(s.sem);
}

MetricSummary ImagesBytesReadSummary(ByteReader& in) {
  MetricSummary s;
  s.per_point = in.Tensor();
  s.mean = in.Double();
  s.sem = in.Double();
  return s;
}

void ImagesBytesWriteComposition(ByteWriter& out, const NflComposition& c) {
  out.Text(c.name);
  out.Text(c.method);
  out.Double(c.sigma);
}

NflComposition ImagesBytesReadComposition(ByteReader& in) {
  NflComposition c;
  c.name = in.Text();
  c.method = in.Text();
  c.sigma = in.Double();
  return c;
}

void ImagesBytesWriteMatrix(ByteWriter& out, const NflMatrix& m) {
  const auto composition = [&](const NflComposition& c) { ImagesBytesWriteComposition(out, c); };
  ImagesBytesWriteList(out, m.rows, composition);
  ImagesBytesWriteList(out, m.columns, composition);
  ImagesBytesWriteList(out, m.column_losses, [&](const std::string& loss) { out.Text(loss); });
  ImagesBytesWriteList(out, m.loss, [&](const std::vector<MetricSummary>& row) {
    ImagesBytesWriteList(out, row, [&](const MetricSummary& s) { ImagesBytesWriteSummary(out, s); });
  });
}

NflMatrix ImagesBytesReadMatrix(ByteReader& in) {
  const auto composition = [&] { return ImagesBytesReadComposition(in); };
  NflMatrix m;
  m.rows = ImagesBytesReadList<NflComposition>(in, composition);
  m.columns = ImagesBytesReadList<NflComposition>(in, composition);
  m.column_losses = ImagesBytesReadList<std::string>(in, [&] { return in.Text(); });
  m.loss = ImagesBytesReadList<std::vector<MetricSummary>>(in, [&] {
    return ImagesBytesReadList<MetricSummary>(in, [&] { return ImagesBytesReadSummary(in); });
  });
  return m;
}

void ImagesBytesWriteScores(ByteWriter& out, const ExplainerScores& e) {
  out.Text(e.explainer);
  for (const MetricSummary& s : e.metrics) ImagesBytesWriteSummary(out, s);
  out.Double(e.bottomk_at_baseline);
}

ExplainerScores ImagesBytesReadScores(ByteReader& in) {
  ExplainerScores e;
  e.explainer = in.Text();
  for (MetricSummary& s : e.metrics) s = ImagesBytesReadSummary(in);
  e.bottomk_at_baseline = in.Double();
  return e;
}

void ImagesBytesWriteSweepPoint(ByteWriter& out, const NflSweepPoint& p) {
  out.Integer(p.samples);
  ImagesBytesWriteList(out, p.swept_rows, [&](const std::string& row) { out.Text(row); });
  ImagesBytesWriteMatrix(out, p.matrix);
  out.Double(p.seconds);
}

NflSweepPoint ImagesBytesReadSweepPoint(ByteReader& in) {
  NflSweepPoint p;
  p.samples = in.Integer();
  p.swept_rows = ImagesBytesReadList<std::string>(in, [&] { return in.Text(); });
  p.matrix = ImagesBytesReadMatrix(in);
  p.seconds = in.Double();
  return p;
}

}  // namespace

void EncodeImageModelResult(ByteWriter& out, const ImageModelResult& r) {
  out.Text(r.model.name);
  out.Double(r.model.test_accuracy);
  out.Double(r.model.train_seconds);
  out.Integer(r.model.cached ? 1 : 0);
  ImagesBytesWriteList(out, r.scores, [&](const ExplainerScores& e) { ImagesBytesWriteScores(out, e); });
  ImagesBytesWriteMatrix(out, r.nfl);
  ImagesBytesWriteList(out, r.nfl_sweep,
                       [&](const NflSweepPoint& p) { ImagesBytesWriteSweepPoint(out, p); });
  out.Double(r.nfl_columns_seconds);
  out.Integer(r.cam_smoothing_difference ? 1 : 0);
  if (r.cam_smoothing_difference) out.Double(*r.cam_smoothing_difference);
  ImagesBytesWriteList(out, r.montages, [&](const std::string& file) { out.Text(file); });
  ImagesBytesWriteList(out, r.montage_maps, [&](const ExplainedMap& x) {
    out.Text(x.name);
    out.Tensor(x.maps);
  });
}

ImageModelResult DecodeImageModelResult(ByteReader& in) {
  ImageModelResult r;
  r.model.name = in.Text();
  r.model.test_accuracy = in.Double();
  r.model.train_seconds = in.Double();
  r.model.cached = in.Integer() != 0;
  r.scores = ImagesBytesReadList<ExplainerScores>(in, [&] { return ImagesBytesReadScores(in); });
  r.nfl = ImagesBytesReadMatrix(in);
  r.nfl_sweep = ImagesBytesReadList<NflSweepPoint>(in, [&] { return ImagesBytesReadSweepPoint(in); });
  r.nfl_columns_seconds = in.Double();
  if (in.Integer() != 0) r.cam_smoothing_difference = in.Double();
  r.montages = ImagesBytesReadList<std::string>(in, [&] { return in.Text(); });
  r.montage_maps = ImagesBytesReadList<ExplainedMap>(in, [&] {
    ExplainedMap x;
    x.name = in.Text();
    x.maps = in.Tensor();
    return x;
  });
  return r;
}

}  // namespace lfa
