// The CAM family, checked against values derived by hand:
//   - on a network ending in global average pooling and a linear layer, S^c = sum_k w_ck mean(A^k),
//     so dS^c / dA^k_ij = w_ck / hw everywhere: Grad-CAM is Zhou et al.'s CAM, and Grad-CAM++'s
//     closed form reduces to alpha_k = 1 / (2 + sum(A^k) g_k), w_k = hw alpha_k ReLU(exp(S) g_k);
//   - the gradient at that layer does not depend on the input, so Smooth Grad-CAM++ equals
//     Grad-CAM++ there for any noise;
//   - as Explainers the CAMs query through the Oracle: model_queries is the number of rows sent
//     (N, or N (1 + samples) for Smooth Grad-CAM++), and the maps do not depend on the Oracle's
//     batch size.
// (SmoothGrad-Squared and VarGrad: gradient_ensembles_test.cc.)

#include "explainers/cam.h"

#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/layered_model.h"
#include "framework/oracle.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// conv 3x3 (padding 1) -> "conv" -> ReLU -> "features" -> global average pooling -> linear, in
// float64 plain tensor ops (no parameter requires grad: the Oracle must still reach the maps).
class TinyCnn : public LayeredModel {
 public:
  TinyCnn(int64_t channels, int64_t maps, int64_t classes, uint64_t seed)
      : conv_w_(0.5 * RandomNormal({maps, channels, 3, 3}, seed)),
        conv_b_(0.1 * RandomNormal({maps}, seed + 1)),
        fc_w_(RandomNormal({classes, maps}, seed + 2)),
        fc_b_(0.1 * RandomNormal({classes}, seed + 3)) {}

  std::vector<std::string> layer_names() const override { return {"conv", "features"}; }
  std::pair<torch::Tensor, torch::Tensor> ForwardWithActivation(const torch::Tensor& x,
                                                                const std::string& layer) override {
    const torch::Tensor conv = Conv(x);
    const torch::Tensor features = torch::relu(conv);
    const torch::Tensor logits = features.mean({2, 3}).matmul(fc_w_.t()) + fc_b_;
    if (layer == "conv") return {logits, conv};
    if (layer == "features") return {logits, features};
    Fail("TinyCnn: unknown layer '", layer, "'");
  }
  torch::Tensor Forward(const torch::Tensor& x) override {
    return ForwardWithActivation(x, "features").first;
  }
  std::vector<int64_t> input_shape() const override { return {}; }
  torch::Dtype dtype() const override { return torch::kDouble; }
  std::string description() const override { return "tiny CNN with global average pooling"; }

  torch::Tensor Conv(const torch::Tensor& x) const {
    return torch::conv2d(x, conv_w_, conv_b_, /*stride=*/1, /*padding=*/1);
  }
  torch::Tensor Features(const torch::Tensor& x) const { return torch::relu(Conv(x)); }
  const torch::Tensor& fc_w() const { return fc_w_; }
  const torch::Tensor& fc_b() const { return fc_b_; }

 private:
  torch::Tensor conv_w_, conv_b_, fc_w_, fc_b_;
};

class CamFixture : public ::testing::Test {
 protected:
  static constexpr int64_t kN = 3, kC = 2, kH = 5, kW = 6, kMaps = 4, kClasses = 3;
  std::shared_ptr<TinyCnn> net_ = std::make_shared<TinyCnn>(kC, kMaps, kClasses, /*seed=*/11);
  torch::Tensor x_ = RandomNormal({kN, kC, kH, kW}, 7);
  torch::Tensor targets_ = torch::tensor({0, 2, 1}, torch::kLong);
  Oracle oracle_{net_};

  // ComputeCam on x_ (noise streams from `seed`) through oracle_.
  torch::Tensor Cam(const CamOptions& options, uint64_t seed = 0) {
    return ComputeCam(oracle_, MakePointBatch(x_, seed), targets_, options);
  }

