// The bytes a rank sends for one model of `study images` (images_bytes.h): every field of an
// ImageModelResult comes back, every double bit for bit and every tensor element for element, and
// a cut buffer is an error.

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "experiments/parallel/tensor_bytes.h"
#include "experiments/studies/images/images_bytes.h"
#include "experiments/studies/images/results.h"

namespace lfa {
namespace {

bool ImagesBytesSameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

// Same definedness, dtype, shape and elements (the tensors here hold no NaN).
bool ImagesBytesSameTensor(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.defined() != b.defined()) return false;
  if (!a.defined()) return true;
  return a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes() && torch::equal(a, b);
}

void ExpectSameSummary(const MetricSummary& back, const MetricSummary& sent) {
  EXPECT_TRUE(ImagesBytesSameTensor(back.per_point, sent.per_point));
  EXPECT_TRUE(ImagesBytesSameBits(back.mean, sent.mean));
  EXPECT_TRUE(ImagesBytesSameBits(back.sem, sent.sem));
}

void ExpectSameCompositions(const std::vector<NflComposition>& back,
                            const std::vector<NflComposition>& sent) {
  ASSERT_EQ(back.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(back[i].name, sent[i].name);
    EXPECT_EQ(back[i].method, sent[i].method);
    EXPECT_TRUE(ImagesBytesSameBits(back[i].sigma, sent[i].sigma));
  }
}

void ExpectSameMatrix(const NflMatrix& back, const NflMatrix& sent) {
  ExpectSameCompositions(back.rows, sent.rows);
  ExpectSameCompositions(back.columns, sent.columns);
  EXPECT_EQ(back.column_losses, sent.column_losses);
  ASSERT_EQ(back.loss.size(), sent.loss.size());
  for (size_t r = 0; r < sent.loss.size(); ++r) {
    ASSERT_EQ(back.loss[r].size(), sent.loss[r].size());
    for (size_t c = 0; c < sent.loss[r].size(); ++c) ExpectSameSummary(back.loss[r][c], sent.loss[r][c]);
  }
}

// A summary with numbers a text round trip would change (0.1 + 0.2, 1/3), per-point values of
// the given dtype, or none (an undefined tensor) when `points` is 0.
MetricSummary AwkwardSummary(double value, int64_t points, torch::Dtype dtype = torch::kDouble) {
  MetricSummary s;
  if (points > 0) s.per_point = torch::arange(points, torch::kDouble).div(3.0).add(value).to(dtype);
  s.mean = value + 0.2;
  s.sem = value / 3.0;
  return s;
}

NflMatrix AwkwardMatrix(double value) {
  NflMatrix m;
  m.rows = {{"lime_p4", "lime", 0.0}, {"clime_s0.1", "clime", 0.1}};
  m.columns = {{"lime_p2", "lime", 0.0}, {"smoothgrad_s0.05", "smoothgrad", 0.05},
               {"gradient", "gradient", 0.0}};
  m.column_losses = {"squared", "gradient_matching", "gradient_matching"};
  for (size_t r = 0; r < m.rows.size(); ++r) {
    std::vector<MetricSummary>& row = m.loss.emplace_back();
    for (size_t c = 0; c < m.columns.size(); ++c) {
      row.push_back(AwkwardSummary(value, static_cast<int64_t>(c)));
      value += 0.07;
    }
  }
  m.loss[1][2].sem = std::numeric_limits<double>::quiet_NaN();
  m.loss[0][1].mean = -0.0;
  return m;
}

ImageModelResult AwkwardImageModelResult() {
  ImageModelResult r;
  r.model = {.name = "cnn", .test_accuracy = 0.1 + 0.7, .train_seconds = 41.0 / 3.0, .cached = true};
  for (const char* name : {"lime", "gradcampp"}) {
    ExplainerScores& e = r.scores.emplace_back();
    e.explainer = name;
    double value = static_cast<double>(e.explainer.size()) * 0.11;
    for (MetricSummary& s : e.metrics) s = AwkwardSummary(value += 0.13, 4);
    e.bottomk_at_baseline = 1.0 / 7.0;
  }
  r.scores[1].Get(ImageMetric::kInfidelity) = AwkwardSummary(0.3, 4, torch::kFloat);
  r.nfl = AwkwardMatrix(0.01);
  r.nfl_sweep.push_back({.samples = 40, .swept_rows = {"clime_s0.1"}, .matrix = AwkwardMatrix(0.5),
                         .seconds = 2.0 / 3.0});
  r.nfl_columns_seconds = 0.1 + 0.2;
  r.cam_smoothing_difference = std::numeric_limits<double>::infinity();
  r.montages = {"heatmaps/cnn_0.png", "heatmaps/cnn_1.png"};
  const torch::Tensor maps = torch::linspace(-1.0, 1.0, 2 * 28 * 28, torch::kDouble).div(3.0);
  r.montage_maps.push_back({"lime", maps.reshape({2, 1, 28, 28})});
  r.montage_maps.push_back({"gradcampp", maps.flip(0).reshape({2, 1, 28, 28})});
  return r;
}

ImageModelResult ImagesBytesRoundTrip(const ImageModelResult& sent) {
  ByteWriter out;
  EncodeImageModelResult(out, sent);
  ByteReader in(out.bytes());
  ImageModelResult back = DecodeImageModelResult(in);
  EXPECT_TRUE(in.done());
  return back;
}

TEST(ImagesBytesTest, EveryFieldComesBackBitForBit) {
  const ImageModelResult sent = AwkwardImageModelResult();
  const ImageModelResult back = ImagesBytesRoundTrip(sent);
  EXPECT_EQ(back.model.name, sent.model.name);
  EXPECT_TRUE(ImagesBytesSameBits(back.model.test_accuracy, sent.model.test_accuracy));
  EXPECT_TRUE(ImagesBytesSameBits(back.model.train_seconds, sent.model.train_seconds));
  EXPECT_EQ(back.model.cached, sent.model.cached);
  ASSERT_EQ(back.scores.size(), sent.scores.size());
  for (size_t i = 0; i < sent.scores.size(); ++i) {
    EXPECT_EQ(back.scores[i].explainer, sent.scores[i].explainer);
    for (ImageMetric metric : kImageMetrics)
      ExpectSameSummary(back.scores[i].Get(metric), sent.scores[i].Get(metric));
    EXPECT_TRUE(ImagesBytesSameBits(back.scores[i].bottomk_at_baseline,
                                    sent.scores[i].bottomk_at_baseline));
  }
  ExpectSameMatrix(back.nfl, sent.nfl);
  ASSERT_EQ(back.nfl_sweep.size(), 1u);
  EXPECT_EQ(back.nfl_sweep[0].samples, 40);
  EXPECT_EQ(back.nfl_sweep[0].swept_rows, sent.nfl_sweep[0].swept_rows);
  ExpectSameMatrix(back.nfl_sweep[0].matrix, sent.nfl_sweep[0].matrix);
  EXPECT_TRUE(ImagesBytesSameBits(back.nfl_sweep[0].seconds, sent.nfl_sweep[0].seconds));
  EXPECT_TRUE(ImagesBytesSameBits(back.nfl_columns_seconds, sent.nfl_columns_seconds));
  ASSERT_TRUE(back.cam_smoothing_difference.has_value());
  EXPECT_TRUE(ImagesBytesSameBits(*back.cam_smoothing_difference, *sent.cam_smoothing_difference));
  EXPECT_EQ(back.montages, sent.montages);
  ASSERT_EQ(back.montage_maps.size(), sent.montage_maps.size());
  for (size_t i = 0; i < sent.montage_maps.size(); ++i) {
    EXPECT_EQ(back.montage_maps[i].name, sent.montage_maps[i].name);
    EXPECT_TRUE(ImagesBytesSameTensor(back.montage_maps[i].maps, sent.montage_maps[i].maps));
  }
}

TEST(ImagesBytesTest, AModelWithoutCamsOrSweepComesBackWithout) {
  ImageModelResult sent = AwkwardImageModelResult();
  sent.cam_smoothing_difference.reset();
  sent.nfl_sweep.clear();
  sent.montage_maps.clear();
  const ImageModelResult back = ImagesBytesRoundTrip(sent);
  EXPECT_FALSE(back.cam_smoothing_difference.has_value());
  EXPECT_TRUE(back.nfl_sweep.empty());
  EXPECT_TRUE(back.montage_maps.empty());
  ExpectSameMatrix(back.nfl, sent.nfl);
}

TEST(ImagesBytesTest, ACutBufferIsAnError) {
  ByteWriter out;
  EncodeImageModelResult(out, AwkwardImageModelResult());
  const std::string cut = out.bytes().substr(0, out.bytes().size() - 1);
  ByteReader in(cut);
  EXPECT_THROW(DecodeImageModelResult(in), std::runtime_error);
}

}  // namespace
}  // namespace lfa
