// The gradient family on images, both as LFA compositions and as classic algorithms, against the
// answers theory gives (STYLE.md's golden tests):
//   - for a linear image model f_c(x) = <W_c, x> + b_c on [1, 6, 6] inputs with three classes and
//     a different target per image: gradient = W_t, gradient x input = W_t x, integrated gradients
//     = W_t (x - b) (b = 0, or the blur of each image), SmoothGrad = W_t (absolute noise or noise
//     relative to each image's range), C-LIME = W_t;
//   - noise as a fraction of the range: the draws are the unit draws times fraction * range of
//     each point, draw for draw, and their spread matches within five standard errors;
//   - for f(x) = sum_i c_i x_i^3 the SmoothGrad of both implementations is the mean of
//     3 c (x + xi)^2 over exactly the draws of the fraction-scaled neighbourhood.

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/builtin_registry.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "framework/random.h"
#include "framework/registry.h"
#include "models/analytic_model.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/gaussian.h"
#include "neighbourhoods/gaussian_blur.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;

class LinearImageGradients : public ::testing::Test {
 protected:
  static constexpr int64_t kN = 5, kD = 36;

  LinearImageGradients()
      : oracle_(std::make_shared<AnalyticModel>(
            std::vector<int64_t>{1, 6, 6},
            [w = w_, b = b_](const torch::Tensor& x) {
              return x.reshape({x.size(0), -1}).matmul(w.t().to(x.dtype())) + b.to(x.dtype());
            },
            "linear image model, three classes")) {}

  // W_t of every image: [N, D].
  torch::Tensor TargetWeights() const { return w_.index_select(0, targets_); }
  torch::Tensor Flat() const { return x_.reshape({kN, kD}); }
  Explanation Explain(const std::string& method, const RecipeOptions& options,
                      Implementation implementation) {
    return MakeExplainer(method, options, implementation)
        ->Explain(oracle_, MakePointBatch(x_, 17), targets_);
  }

  const torch::Tensor w_ = test::RandomNormal({3, kD}, 1);
  const torch::Tensor b_ = torch::tensor({0.5, -1.0, 2.0}, torch::kDouble);
  const torch::Tensor x_ = test::RandomUniform({kN, 1, 6, 6}, 0.0, 1.0, 2);
  const torch::Tensor targets_ = torch::tensor({0, 2, 1, 2, 0}, torch::kLong);
  Oracle oracle_;
};

TEST_F(LinearImageGradients, EveryGradientMethodIsTheClosedFormInBothImplementations) {
  const torch::Tensor w = TargetWeights(), x = Flat();
  const torch::Tensor blur_spread = x - GaussianBlur(x_, 1.0).reshape({kN, kD});
  for (Implementation implementation : {Implementation::kLfa, Implementation::kClassic}) {
    const std::string which = implementation == Implementation::kLfa ? "lfa" : "classic";
    EXPECT_TRUE(AllClose(Explain("gradient", {.samples = 8}, implementation).attributions, w, 1e-12))
        << which;
    EXPECT_TRUE(AllClose(Explain("gradient_x_input", {.samples = 8}, implementation).attributions,
                         w * x, 1e-12))
        << which;
    EXPECT_TRUE(AllClose(Explain("integrated_gradients", {.samples = 8}, implementation).attributions,
                         w * x, 1e-12))
        << which;
    EXPECT_TRUE(AllClose(Explain("integrated_gradients", {.samples = 8, .baseline = Baseline::Blur(1.0)},
                                 implementation)
                             .attributions,
                         w * blur_spread, 1e-12))
        << which;
    EXPECT_TRUE(AllClose(Explain("smoothgrad", {.samples = 16, .sigma = 0.3}, implementation).attributions,
                         w, 1e-12))
        << which;
    const Explanation relative = Explain("smoothgrad", {.samples = 16, .noise_fraction = 0.2}, implementation);
    EXPECT_TRUE(AllClose(relative.attributions, w, 1e-12)) << which;
    EXPECT_EQ(relative.attributions.sizes(), (std::vector<int64_t>{kN, kD}));
  }
  // C-LIME (LFA only): least squares on exactly linear responses.
  EXPECT_TRUE(AllClose(Explain("clime", {.samples = 100, .noise_fraction = 0.2}, Implementation::kLfa)
                           .attributions,
                       w, 1e-8));
}

// Two [1, 6, 6] images of known range: 1 and 3.
torch::Tensor TwoRanges() {
  torch::Tensor first = test::RandomUniform({1, 1, 6, 6}, 0.2, 0.8, 3);
  first.view({-1})[0] = 0.0;
  first.view({-1})[35] = 1.0;
  return torch::cat({first, 3 * first - 1});
}

