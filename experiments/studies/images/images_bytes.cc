#include "experiments/studies/images/images_bytes.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/studies/common/study_models.h"
#include "experiments/studies/images/heatmaps.h"
#include "metrics/summary.h"

namespace lfa {
namespace {

// Each field is read in a statement of its own: the reads must happen in the order written.

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
  out.List(m.rows, composition);
  out.List(m.columns, composition);
  out.List(m.column_losses, [&](const std::string& loss) { out.Text(loss); });
  out.List(m.loss, [&](const std::vector<MetricSummary>& row) {
    out.List(row, [&](const MetricSummary& s) { ImagesBytesWriteSummary(out, s); });
  });
}

NflMatrix ImagesBytesReadMatrix(ByteReader& in) {
  const auto composition = [&] { return ImagesBytesReadComposition(in); };
  NflMatrix m;
  m.rows = in.List<NflComposition>(composition);
  m.columns = in.List<NflComposition>(composition);
  m.column_losses = in.List<std::string>([&] { return in.Text(); });
  m.loss = in.List<std::vector<MetricSummary>>([&] {
    return in.List<MetricSummary>([&] { return ImagesBytesReadSummary(in); });
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
  out.List(p.swept_rows, [&](const std::string& row) { out.Text(row); });
  ImagesBytesWriteMatrix(out, p.matrix);
  out.Double(p.seconds);
}

NflSweepPoint ImagesBytesReadSweepPoint(ByteReader& in) {
  NflSweepPoint p;
  p.samples = in.Integer();
  p.swept_rows = in.List<std::string>([&] { return in.Text(); });
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
  out.List(r.scores, [&](const ExplainerScores& e) { ImagesBytesWriteScores(out, e); });
  ImagesBytesWriteMatrix(out, r.nfl);
  out.List(r.nfl_sweep,
                       [&](const NflSweepPoint& p) { ImagesBytesWriteSweepPoint(out, p); });
  out.Double(r.nfl_columns_seconds);
  out.Integer(r.cam_smoothing_difference ? 1 : 0);
  if (r.cam_smoothing_difference) out.Double(*r.cam_smoothing_difference);
  out.List(r.montages, [&](const std::string& file) { out.Text(file); });
  out.List(r.montage_maps, [&](const ExplainedMap& x) {
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
  r.scores = in.List<ExplainerScores>([&] { return ImagesBytesReadScores(in); });
  r.nfl = ImagesBytesReadMatrix(in);
  r.nfl_sweep = in.List<NflSweepPoint>([&] { return ImagesBytesReadSweepPoint(in); });
  r.nfl_columns_seconds = in.Double();
  if (in.Integer() != 0) r.cam_smoothing_difference = in.Double();
  r.montages = in.List<std::string>([&] { return in.Text(); });
  r.montage_maps = in.List<ExplainedMap>([&] {
    ExplainedMap x;
    x.name = in.Text();
    x.maps = in.Tensor();
    return x;
  });
  return r;
}

}  // namespace lfa