  // Per-map weights by hand: Grad-CAM alpha_k = w_ck / hw, or the Grad-CAM++ closed form with the
  // constant gradient g_k = w_ck / hw.
  torch::Tensor HandWeights(bool plus_plus) const {
    const torch::Tensor a = net_->Features(x_);
    const double hw = kH * kW;
    torch::Tensor weights = torch::zeros({kN, kMaps}, torch::kDouble);
    for (int64_t i = 0; i < kN; ++i) {
      const int64_t c = targets_[i].item<int64_t>();
      double score = net_->fc_b()[c].item<double>();
      for (int64_t k = 0; k < kMaps; ++k)
        score += net_->fc_w()[c][k].item<double>() * a[i][k].mean().item<double>();
      for (int64_t k = 0; k < kMaps; ++k) {
        const double g = net_->fc_w()[c][k].item<double>() / hw;
        if (!plus_plus) {
          weights[i][k] = g;
          continue;
        }
        const double sum_a = a[i][k].sum().item<double>();
        const double alpha = g * g / (2 * g * g + sum_a * g * g * g);
        weights[i][k] = hw * alpha * std::max(0.0, std::exp(score) * g);
      }
    }
    return weights;
  }
  // ReLU(sum over `maps` of weight_k A^k), [N, H, W].
  torch::Tensor HandMap(const torch::Tensor& weights, const std::vector<int64_t>& maps) const {
    const torch::Tensor a = net_->Features(x_);
    torch::Tensor out = torch::zeros({kN, kH, kW}, torch::kDouble);
    for (int64_t k : maps) out += weights.select(1, k).view({kN, 1, 1}) * a.select(1, k);
    return torch::relu(out);
  }
  static std::vector<int64_t> AllMaps() { return {0, 1, 2, 3}; }
};

TEST_F(CamFixture, GradCamOnGlobalAveragePoolingIsCam) {
  const torch::Tensor maps = Cam({.method = "gradcam", .layer = "features"});
  EXPECT_TRUE(AllClose(maps, HandMap(HandWeights(false), AllMaps()), 1e-10));
  EXPECT_GT(test::MaxAbs(maps), 0.0);  // the check is not vacuous
}

TEST_F(CamFixture, GradCamPlusPlusMatchesClosedForm) {
  const torch::Tensor maps =
      Cam({.method = "gradcampp", .layer = "features"});
  const torch::Tensor expected = HandMap(HandWeights(true), AllMaps());
  EXPECT_TRUE(AllClose(maps, expected, 1e-10 * std::max(1.0, test::MaxAbs(expected))));
  EXPECT_GT(test::MaxAbs(maps), 0.0);
}

TEST_F(CamFixture, SmoothGradCamPlusPlusWithOneCleanSampleIsGradCamPlusPlus) {
  for (const std::string layer : {"features", "conv"}) {
    const torch::Tensor plain = Cam({.method = "gradcampp", .layer = layer});
    const torch::Tensor smooth = Cam(
        {.method = "smoothgradcampp", .layer = layer, .samples = 1, .noise_fraction = 0.0});
    EXPECT_TRUE(AllClose(smooth, plain, 1e-12 * std::max(1.0, test::MaxAbs(plain)))) << layer;
  }
}

TEST_F(CamFixture, SmoothGradCamPlusPlusEqualsGradCamPlusPlusWhereGradientIsConstant) {
  // At "features" dS/dA = w_ck / hw whatever the input, so the noise changes no derivative power.
  const torch::Tensor smooth =
      Cam({.method = "smoothgradcampp", .layer = "features", .samples = 8});
  const torch::Tensor expected = HandMap(HandWeights(true), AllMaps());
  EXPECT_TRUE(AllClose(smooth, expected, 1e-10 * std::max(1.0, test::MaxAbs(expected))));
  // At "conv" the ReLU's derivative depends on the input: the noise must change the map.
  const torch::Tensor noisy = Cam({.method = "smoothgradcampp", .layer = "conv", .samples = 8});
  const torch::Tensor clean = Cam({.method = "gradcampp", .layer = "conv"});
  EXPECT_GT(test::MaxAbs(noisy - clean), 1e-6);
}

