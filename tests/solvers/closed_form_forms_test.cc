// The two forms of the closed-form weighted least squares (solvers/closed_form.h): the fused CPU
// loops WeightedLeastSquares runs on float64 CPU samples, and the batched products it runs on
// every other device (BatchedWeightedLeastSquares, called here on the CPU so that the form CUDA
// runs is covered without a GPU). Both must recover an exact linear model, satisfy the normal
// equations Z'W(y - Z beta) = 0 on noisy data, and agree with each other to rounding.
#include <gtest/gtest.h>
#include <torch/types.h>

#include "solvers/closed_form.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;
using test::RandomUniform;

constexpr int64_t kPoints = 5, kSamples = 200, kDims = 7;

// z = [x, 1] or x.
torch::Tensor DesignOf(const torch::Tensor& x, bool intercept) {
  if (!intercept) return x;
  return torch::cat({x, torch::ones({x.size(0), x.size(1), 1}, x.options())}, 2);
}

class ClosedFormForms : public ::testing::TestWithParam<bool> {};

TEST_P(ClosedFormForms, BothRecoverAnExactLinearModel) {
  const bool intercept = GetParam();
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
  const bool intercept = GetParam();
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

INSTANTIATE_TEST_SUITE_P(WithAndWithoutIntercept, ClosedFormForms, ::testing::Bool());

}  // namespace
}  // namespace lfa
