// The CAM family and the noisy-gradient maps, checked against values derived by hand:
//   - on a network ending in global average pooling and a linear layer, S^c = sum_k w_ck mean(A^k),
//     so dS^c / dA^k_ij = w_ck / hw everywhere: Grad-CAM is Zhou et al.'s CAM, and Grad-CAM++'s
//     closed form reduces to alpha_k = 1 / (2 + sum(A^k) g_k), w_k = hw alpha_k ReLU(exp(S) g_k);
//   - the gradient at that layer does not depend on the input, so Smooth Grad-CAM++ equals
//     Grad-CAM++ there for any noise;
//   - for f(x) = a.x the gradient is a at every noisy copy: SG-SQ = a^2, VarGrad = 0; for
//     f(x) = sum c_i x_i^2 it is 2 c (x + eps): VarGrad -> 4 c^2 sigma^2 (S - 1) / S and
//     SG-SQ -> 4 c^2 (x^2 + sigma^2), checked within five standard errors.

#include "explainers/cam.h"
#include "models/analytic_model.h"

#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "framework/errors.h"
#include "framework/layered_model.h"
#include "framework/oracle.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// conv 3x3 (padding 1) -> "conv" -> ReLU -> "features" -> global average pooling -> linear, in
// float64 plain tensor ops (no parameter requires grad: ComputeCam must still reach the maps).
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
  TinyCnn net_{kC, kMaps, kClasses, /*seed=*/11};
  torch::Tensor x_ = RandomNormal({kN, kC, kH, kW}, 7);
  torch::Tensor targets_ = torch::tensor({0, 2, 1}, torch::kLong);

  // Per-map weights by hand: Grad-CAM alpha_k = w_ck / hw, or the Grad-CAM++ closed form with the
  // constant gradient g_k = w_ck / hw.
  torch::Tensor HandWeights(bool plus_plus) const {
    const torch::Tensor a = net_.Features(x_);
    const double hw = kH * kW;
    torch::Tensor weights = torch::zeros({kN, kMaps}, torch::kDouble);
    for (int64_t i = 0; i < kN; ++i) {
      const int64_t c = targets_[i].item<int64_t>();
      double score = net_.fc_b()[c].item<double>();
      for (int64_t k = 0; k < kMaps; ++k)
        score += net_.fc_w()[c][k].item<double>() * a[i][k].mean().item<double>();
      for (int64_t k = 0; k < kMaps; ++k) {
        const double g = net_.fc_w()[c][k].item<double>() / hw;
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
    const torch::Tensor a = net_.Features(x_);
    torch::Tensor out = torch::zeros({kN, kH, kW}, torch::kDouble);
    for (int64_t k : maps) out += weights.select(1, k).view({kN, 1, 1}) * a.select(1, k);
    return torch::relu(out);
  }
  static std::vector<int64_t> AllMaps() { return {0, 1, 2, 3}; }
};

TEST_F(CamFixture, GradCamOnGlobalAveragePoolingIsCam) {
  const torch::Tensor maps = ComputeCam(net_, x_, targets_, {.method = "gradcam", .layer = "features"});
  EXPECT_TRUE(AllClose(maps, HandMap(HandWeights(false), AllMaps()), 1e-10));
  EXPECT_GT(test::MaxAbs(maps), 0.0);  // the check is not vacuous
}

TEST_F(CamFixture, GradCamPlusPlusMatchesClosedForm) {
  const torch::Tensor maps =
      ComputeCam(net_, x_, targets_, {.method = "gradcampp", .layer = "features"});
  const torch::Tensor expected = HandMap(HandWeights(true), AllMaps());
  EXPECT_TRUE(AllClose(maps, expected, 1e-10 * std::max(1.0, test::MaxAbs(expected))));
  EXPECT_GT(test::MaxAbs(maps), 0.0);
}

TEST_F(CamFixture, SmoothGradCamPlusPlusWithOneCleanSampleIsGradCamPlusPlus) {
  for (const std::string layer : {"features", "conv"}) {
    const torch::Tensor plain = ComputeCam(net_, x_, targets_, {.method = "gradcampp", .layer = layer});
    const torch::Tensor smooth = ComputeCam(
        net_, x_, targets_,
        {.method = "smoothgradcampp", .layer = layer, .samples = 1, .noise_fraction = 0.0});
    EXPECT_TRUE(AllClose(smooth, plain, 1e-12 * std::max(1.0, test::MaxAbs(plain)))) << layer;
  }
}

TEST_F(CamFixture, SmoothGradCamPlusPlusEqualsGradCamPlusPlusWhereGradientIsConstant) {
  // At "features" dS/dA = w_ck / hw whatever the input, so the noise changes no derivative power.
  const torch::Tensor smooth = ComputeCam(
      net_, x_, targets_, {.method = "smoothgradcampp", .layer = "features", .samples = 8});
  const torch::Tensor expected = HandMap(HandWeights(true), AllMaps());
  EXPECT_TRUE(AllClose(smooth, expected, 1e-10 * std::max(1.0, test::MaxAbs(expected))));
  // At "conv" the ReLU's derivative depends on the input: the noise must change the map.
  const torch::Tensor noisy = ComputeCam(
      net_, x_, targets_, {.method = "smoothgradcampp", .layer = "conv", .samples = 8});
  const torch::Tensor clean = ComputeCam(net_, x_, targets_, {.method = "gradcampp", .layer = "conv"});
  EXPECT_GT(test::MaxAbs(noisy - clean), 1e-6);
}

TEST_F(CamFixture, FeatureMapSubsetSumsOnlyThoseMaps) {
  const std::vector<int64_t> subset = {3, 1};
  for (const bool plus_plus : {false, true}) {
    const torch::Tensor maps =
        ComputeCam(net_, x_, targets_,
                   {.method = plus_plus ? "gradcampp" : "gradcam", .layer = "features",
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
    const torch::Tensor plain = ComputeCam(net_, x_, targets_, {.method = method, .layer = "features"});
    ASSERT_GT(test::MaxAbs(plain), 0.0);
    EXPECT_TRUE(AllClose(
        ComputeCam(net_, x_, targets_, {.method = method, .layer = "features", .positions = all}),
        plain, 0.0))
        << method;
    const torch::Tensor one = ComputeCam(net_, x_, targets_,
                                         {.method = method, .layer = "features", .positions = {{{2, 3}}}});
    torch::Tensor expected = torch::zeros_like(plain);
    expected.select(1, 2).select(1, 3).copy_(plain.select(1, 2).select(1, 3));
    EXPECT_TRUE(AllClose(one, expected, 0.0)) << method;
  }
  // With global average pooling, the Grad-CAM values (no ReLU) at the chosen positions add up to
  // the class score that flows through them: sum_k w_ck sum_{ij in P} A^k_ij / hw.
  const std::vector<std::array<int64_t, 2>> chosen = {{0, 0}, {1, 4}, {4, 5}, {2, 2}};
  const torch::Tensor maps = ComputeCam(
      net_, x_, targets_, {.method = "gradcam", .layer = "features", .positions = chosen, .relu = false});
  const torch::Tensor a = net_.Features(x_);
  for (int64_t n = 0; n < kN; ++n) {
    const int64_t c = targets_[n].item<int64_t>();
    double share = 0;
    for (const auto& [i, j] : chosen)
      for (int64_t k = 0; k < kMaps; ++k)
        share += net_.fc_w()[c][k].item<double>() * a[n][k][i][j].item<double>() / (kH * kW);
    EXPECT_NEAR(maps[n].sum().item<double>(), share, 1e-12) << "image " << n;
  }
  // Feature maps and positions together select the neurons (k, i, j) of both subsets.
  const torch::Tensor both = ComputeCam(
      net_, x_, targets_, {.layer = "features", .feature_maps = {1, 3}, .positions = chosen});
  torch::Tensor mask = torch::zeros({kH, kW}, torch::kDouble);
  for (const auto& [i, j] : chosen) mask[i][j] = 1.0;
  EXPECT_TRUE(AllClose(both, HandMap(HandWeights(false), {1, 3}) * mask, 1e-12));
}

TEST_F(CamFixture, WithoutReluKeepsNegativeEvidence) {
  const torch::Tensor maps =
      ComputeCam(net_, x_, targets_, {.method = "gradcam", .layer = "features", .relu = false});
  const torch::Tensor weights = HandWeights(false);
  const torch::Tensor a = net_.Features(x_);
  const torch::Tensor expected = (weights.view({kN, kMaps, 1, 1}) * a).sum(1);
  EXPECT_TRUE(AllClose(maps, expected, 1e-10));
}

TEST_F(CamFixture, ImageAloneEqualsImageInBatchAndChunking) {
  const CamOptions options{.method = "smoothgradcampp", .layer = "conv", .samples = 6, .seed = 3};
  const torch::Tensor batch = ComputeCam(net_, x_, targets_, options);
  EXPECT_EQ(batch.sizes().vec(), (std::vector<int64_t>{kN, kH, kW}));
  for (int64_t i = 0; i < kN; ++i) {
    CamOptions alone = options;
    alone.first_index = i;
    const torch::Tensor one = ComputeCam(net_, x_.slice(0, i, i + 1), targets_.slice(0, i, i + 1), alone);
    EXPECT_TRUE(AllClose(one, batch.slice(0, i, i + 1), 1e-12)) << "image " << i;
  }
  CamOptions chunked = options;
  chunked.max_batch_rows = 1;  // one image (its 7 rows) per forward/backward
  EXPECT_TRUE(AllClose(ComputeCam(net_, x_, targets_, chunked), batch, 1e-12));
  // Same seed, same maps; another seed, other noise.
  EXPECT_TRUE(AllClose(ComputeCam(net_, x_, targets_, options), batch, 0.0));
  CamOptions reseeded = options;
  reseeded.seed = 4;
  EXPECT_GT(test::MaxAbs(ComputeCam(net_, x_, targets_, reseeded) - batch), 1e-9);
}

TEST_F(CamFixture, NoiseScalesWithEachImagesRange) {
  // sigma = fraction (max - min) scales with the image: an image scaled by 10, fed to a network
  // that first divides by 10, sees the very same noisy copies, so the map is unchanged.
  const torch::Tensor x10 = 10 * x_;
  struct Scaled : LayeredModel {
    TinyCnn* inner;
    explicit Scaled(TinyCnn* n) : inner(n) {}
    std::vector<std::string> layer_names() const override { return inner->layer_names(); }
    std::pair<torch::Tensor, torch::Tensor> ForwardWithActivation(const torch::Tensor& x,
                                                                  const std::string& l) override {
      return inner->ForwardWithActivation(x / 10, l);
    }
    torch::Tensor Forward(const torch::Tensor& x) override { return inner->Forward(x / 10); }
    std::vector<int64_t> input_shape() const override { return {}; }
    torch::Dtype dtype() const override { return torch::kDouble; }
    std::string description() const override { return "scaled"; }
  } scaled_net(&net_);
  const CamOptions options{.method = "smoothgradcampp", .layer = "conv", .samples = 5, .seed = 9};
  EXPECT_TRUE(AllClose(ComputeCam(scaled_net, x10, targets_, options),
                       ComputeCam(net_, x_, targets_, options), 1e-9));
}

TEST(Cam, UpsampleToInputKeepsConstantsAndShape) {
  const torch::Tensor maps = torch::full({2, 3, 3}, 1.5, torch::kDouble);
  const torch::Tensor up = UpsampleToInput(maps, 7, 5);
  EXPECT_TRUE(AllClose(up, torch::full({2, 7, 5}, 1.5, torch::kDouble), 1e-12));
  EXPECT_THROW(UpsampleToInput(torch::zeros({3, 3}), 4, 4), InvalidInput);
}

// Runs fn, expecting InvalidInput whose message contains `needle`.
template <typename Fn>
void ExpectInvalid(Fn fn, const std::string& needle) {
  try {
    fn();
    ADD_FAILURE() << "expected InvalidInput mentioning '" << needle << "'";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << "message '" << e.what() << "' does not mention '" << needle << "'";
  }
}

TEST_F(CamFixture, BadOptionsNameTheValue) {
  ExpectInvalid([&] { ComputeCam(net_, x_, targets_, {.method = "scorecam", .layer = "conv"}); },
                "scorecam");
  ExpectInvalid([&] { ComputeCam(net_, x_, targets_, {.method = "gradcam"}); }, "layer");
  ExpectInvalid([&] { ComputeCam(net_, x_, targets_, {.layer = "fc7"}); }, "fc7");
  ExpectInvalid(
      [&] { ComputeCam(net_, x_, targets_, {.method = "smoothgradcampp", .layer = "conv", .noise_fraction = -0.25}); },
      "-0.25");
  ExpectInvalid(
      [&] { ComputeCam(net_, x_, targets_, {.method = "smoothgradcampp", .layer = "conv", .samples = 0}); },
      "samples must be >= 1, got 0");
  ExpectInvalid(
      [&] { ComputeCam(net_, x_, targets_, {.layer = "features", .feature_maps = {1, 4}}); },
      "index 4");
  ExpectInvalid(
      [&] { ComputeCam(net_, x_, targets_, {.layer = "features", .feature_maps = {-2}}); }, "-2");
  ExpectInvalid([&] { ComputeCam(net_, x_, torch::tensor({0, 5, 1}, torch::kLong), {.layer = "conv"}); },
                "target 5");
  ExpectInvalid([&] { ComputeCam(net_, x_, targets_, {.layer = "conv", .positions = {{{5, 0}}}}); },
                "(5, 0)");
  ExpectInvalid([&] { ComputeCam(net_, x_, targets_, {.layer = "conv", .positions = {{{1, 6}}}}); },
                "5 x 6");
  ExpectInvalid([&] { ComputeCam(net_, x_, targets_, {.layer = "conv", .positions = {{{-1, 2}}}}); },
                "(-1, 2)");
  ExpectInvalid(
      [&] { ComputeCam(net_, x_, targets_, {.layer = "conv", .positions = {{1, 2}, {1, 2}}}); },
      "twice");
  std::string error;
  EXPECT_FALSE((CamOptions{.layer = "conv", .max_batch_rows = 0}.IsValid(&error)));
  EXPECT_NE(error.find("max_batch_rows"), std::string::npos);
  EXPECT_TRUE((CamOptions{.layer = "conv"}.IsValid(&error)));
}

// ---- SmoothGrad-Squared and VarGrad --------------------------------------------------------------

TEST(SmoothGradSquared, LinearModelGivesSquaredCoefficients) {
  const torch::Tensor a = torch::tensor({0.5, -2.0, 3.0, 0.0}, torch::kDouble);
  Oracle oracle(AnalyticModel::Linear(a, 1.0));
  const torch::Tensor x = RandomNormal({3, 4}, 5);
  const torch::Tensor sq = SmoothGradSquared(oracle, x, torch::zeros({3}, torch::kLong), 20, 0.2, 1);
  EXPECT_TRUE(AllClose(sq, a.square().expand({3, 4}), 1e-12));
  EXPECT_EQ(oracle.gradient_queries(), 3 * 20);  // one row per noisy copy, nothing else
}

TEST(VarGrad, LinearModelGivesZero) {
  const torch::Tensor a = torch::tensor({0.5, -2.0, 3.0, 0.0}, torch::kDouble);
  Oracle oracle(AnalyticModel::Linear(a, 1.0));
  const torch::Tensor x = RandomNormal({3, 4}, 5);
  const torch::Tensor var = VarGrad(oracle, x, torch::zeros({3}, torch::kLong), 20, 0.2, 1);
  EXPECT_TRUE(AllClose(var, torch::zeros({3, 4}, torch::kDouble), 1e-12));
}

// f(x) = sum_i c_i x_i^2, gradient 2 c (x + eps), eps ~ N(0, sigma^2), sigma = fraction range(x).
class VarGradQuadratic : public ::testing::Test {
 protected:
  static constexpr int64_t kSamples = 4000;
  static constexpr double kFraction = 0.15;
  torch::Tensor c_ = torch::tensor({1.0, -0.5, 2.0, 0.25, 0.0}, torch::kDouble);
  // Two images with very different ranges, so a global sigma would fail.
  torch::Tensor x_ = torch::stack({RandomNormal({5}, 2), 20 * RandomNormal({5}, 3)});
  std::shared_ptr<AnalyticModel> model_ = std::make_shared<AnalyticModel>(
      std::vector<int64_t>{5},
      [c = c_](const torch::Tensor& x) { return (c.to(x.dtype()) * x * x).sum(1, true); },
      "weighted sum of squares");
  torch::Tensor Sigma() const {
    return kFraction * (x_.amax(1) - x_.amin(1)).unsqueeze(1);  // [2, 1]
  }
};

TEST_F(VarGradQuadratic, VarGradIsFourCSquaredSigmaSquared) {
  Oracle oracle(model_);
  const torch::Tensor var = VarGrad(oracle, x_, torch::zeros({2}, torch::kLong), kSamples, kFraction, 8);
  // g ~ N(2 c x, tau^2), tau = 2 |c| sigma; the population variance has mean tau^2 (S - 1) / S
  // and standard error about tau^2 sqrt(2 / (S - 1)).
  const torch::Tensor tau2 = 4 * c_.square() * Sigma().square();
  const torch::Tensor expected = tau2 * (kSamples - 1.0) / kSamples;
  const torch::Tensor bound = 5 * tau2 * std::sqrt(2.0 / (kSamples - 1));
  EXPECT_TRUE(((var - expected).abs() <= bound + 1e-12).all().item<bool>())
      << "vargrad " << var << "\nexpected " << expected;
  EXPECT_EQ(var.select(1, 4).abs().max().item<double>(), 0.0);  // c = 0: no variance at all
}

TEST_F(VarGradQuadratic, SmoothGradSquaredIsSecondMoment) {
  Oracle oracle(model_);
  const torch::Tensor sq =
      SmoothGradSquared(oracle, x_, torch::zeros({2}, torch::kLong), kSamples, kFraction, 8);
  // g ~ N(mu, tau^2), mu = 2 c x: E g^2 = mu^2 + tau^2, Var g^2 = 2 tau^4 + 4 mu^2 tau^2.
  const torch::Tensor mu = 2 * c_ * x_;
  const torch::Tensor tau2 = 4 * c_.square() * Sigma().square();
  const torch::Tensor expected = mu.square() + tau2;
  const torch::Tensor bound = 5 * torch::sqrt((2 * tau2.square() + 4 * mu.square() * tau2) / kSamples);
  EXPECT_TRUE(((sq - expected).abs() <= bound + 1e-12).all().item<bool>())
      << "sg-sq " << sq << "\nexpected " << expected;
}

TEST_F(VarGradQuadratic, VarGradImageAloneEqualsImageInBatch) {
  Oracle oracle(model_);
  const torch::Tensor targets = torch::zeros({2}, torch::kLong);
  const torch::Tensor var = VarGrad(oracle, x_, targets, 50, kFraction, 8);
  const torch::Tensor sq = SmoothGradSquared(oracle, x_, targets, 50, kFraction, 8);
  for (int64_t i = 0; i < 2; ++i) {
    const torch::Tensor xi = x_.slice(0, i, i + 1), ti = targets.slice(0, i, i + 1);
    EXPECT_TRUE(AllClose(VarGrad(oracle, xi, ti, 50, kFraction, 8, i), var.slice(0, i, i + 1), 1e-12));
    EXPECT_TRUE(
        AllClose(SmoothGradSquared(oracle, xi, ti, 50, kFraction, 8, i), sq.slice(0, i, i + 1), 1e-12));
  }
}

TEST(VarGrad, BadArgumentsNameTheValue) {
  Oracle oracle(AnalyticModel::Linear(torch::ones({3}, torch::kDouble), 0.0));
  const torch::Tensor x = torch::zeros({2, 3}, torch::kDouble), t = torch::zeros({2}, torch::kLong);
  ExpectInvalid([&] { VarGrad(oracle, x, t, 0, 0.1, 0); }, "samples must be >= 1, got 0");
  ExpectInvalid([&] { SmoothGradSquared(oracle, x, t, 10, -0.5, 0); }, "-0.5");
}

}  // namespace
}  // namespace lfa