TEST_F(CamFixture, FeatureMapSubsetSumsOnlyThoseMaps) {
  const std::vector<int64_t> subset = {3, 1};
  for (const bool plus_plus : {false, true}) {
    const torch::Tensor maps =
        Cam({.method = plus_plus ? "gradcampp" : "gradcam", .layer = "features",
                    .feature_maps = subset});
    const torch::Tensor expected = HandMap(HandWeights(plus_plus), subset);
    EXPECT_TRUE(AllClose(maps, expected, 1e-10 * std::max(1.0, test::MaxAbs(expected))))
        << (plus_plus ? "gradcampp" : "gradcam");
  }
}

TEST_F(CamFixture, PositionSubsetKeepsOnlyThoseNeuronsAndTheirShareOfTheScore) {
  std::vector<std::array<int64_t, 2>> all;
  for (int64_t i = 0; i < kH; ++i)
    for (int64_t j = 0; j < kW; ++j) all.push_back({i, j});
  for (const char* method : {"gradcam", "gradcampp"}) {
    const torch::Tensor plain = Cam({.method = method, .layer = "features"});
    ASSERT_GT(test::MaxAbs(plain), 0.0);
    EXPECT_TRUE(AllClose(
        Cam({.method = method, .layer = "features", .positions = all}),
        plain, 0.0))
        << method;
    const torch::Tensor one = Cam({.method = method, .layer = "features", .positions = {{{2, 3}}}});
    torch::Tensor expected = torch::zeros_like(plain);
    expected.select(1, 2).select(1, 3).copy_(plain.select(1, 2).select(1, 3));
    EXPECT_TRUE(AllClose(one, expected, 0.0)) << method;
  }
  // With global average pooling, the Grad-CAM values (no ReLU) at the chosen positions add up to
  // the class score that flows through them: sum_k w_ck sum_{ij in P} A^k_ij / hw.
  const std::vector<std::array<int64_t, 2>> chosen = {{0, 0}, {1, 4}, {4, 5}, {2, 2}};
  const torch::Tensor maps =
      Cam({.method = "gradcam", .layer = "features", .positions = chosen, .relu = false});
  const torch::Tensor a = net_->Features(x_);
  for (int64_t n = 0; n < kN; ++n) {
    const int64_t c = targets_[n].item<int64_t>();
    double share = 0;
    for (const auto& [i, j] : chosen)
      for (int64_t k = 0; k < kMaps; ++k)
        share += net_->fc_w()[c][k].item<double>() * a[n][k][i][j].item<double>() / (kH * kW);
    EXPECT_NEAR(maps[n].sum().item<double>(), share, 1e-12) << "image " << n;
  }
  // Feature maps and positions together select the neurons (k, i, j) of both subsets.
  const torch::Tensor both =
      Cam({.layer = "features", .feature_maps = {1, 3}, .positions = chosen});
  torch::Tensor mask = torch::zeros({kH, kW}, torch::kDouble);
  for (const auto& [i, j] : chosen) mask[i][j] = 1.0;
  EXPECT_TRUE(AllClose(both, HandMap(HandWeights(false), {1, 3}) * mask, 1e-12));
}

TEST_F(CamFixture, WithoutReluKeepsNegativeEvidence) {
  const torch::Tensor maps =
      Cam({.method = "gradcam", .layer = "features", .relu = false});
  const torch::Tensor weights = HandWeights(false);
  const torch::Tensor a = net_->Features(x_);
  const torch::Tensor expected = (weights.view({kN, kMaps, 1, 1}) * a).sum(1);
  EXPECT_TRUE(AllClose(maps, expected, 1e-10));
}