TEST(NoiseFraction, DrawsAreTheUnitDrawsTimesFractionTimesRange) {
  const PointBatch points = MakePointBatch(TwoRanges(), 5);
  const double fraction = 0.15;
  const GaussianNeighbourhood relative({.sigma_fraction = fraction});
  EXPECT_TRUE(AllClose(relative.PointSigmas(points),
                       torch::tensor({fraction * 1, fraction * 3}, torch::kDouble), 1e-15));
  const int64_t samples = 200;
  const torch::Tensor unit = GaussianNeighbourhood({.sigma = 1.0}).Sample(points, samples).xi;
  const torch::Tensor xi = relative.Sample(points, samples).xi;
  EXPECT_TRUE(AllClose(xi[0], fraction * 1 * unit[0], 1e-15));
  EXPECT_TRUE(AllClose(xi[1], fraction * 3 * unit[1], 1e-15));
  // The spread of 7,200 independent draws per point: the standard error of the root mean square
  // (about the known mean 0) is sigma / sqrt(2 n).
  for (int64_t i = 0; i < 2; ++i) {
    const double sigma = fraction * (i == 0 ? 1 : 3);
    const double n = samples * 36;
    EXPECT_NEAR(xi[i].square().mean().sqrt().item<double>(), sigma, 5 * sigma / std::sqrt(2 * n))
        << "point " << i;
  }
  // Antithetic pairs keep their mirror.
  const torch::Tensor pairs =
      GaussianNeighbourhood({.antithetic = true, .sigma_fraction = fraction}).Sample(points, 4).xi;
  EXPECT_TRUE(torch::equal(pairs.select(1, 1), -pairs.select(1, 0)));
  // Decode is still x + xi and differentiable.
  const torch::Tensor leaf = xi.clone().requires_grad_(true);
  relative.Decode(points, leaf).sum().backward();
  EXPECT_TRUE(torch::equal(leaf.grad(), torch::ones_like(xi)));
}

TEST(NoiseFraction, SpecKeysAndErrors) {
  const nlohmann::json spec = {{"type", "gaussian"}, {"sigma_fraction", 0.2}, {"antithetic", true}};
  EXPECT_EQ(DefaultRegistry().MakeNeighbourhood(spec)->ToJson(), spec);
  EXPECT_THROW(DefaultRegistry().MakeNeighbourhood(
                   {{"type", "gaussian"}, {"sigma", 0.1}, {"sigma_fraction", 0.2}}),
               InvalidInput);
  EXPECT_THROW(DefaultRegistry().MakeNeighbourhood({{"type", "gaussian"}, {"sigma_fraction", 0}}),
               InvalidInput);
  EXPECT_THROW(GaussianNeighbourhood({.sigma_fraction = -0.1}), InvalidInput);
  // The recipes put the fraction into clime's and smoothgrad's neighbourhood, not gradient's.
  for (const char* method : {"clime", "smoothgrad"})
    EXPECT_EQ(RecipeSpec(method, {.noise_fraction = 0.2})["neighbourhood"], spec) << method;
  EXPECT_EQ(RecipeSpec("gradient", {.noise_fraction = 0.2})["neighbourhood"]["sigma"], 0.01);
  try {
    RecipeSpec("smoothgrad", {.sigma = 0.1, .noise_fraction = 0.2});
    ADD_FAILURE() << "sigma and noise_fraction together were accepted";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("not both"), std::string::npos) << e.what();
  }
  EXPECT_THROW(MakeExplainer("smoothgrad", {.noise_fraction = 0.0}, Implementation::kClassic),
               InvalidInput);
  EXPECT_THROW(RecipeSpec("clime", {.noise_fraction = NAN}), InvalidInput);
}

TEST(NoiseFraction, SmoothGradOfACubeIsTheMeanGradientOverTheScaledDraws) {
  const torch::Tensor c = test::RandomNormal({36}, 6);
  Oracle oracle(std::make_shared<AnalyticModel>(
      std::vector<int64_t>{1, 6, 6},
      [c](const torch::Tensor& x) {
        return (x.reshape({x.size(0), -1}).pow(3) * c.to(x.dtype())).sum(1, true);
      },
      "sum of c_i x_i^3"));
  const torch::Tensor x = TwoRanges();
  const PointBatch points = MakePointBatch(x, 8);
  const double fraction = 0.2;
  const int64_t samples = 32;
  // grad f(x + xi) = 3 c (x + xi)^2, averaged over the draws each implementation makes.
  const auto mean_gradient = [&](const torch::Tensor& xi) {
    return (3 * c * (points.flat.unsqueeze(1) + xi).square()).mean(1);
  };
  const torch::Tensor lfa_xi =
      GaussianNeighbourhood({.antithetic = true, .sigma_fraction = fraction}).Sample(points, samples).xi;
  PointBatch classic = points;
  classic.seed = StreamSeed(points.seed, 0, Component::kClassic);
  const torch::Tensor classic_xi =
      GaussianNeighbourhood({.sigma_fraction = fraction}).Sample(classic, samples).xi;
  const RecipeOptions options{.samples = samples, .noise_fraction = fraction};
  const Explanation lfa = MakeExplainer("smoothgrad", options)->Explain(oracle, points, Targets(0, 2));
  const Explanation classic_e = MakeExplainer("smoothgrad", options, Implementation::kClassic)
                                    ->Explain(oracle, points, Targets(0, 2));
  EXPECT_TRUE(AllClose(lfa.attributions, mean_gradient(lfa_xi), 1e-10));
  EXPECT_TRUE(AllClose(classic_e.attributions, mean_gradient(classic_xi), 1e-10));
}

}  // namespace
}  // namespace lfa
