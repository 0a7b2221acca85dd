// The two forms of the closed-form weighted least squares (solvers/closed_form.h): the fused CPU
// loops WeightedLeastSquares runs on float64 CPU samples, and the batched products it runs on
// every other device (BatchedWeightedLeastSquares, called here on the CPU so that the form CUDA
// runs is covered without a GPU). Both must recover an exact linear model, satisfy the normal
// equations Z'W(y - Z beta) = 0 on noisy data, and agree with each other to rounding, with 7
// features (WeightedGram's register blocks) and with 70 (its blocked rank update, from 64
// parameters).
// The same for the two forms of the gradient-matching fit (GradientMatchFit, fused on the CPU, and
// BatchedGradientMatchFit, the tensor form CUDA runs).
#include <tuple>
#include <utility>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "solvers/closed_form.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;
using test::RandomUniform;

constexpr int64_t kPoints = 5, kSamples = 200;

// z = [x, 1] or x.
torch::Tensor DesignOf(const torch::Tensor& x, bool intercept) {
  if (!intercept) return x;
  return torch::cat({x, torch::ones({x.size(0), x.size(1), 1}, x.options())}, 2);
}

// (intercept, features)
class ClosedFormForms : public ::testing::TestWithParam<std::tuple<bool, int64_t>> {};

TEST_P(ClosedFormForms, BothRecoverAnExactLinearModel) {
  const auto [intercept, kDims] = GetParam();
  const torch::Tensor x = RandomNormal({kPoints, kSamples, kDims}, 1);
  const torch::Tensor w = RandomUniform({kPoints, kSamples}, 0.1, 2.0, 2);
  const torch::Tensor beta = RandomNormal({kPoints, kDims + (intercept ? 1 : 0)}, 3);
  const torch::Tensor y = torch::bmm(DesignOf(x, intercept), beta.unsqueeze(2)).squeeze(2);
  const ClosedFormOptions no_ridge{.ridge = 0.0};
  for (const FitResult& fit : {WeightedLeastSquares(x, w, y, intercept, no_ridge),
                               BatchedWeightedLeastSquares(x, w, y, intercept, no_ridge)}) {
    EXPECT_TRUE(AllClose(fit.params, beta, 1e-10));
    EXPECT_TRUE(AllClose(fit.loss, torch::zeros({kPoints}, torch::kDouble), 1e-18));
    EXPECT_TRUE(AllClose(fit.r2, torch::ones({kPoints}, torch::kDouble), 1e-12));
  }
}

TEST_P(ClosedFormForms, AgreeOnNoisyDataAndSatisfyTheNormalEquations) {
  const auto [intercept, kDims] = GetParam();
  const torch::Tensor x = RandomNormal({kPoints, kSamples, kDims}, 4);
  const torch::Tensor w = RandomUniform({kPoints, kSamples}, 0.0, 1.0, 5);
  const torch::Tensor y = x.sum(2).sin() + 0.3 * RandomNormal({kPoints, kSamples}, 6);
  const ClosedFormOptions no_ridge{.ridge = 0.0};
  const FitResult fused = WeightedLeastSquares(x, w, y, intercept, no_ridge);
  const FitResult batched = BatchedWeightedLeastSquares(x, w, y, intercept, no_ridge);
  EXPECT_TRUE(AllClose(fused.params, batched.params, 1e-11));
  EXPECT_TRUE(AllClose(fused.loss, batched.loss, 1e-12));
  EXPECT_TRUE(AllClose(fused.r2, batched.r2, 1e-12));
  EXPECT_GT(fused.loss.min().item<double>(), 1e-3);  // noisy: the fit is not exact
  const torch::Tensor z = DesignOf(x, intercept);
  for (const FitResult& fit : {fused, batched}) {
    const torch::Tensor residual = y - torch::bmm(z, fit.params.unsqueeze(2)).squeeze(2);
    const torch::Tensor gradient =
        torch::bmm((z * w.unsqueeze(2)).transpose(1, 2), residual.unsqueeze(2)).squeeze(2);
    EXPECT_TRUE(AllClose(gradient, torch::zeros_like(gradient), 1e-10));
  }
}

// Negative weights (a kernel may give them) cannot take the square roots of the blocked update:
// WeightedGram falls back to its register-blocked loop and still agrees with the batched products.
TEST(ClosedFormForms, NegativeWeightsTakeTheRowLoopAndAgree) {
  const torch::Tensor x = RandomNormal({2, kSamples, 70}, 7);
  torch::Tensor w = RandomUniform({2, kSamples}, 0.5, 1.5, 8);
  w[0][3] = -0.25;
  const torch::Tensor y = x.sum(2).cos() + 0.1 * RandomNormal({2, kSamples}, 9);
  const ClosedFormOptions no_ridge{.ridge = 0.0};
  const FitResult fused = WeightedLeastSquares(x, w, y, true, no_ridge);
  const FitResult batched = BatchedWeightedLeastSquares(x, w, y, true, no_ridge);
  EXPECT_TRUE(AllClose(fused.params, batched.params, 1e-9));
  EXPECT_TRUE(AllClose(fused.loss, batched.loss, 1e-12));
}