TEST_F(CamFixture, ImageAloneEqualsImageInBatchAndAnyOracleBatchSize) {
  const CamOptions options{.method = "smoothgradcampp", .layer = "conv", .samples = 6};
  const torch::Tensor batch = Cam(options, /*seed=*/3);
  EXPECT_EQ(batch.sizes().vec(), (std::vector<int64_t>{kN, kH, kW}));
  for (int64_t i = 0; i < kN; ++i) {
    const torch::Tensor one = ComputeCam(oracle_, MakePointBatch(x_.slice(0, i, i + 1), 3, i),
                                         targets_.slice(0, i, i + 1), options);
    EXPECT_TRUE(AllClose(one, batch.slice(0, i, i + 1), 1e-12)) << "image " << i;
  }
  // One row per model call, and 5-row calls that split each image's 7 rows: the same maps.
  for (const int64_t rows : {1, 5}) {
    Oracle small(net_, {.max_batch_rows = rows});
    EXPECT_TRUE(AllClose(ComputeCam(small, MakePointBatch(x_, 3), targets_, options), batch, 1e-12))
        << rows << " rows per call";
    EXPECT_EQ(small.gradient_queries(), kN * 7) << rows << " rows per call";
  }
  // Same seed, same maps; another seed, other noise.
  EXPECT_TRUE(AllClose(Cam(options, 3), batch, 0.0));
  EXPECT_GT(test::MaxAbs(Cam(options, 4) - batch), 1e-9);
}

TEST_F(CamFixture, NoiseScalesWithEachImagesRange) {
  // sigma = fraction (max - min) scales with the image: an image scaled by 10, fed to a network
  // that first divides by 10, sees the very same noisy copies, so the map is unchanged.
  const torch::Tensor x10 = 10 * x_;
  struct Scaled : LayeredModel {
    std::shared_ptr<TinyCnn> inner;
    explicit Scaled(std::shared_ptr<TinyCnn> n) : inner(std::move(n)) {}
    std::vector<std::string> layer_names() const override { return inner->layer_names(); }
    std::pair<torch::Tensor, torch::Tensor> ForwardWithActivation(const torch::Tensor& x,
                                                                  const std::string& l) override {
      return inner->ForwardWithActivation(x / 10, l);
    }
    torch::Tensor Forward(const torch::Tensor& x) override { return inner->Forward(x / 10); }
    std::vector<int64_t> input_shape() const override { return {}; }
    torch::Dtype dtype() const override { return torch::kDouble; }
    std::string description() const override { return "scaled"; }
  };
  Oracle scaled(std::make_shared<Scaled>(net_));
  const CamOptions options{.method = "smoothgradcampp", .layer = "conv", .samples = 5};
  EXPECT_TRUE(AllClose(ComputeCam(scaled, MakePointBatch(x10, 9), targets_, options),
                       Cam(options, 9), 1e-9));
}

TEST_F(CamFixture, EmptyLayerIsTheLastSpatialLayer) {
  EXPECT_EQ(LastSpatialLayer(oracle_, {kC, kH, kW}), "features");
  for (const char* method : {"gradcam", "gradcampp"})
    EXPECT_TRUE(
        AllClose(Cam({.method = method}), Cam({.method = method, .layer = "features"}), 0.0))
        << method;
}

