// SmoothGrad-Squared and VarGrad against theory:
//   - for f(x) = a.x the gradient is a at every noisy copy: SG-SQ = a^2, VarGrad = 0;
//   - for f(x) = sum c_i x_i^2 it is 2 c (x + eps): VarGrad -> 4 c^2 sigma^2 (S - 1) / S and
//     SG-SQ -> 4 c^2 (x^2 + sigma^2), checked within five standard errors;
//   - as Explainers (MakeExplainer) they give the same maps per element, count N S gradient
//     queries and do not depend on the Oracle's batch size.

#include "explainers/gradient_ensembles.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "models/analytic_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

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
  test::ExpectInvalid([&] { VarGrad(oracle, x, t, 0, 0.1, 0); }, "samples must be >= 1, got 0");
  test::ExpectInvalid([&] { SmoothGradSquared(oracle, x, t, 10, -0.5, 0); }, "-0.5");
}

TEST_F(VarGradQuadratic, ExplainersGiveTheMapsCountTheCopiesAndIgnoreTheBatchSize) {
  const PointBatch points = MakePointBatch(x_, 8);
  const torch::Tensor targets = torch::zeros({2}, torch::kLong);
  for (const std::string method : {"smoothgrad_squared", "vargrad"}) {
    Oracle whole(model_);
    Oracle rows_of_three(model_, {.max_batch_rows = 3});
    const auto explainer = MakeExplainer(method, {.samples = 50, .noise_fraction = kFraction});
    const Explanation e = explainer->Explain(whole, points, targets);
    const torch::Tensor expected = method == "vargrad"
                                       ? VarGrad(whole, x_, targets, 50, kFraction, 8)
                                       : SmoothGradSquared(whole, x_, targets, 50, kFraction, 8);
    EXPECT_EQ(e.method, method);
    EXPECT_TRUE(AllClose(e.attributions, expected, 0.0)) << method;
    EXPECT_EQ(e.model_queries, 2 * 50) << method;
    EXPECT_TRUE(torch::isnan(e.r2).all().item<bool>()) << method;
    EXPECT_TRUE(AllClose(explainer->Explain(rows_of_three, points, targets).attributions,
                         e.attributions, 1e-12))
        << method;
    EXPECT_EQ(rows_of_three.gradient_queries(), 2 * 50) << method;
  }
}

TEST(GradientEnsembles, OptionsThatDoNotApplyAreNamed) {
  test::ExpectInvalid([] { MakeExplainer("vargrad", {.sigma = 0.3}); }, "sigma 0.3");
  test::ExpectInvalid([] { MakeExplainer("smoothgrad_squared", {.layer = "conv1"}); }, "layer 'conv1'");
  test::ExpectInvalid([] { MakeExplainer("vargrad", {.samples = 5}, Implementation::kClassic); },
                "one implementation");
  test::ExpectInvalid([] { GradientEnsembleExplainer explainer({.method = "saliency"}); }, "'saliency'");
}

}  // namespace
}  // namespace lfa