// Antithetic samples (x and -x with equal weights, C-LIME's), fitted by the fused form from the
// pairs' first members (solvers/fused_normal_equations.h): with more pairs than parameters the
// forms agree without a ridge; with fewer (30 pairs, 70 features: C-LIME's 500 pairs for 784
// pixels in small) the systems are singular and the CPU form solves the ridged system in the
// pairs' space (DualPairsRidgeFit): both give the same ridge and the same ridged solution.
TEST(ClosedFormForms, AntitheticPairsAgreeWithAndWithoutFullRank) {
  for (const auto& [pairs, intercept] :
       {std::pair<int64_t, bool>{100, true}, {30, true}, {30, false}}) {
    SCOPED_TRACE(testing::Message() << pairs << " pairs, intercept " << intercept);
    const torch::Tensor first = RandomNormal({3, pairs, 1, 70}, 14);
    const torch::Tensor x = torch::cat({first, -first}, 2).reshape({3, 2 * pairs, 70});
    const torch::Tensor w =
        RandomUniform({3, pairs, 1}, 0.5, 1.5, 15).expand({3, pairs, 2}).reshape({3, 2 * pairs});
    const torch::Tensor y = x.sum(2).sin() + 0.1 * RandomNormal({3, 2 * pairs}, 16);
    const ClosedFormOptions options{.ridge = pairs < 70 ? 1e-6 : 0.0};
    const FitResult fused = WeightedLeastSquares(x, w, y, intercept, options);
    const FitResult batched = BatchedWeightedLeastSquares(x, w, y, intercept, options);
    EXPECT_TRUE(AllClose(fused.ridge, batched.ridge, 1e-12));
    EXPECT_EQ(fused.ridge.min().item<double>() > 0, pairs < 70);
    EXPECT_TRUE(AllClose(fused.params, batched.params, 1e-8));
    EXPECT_TRUE(AllClose(fused.loss, batched.loss, 1e-10));
  }
}

INSTANTIATE_TEST_SUITE_P(InterceptAndFeatures, ClosedFormForms,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(7, 70)));

// A gradient-matching problem: J [N, S, d] (the responses), weights [N, S].
LocalProblem GradientProblem(const torch::Tensor& jac, const torch::Tensor& w) {
  return {LocalProblem::Response::kGradients, torch::zeros_like(jac), w, jac};
}

TEST(GradientMatchForms, ConstantGradientsAreMatchedExactly) {
  // J_k = g for every sample: the mean is g, the loss 0 and R² 1, in both forms; an intercept
  // parameter (the fourth) stays 0.
  const torch::Tensor g = RandomNormal({3, 1, 6}, 10);
  const torch::Tensor jac = g.expand({3, 40, 6}).contiguous();
  const torch::Tensor w = RandomUniform({3, 40}, 0.1, 2.0, 11);
  for (const FitResult& fit : {GradientMatchFit(GradientProblem(jac, w), 7),
                               BatchedGradientMatchFit(GradientProblem(jac, w), 7)}) {
    EXPECT_TRUE(AllClose(fit.params.slice(1, 0, 6), g.squeeze(1), 1e-14));
    EXPECT_TRUE(AllClose(fit.params.select(1, 6), torch::zeros({3}, torch::kDouble), 0.0));
    EXPECT_TRUE(AllClose(fit.loss, torch::zeros({3}, torch::kDouble), 1e-28));
    EXPECT_TRUE(AllClose(fit.r2, torch::ones({3}, torch::kDouble), 1e-14));
  }
}

TEST(GradientMatchForms, AgreeAndSplitTheEnergyIntoMeanAndSpread) {
  // E_w||J||² = ||m||² + E_w||J - m||²: the loss is the energy the mean does not explain.
  const torch::Tensor jac = RandomNormal({4, 300, 9}, 12) + 0.5;
  const torch::Tensor w = RandomUniform({4, 300}, 0.0, 1.0, 13);
  const FitResult fused = GradientMatchFit(GradientProblem(jac, w), 9);
  const FitResult batched = BatchedGradientMatchFit(GradientProblem(jac, w), 9);
  EXPECT_TRUE(AllClose(fused.params, batched.params, 1e-13));
  EXPECT_TRUE(AllClose(fused.loss, batched.loss, 1e-12));
  EXPECT_TRUE(AllClose(fused.r2, batched.r2, 1e-12));
  const torch::Tensor energy = (jac.square().sum(2) * w).sum(1) / w.sum(1);
  EXPECT_TRUE(AllClose(fused.loss + fused.params.square().sum(1), energy, 1e-12));
  EXPECT_TRUE(AllClose(fused.r2, 1 - fused.loss / energy, 1e-12));
  EXPECT_GT(fused.loss.min().item<double>(), 1.0);  // unit-variance noise in 9 features
}

}  // namespace
}  // namespace lfa