// The Explainer: the maps of ComputeCam, upsampled (here the layer keeps the input's 5 x 6, so
// the bilinear upsampling is the identity) and repeated over the channels, with one gradient query
// per row sent.
TEST_F(CamFixture, ExplainerGivesTheMapsPerElementAndCountsTheRowsItSends) {
  const PointBatch points = MakePointBatch(x_, 3);
  for (const std::string method : {"gradcam", "gradcampp", "smoothgradcampp"}) {
    const int64_t copies = method == "smoothgradcampp" ? 1 + 6 : 1;
    Oracle oracle(net_, {.max_batch_rows = 4});
    const Explanation e = MakeExplainer(method, {.samples = 6, .layer = "conv"})
                              ->Explain(oracle, points, targets_);
    EXPECT_EQ(e.method, method);
    EXPECT_EQ(e.model_queries, kN * copies) << method;
    EXPECT_EQ(oracle.gradient_queries(), kN * copies) << method;
    EXPECT_EQ(oracle.value_queries(), 0) << method;
    ASSERT_EQ(e.attributions.sizes(), (c10::IntArrayRef{kN, kC * kH * kW})) << method;
    const torch::Tensor maps = Cam({.method = method, .layer = "conv", .samples = 6}, 3)
                                   .unsqueeze(1)
                                   .expand({-1, kC, -1, -1});
    EXPECT_TRUE(AllClose(e.AttributionMaps(), maps, 1e-12)) << method;
    EXPECT_TRUE(torch::isnan(e.loss).all().item<bool>()) << method;
  }
  // The Explainer wants images [C, H, W].
  EXPECT_THROW(MakeExplainer("gradcam")->Explain(oracle_, MakePointBatch(x_.reshape({kN, -1}), 0),
                                                 targets_),
               InvalidInput);
}

TEST(Cam, UpsampleToInputKeepsConstantsAndShape) {
  const torch::Tensor maps = torch::full({2, 3, 3}, 1.5, torch::kDouble);
  const torch::Tensor up = UpsampleToInput(maps, 7, 5);
  EXPECT_TRUE(AllClose(up, torch::full({2, 7, 5}, 1.5, torch::kDouble), 1e-12));
  EXPECT_THROW(UpsampleToInput(torch::zeros({3, 3}), 4, 4), InvalidInput);
}

TEST_F(CamFixture, BadOptionsNameTheValue) {
  test::ExpectInvalid([&] { Cam({.method = "scorecam", .layer = "conv"}); }, "scorecam");
  test::ExpectInvalid([&] { Cam({.layer = "fc7"}); }, "fc7");
  test::ExpectInvalid(
      [&] { Cam({.method = "smoothgradcampp", .layer = "conv", .noise_fraction = -0.25}); },
      "-0.25");
  test::ExpectInvalid([&] { Cam({.method = "smoothgradcampp", .layer = "conv", .samples = 0}); },
                "samples must be >= 1, got 0");
  test::ExpectInvalid([&] { Cam({.layer = "features", .feature_maps = {1, 4}}); }, "index 4");
  test::ExpectInvalid([&] { Cam({.layer = "features", .feature_maps = {-2}}); }, "-2");
  test::ExpectInvalid(
      [&] {
        ComputeCam(oracle_, MakePointBatch(x_, 0), torch::tensor({0, 5, 1}, torch::kLong),
                   {.layer = "conv"});
      },
      "target 5");
  test::ExpectInvalid([&] { Cam({.layer = "conv", .positions = {{{5, 0}}}}); }, "(5, 0)");
  test::ExpectInvalid([&] { Cam({.layer = "conv", .positions = {{{1, 6}}}}); }, "5 x 6");
  test::ExpectInvalid([&] { Cam({.layer = "conv", .positions = {{{-1, 2}}}}); }, "(-1, 2)");
  test::ExpectInvalid([&] { Cam({.layer = "conv", .positions = {{1, 2}, {1, 2}}}); }, "twice");
  std::string error;
  EXPECT_FALSE((CamOptions{.layer = "conv", .samples = 0}.IsValid(&error)));
  EXPECT_NE(error.find("samples"), std::string::npos);
  EXPECT_TRUE((CamOptions{.layer = "conv"}.IsValid(&error)));
  EXPECT_TRUE((CamOptions{}.IsValid(&error)));  // empty layer: the last spatial one
}

}  // namespace
}  // namespace lfa
