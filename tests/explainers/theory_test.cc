// The theory the framework lets users check numerically (REFERENCE.md, "Theory"), with expected
// values derived by hand:
//   - Gauss-Legendre quadrature with n nodes integrates polynomials of degree 2n - 1 exactly;
//   - Integrated Gradients is complete: sum_j IG_j = f(x) - f(b);
//   - KernelSHAP's population solution is the Shapley value (exact enumeration over 2^d
//   coalitions);
//   - C-LIME equals SmoothGrad in expectation (Stein's lemma), and both converge as samples grow;
//   - SmoothGrad -> gradient as sigma -> 0; IG over U(a, 1) -> Gradient x Input as a -> 1.
// Monte Carlo checks use tolerances derived from the estimator's standard error; replicates of a
// point come from distinct point indices (first_index), which are independent streams.

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/builtin_registry.h"
#include "explainers/gauss_legendre.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/lfa_explainer.h"
#include "framework/oracle.h"
#include "framework/registry.h"
#include "losses/squared.h"
#include "models/analytic_model.h"
#include "neighbourhoods/bernoulli_mask.h"
#include "solvers/closed_form.h"
#include "surrogates/linear.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// ---- Gauss-Legendre ----------------------------------------------------------------------------

TEST(GaussLegendre, IntegratesPolynomialsOfDegreeTwoNMinusOneExactly) {
  for (int64_t n : {1, 2, 3, 4, 7, 16, 64, 1000}) {
    auto [t, w] = GaussLegendre(n);
    ASSERT_EQ(t.numel(), n);
    EXPECT_GT(t.min().item<double>(), 0.0);
    EXPECT_LT(t.max().item<double>(), 1.0);
    EXPECT_GT(w.min().item<double>(), 0.0) << n;
    EXPECT_TRUE(AllClose(t + t.flip(0), torch::ones({n}, torch::kDouble), 1e-14)) << "symmetric";
    EXPECT_TRUE(AllClose(w, w.flip(0), 1e-14));
    const int64_t exact_degree = std::min<int64_t>(2 * n - 1, 200);
    for (int64_t k = 0; k <= exact_degree; ++k)
      EXPECT_NEAR((w * t.pow(k)).sum().item<double>(), 1.0 / (k + 1), 1e-13)
          << "n = " << n << ", degree " << k;
    if (n <= 4) {  // degree 2n is not integrated exactly (the rule is not better than claimed)
      EXPECT_GT(std::abs((w * t.pow(2 * n)).sum().item<double>() - 1.0 / (2 * n + 1)), 1e-12) << n;
    }
  }
  EXPECT_THROW(GaussLegendre(0), InvalidInput);
}

// ---- Integrated Gradients completeness ---------------------------------------------------------

// f(x) = x0^2 x1 + 3 x1 x2 x3 - x3^4 + 2 x0: along a straight path f is a quartic in t, so the IG
// integrand d/dt f(b + t (x - b)) is a cubic.
double Polynomial(const double* x) {
  return x[0] * x[0] * x[1] + 3 * x[1] * x[2] * x[3] - std::pow(x[3], 4) + 2 * x[0];
}
void PolynomialGradient(const double* x, double* g) {
  g[0] = 2 * x[0] * x[1] + 2;
  g[1] = x[0] * x[0] + 3 * x[2] * x[3];
  g[2] = 3 * x[1] * x[3];
  g[3] = 3 * x[1] * x[2] - 4 * std::pow(x[3], 3);
}
std::shared_ptr<Model> PolynomialModel() {
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{4},
      [](const torch::Tensor& x) {
        const auto c = [&](int64_t j) { return x.select(1, j); };
        return (c(0) * c(0) * c(1) + 3 * c(1) * c(2) * c(3) - c(3).pow(4) + 2 * c(0)).unsqueeze(1);
      },
      "quartic polynomial");
}

class Completeness : public ::testing::Test {
 protected:
  Completeness() : oracle_(PolynomialModel()) {}
  // f(x) - f(b) per point, by hand.
  torch::Tensor Gap(double b) const {
    torch::Tensor gap = torch::empty({x_.size(0)}, torch::kDouble);
    const std::vector<double> base(4, b);
    for (int64_t i = 0; i < x_.size(0); ++i)
      gap[i] = Polynomial(x_.data_ptr<double>() + 4 * i) - Polynomial(base.data());
    return gap;
  }
  const torch::Tensor x_ = RandomNormal({3, 4}, 11);
  Oracle oracle_;
};

TEST_F(Completeness, ClassicGaussLegendreIntegratedGradientsIsExactForAPolynomial) {
  const double b = 0.3;
  for (int64_t nodes : {2, 64}) {  // the cubic integrand needs 2 nodes
    const Explanation e = MakeExplainer("integrated_gradients", {.samples = nodes, .baseline = b},
                                        Implementation::kClassic)
                              ->Explain(oracle_, MakePointBatch(x_, 0), Targets(0, 3));
    EXPECT_TRUE(AllClose(e.attributions.sum(1), Gap(b), 1e-10)) << nodes << " nodes";
  }
  // One node (the midpoint rule) is exact only for linear integrands: completeness fails.
  const Explanation midpoint =
      MakeExplainer("integrated_gradients", {.samples = 1, .baseline = b}, Implementation::kClassic)
          ->Explain(oracle_, MakePointBatch(x_, 0), Targets(0, 3));
  EXPECT_GT(test::MaxAbs(midpoint.attributions.sum(1) - Gap(b)), 1e-3);
}

TEST_F(Completeness, LfaIntegratedGradientsIsCompleteWithinMonteCarloError) {
  const double b = -0.2;
  const int64_t samples = 20000;
  const Explanation e = MakeExplainer("integrated_gradients", {.samples = samples, .baseline = b})
                            ->Explain(oracle_, MakePointBatch(x_, 4), Targets(0, 3));
  // The estimate is the mean of h'(t), t ~ U(0, 1), h(t) = f(b + t (x - b)); its standard error
  // is sd(h'(t)) / sqrt(S), with the variance integrated here by the midpoint rule.
  const torch::Tensor gap = Gap(b);
  for (int64_t i = 0; i < 3; ++i) {
    const double* x = x_.data_ptr<double>() + 4 * i;
    double second_moment = 0;
    const int grid = 20000;
    for (int k = 0; k < grid; ++k) {
      const double t = (k + 0.5) / grid;
      double prime[4], g[4], dh = 0;
      for (int j = 0; j < 4; ++j) prime[j] = b + t * (x[j] - b);
      PolynomialGradient(prime, g);
      for (int j = 0; j < 4; ++j) dh += (x[j] - b) * g[j];
      second_moment += dh * dh / grid;
    }
    const double mean = gap[i].item<double>();
    const double standard_error = std::sqrt(std::max(0.0, second_moment - mean * mean) / samples);
    EXPECT_NEAR(e.attributions[i].sum().item<double>(), mean, 5 * standard_error + 1e-9)
        << "point " << i << ", standard error " << standard_error;
  }
}

// ---- KernelSHAP and exact Shapley values -------------------------------------------------------

class ShapleyTest : public ::testing::Test {
 protected:
  static constexpr int kD = 5;
  ShapleyTest() : oracle_(f_.Model()) { x_ = {1.2, -0.7, 0.9, 1.5, -1.1}; }
  // v(S) = f(x on S, b elsewhere) for the coalition with bit j set when feature j is kept.
  double V(int coalition) const {
    double z[kD];
    for (int j = 0; j < kD; ++j) z[j] = (coalition >> j) & 1 ? x_[j] : b_;
    return f_.Value(z);
  }
  // phi_i = sum_{S not containing i} |S|! (d - |S| - 1)! / d! (v(S + i) - v(S)).
  torch::Tensor ExactShapley() const {
    torch::Tensor phi = torch::zeros({kD}, torch::kDouble);
    for (int i = 0; i < kD; ++i)
      for (int s = 0; s < (1 << kD); ++s) {
        if ((s >> i) & 1) continue;
        const int k = __builtin_popcount(s);
        const double weight = std::tgamma(k + 1) * std::tgamma(kD - k) / std::tgamma(kD + 1);
        phi[i] += weight * (V(s | (1 << i)) - V(s));
      }
    return phi;
  }
  static double Kernel(int k) {  // the Shapley kernel, 1e6 for the empty and full coalitions
    if (k == 0 || k == kD) return 1e6;
    const double choose = std::tgamma(kD + 1) / (std::tgamma(k + 1) * std::tgamma(kD - k + 1));
    return (kD - 1) / (choose * k * (kD - k));
  }
  torch::Tensor Points(int64_t copies) const {
    return torch::tensor(x_, torch::kDouble).unsqueeze(0).expand({copies, kD}).contiguous();
  }

  const test::SineProduct f_{{1.3, -0.9, 2.1, 0.6, -1.7}};
  std::vector<double> x_;
  const double b_ = 0.2;
  Oracle oracle_;
};

TEST_F(ShapleyTest, ShapleyValuesAreEfficient) {
  // A check of the enumeration itself: sum phi = v(N) - v(empty).
  EXPECT_NEAR(ExactShapley().sum().item<double>(), V((1 << kD) - 1) - V(0), 1e-12);
}

TEST_F(ShapleyTest, KernelWeightedLeastSquaresOverAllCoalitionsIsTheShapleyValue) {
  const int masks = 1 << kD;
  torch::Tensor xi = torch::zeros({1, masks, kD}, torch::kDouble);
  torch::Tensor kernel = torch::zeros({1, masks}, torch::kDouble);
  torch::Tensor values = torch::zeros({1, masks}, torch::kDouble);
  for (int s = 0; s < masks; ++s) {
    for (int j = 0; j < kD; ++j) xi[0][s][j] = static_cast<double>((s >> j) & 1);
    kernel[0][s] = Kernel(__builtin_popcount(s));
    values[0][s] = V(s);
  }
  // The framework's pieces give the same problem: bernoulli_mask's kernel and decoded responses.
  const BernoulliMaskNeighbourhood z({.kernel = "shapley", .baseline = b_});
  const PointBatch point = MakePointBatch(Points(1), 0);
  EXPECT_TRUE(AllClose(z.Weights(point, xi), kernel, 1e-9));
  const LocalProblem built = SquaredLoss().Build(oracle_, z, point, {xi, kernel}, Targets(0, 1));
  EXPECT_TRUE(AllClose(built.responses, values, 1e-13));

  const FitResult fit = ClosedFormSolver().Fit(built, LinearSurrogate());
  EXPECT_TRUE(AllClose(fit.params[0].slice(0, 0, kD), ExactShapley(), 1e-5));
  EXPECT_NEAR(fit.params[0][kD].item<double>(), V(0), 1e-5) << "intercept = v(empty)";
  EXPECT_EQ(fit.ridge[0].item<double>(), 0.0);
}

// The Monte Carlo estimators, replicated R times through R independent point streams.
struct Replicates {
  torch::Tensor mean, standard_error;  // [d] each: over replicates, and of that mean
};
Replicates Summarise(const torch::Tensor& attributions) {
  const int64_t r = attributions.size(0);
  return {attributions.mean(0), attributions.std(0) / std::sqrt(static_cast<double>(r))};
}

TEST_F(ShapleyTest, KernelShapWithBernoulliMasksConvergesToShapleyValues) {
  const int64_t copies = 8;
  const auto kernelshap = MakeExplainer("kernelshap", {.samples = 20000, .baseline = b_});
  const Explanation e =
      kernelshap->Explain(oracle_, MakePointBatch(Points(copies), 1), Targets(0, copies));
  const Replicates r = Summarise(e.attributions);
  const torch::Tensor phi = ExactShapley();
  EXPECT_TRUE(((r.mean - phi).abs() <= 5 * r.standard_error + 1e-4).all().item<bool>())
      << "mean " << r.mean << "\nexact " << phi << "\nse " << r.standard_error;
  EXPECT_LT(test::MaxAbs(r.standard_error), 0.005) << "the estimate is also precise";
  // Efficiency is enforced by the 1e6 anchors in every replicate.
  EXPECT_TRUE(AllClose(e.attributions.sum(1),
                       torch::full({copies}, phi.sum().item<double>(), torch::kDouble), 1e-4));
}

TEST_F(ShapleyTest, KernelShapWithShapleyCoalitionsConvergesToShapleyValues) {
  const int64_t copies = 8;
  const nlohmann::json spec = {
      {"neighbourhood", {{"type", "shapley_coalitions"}, {"baseline", b_}}},
      {"loss", {{"type", "squared"}}},
      {"surrogate", {{"type", "linear"}, {"intercept", true}}},
      {"samples", 20000}};
  const Explanation e = DefaultRegistry().Build(spec)->Explain(
      oracle_, MakePointBatch(Points(copies), 2), Targets(0, copies));
  const Replicates r = Summarise(e.attributions);
  const torch::Tensor phi = ExactShapley();
  // Captum's sampler gives the two anchors a fixed weight 1e6 against S unit-weight coalitions, so
  // efficiency is enforced only up to O(S / 1e6); at S = 2e4 that bias is below the Monte Carlo
  // error, and the 1e-4 slack covers the O(1/S) bias of a ratio estimator.
  EXPECT_TRUE(((r.mean - phi).abs() <= 5 * r.standard_error + 1e-4).all().item<bool>())
      << "mean " << r.mean << "\nexact " << phi << "\nse " << r.standard_error;
  EXPECT_LT(test::MaxAbs(r.standard_error), 0.005);
}

// ---- C-LIME, SmoothGrad and gradients (Gaussian neighbourhood) ---------------------------------

class GaussianTheory : public ::testing::Test {
 protected:
  static constexpr int64_t kD = 4;
  GaussianTheory() : oracle_(f_.Model()) {}

  // E[grad f(x + xi)], xi ~ N(0, sigma^2 I), by hand: E[w cos(w (x + xi))] = w cos(w x)
  // exp(-w^2 sigma^2 / 2), and the product term x0 x1 x2 has mean gradient (x1 x2, x0 x2, x0 x1).
  torch::Tensor PopulationSmoothGrad(const torch::Tensor& points, double sigma) const {
    torch::Tensor out = f_.Gradients(points);
    for (int64_t i = 0; i < points.size(0); ++i)
      for (int64_t j = 0; j < kD; ++j) {
        const double w = f_.w[j], x = points[i][j].item<double>();
        out[i][j] += w * std::cos(w * x) * (std::exp(-w * w * sigma * sigma / 2) - 1);
      }
    return out;
  }
  Explanation Run(const std::string& method, int64_t samples, double sigma,
                  const torch::Tensor& points, uint64_t seed = 3) {
    return MakeExplainer(method, {.samples = samples, .sigma = sigma})
        ->Explain(oracle_, MakePointBatch(points, seed), Targets(0, points.size(0)));
  }
  // Mean over rows of the L2 error of each row.
  static double MeanError(const torch::Tensor& estimate, const torch::Tensor& truth) {
    return (estimate - truth).square().sum(1).sqrt().mean().item<double>();
  }

  const test::SineProduct f_{{1.5, -2.0, 0.8, 1.2}};
  const torch::Tensor x_ = torch::tensor({0.4, -0.6, 1.1, 0.2}, torch::kDouble);
  Oracle oracle_;
};

TEST_F(GaussianTheory, ClimeConvergesToSmoothGradByStein) {
  const double sigma = 0.1;
  const int64_t copies = 16;
  const torch::Tensor points = x_.unsqueeze(0).expand({copies, kD}).contiguous();
  const torch::Tensor truth = PopulationSmoothGrad(points, sigma);
  std::vector<double> errors;
  for (int64_t samples : {100, 1000, 10000})
    errors.push_back(MeanError(Run("clime", samples, sigma, points).attributions, truth));
  // The OLS slope has standard error ~ sd(residual) / (sigma sqrt(S)): it falls by sqrt(10) per
  // decade of samples (required: by at least 1.5).
  EXPECT_LT(errors[1], errors[0] / 1.5) << errors[0] << " -> " << errors[1];
  EXPECT_LT(errors[2], errors[1] / 1.5) << errors[1] << " -> " << errors[2];
  // At 1e4 and 1e5 samples every coordinate lies within 5 standard errors of the population value;
  // the OLS slope's standard error is sd(residual) / (sigma sqrt(S)), and the residual variance is
  // the fit's achieved loss (the Gaussian neighbourhood weighs samples equally).
  for (int64_t samples : {10000, 100000}) {
    const int64_t rows = samples == 10000 ? copies : 4;
    const Explanation e = Run("clime", samples, sigma, points.slice(0, 0, rows), 5);
    const torch::Tensor standard_error = e.loss.sqrt() / (sigma * std::sqrt(double(samples)));
    EXPECT_TRUE(
        ((e.attributions - truth.slice(0, 0, rows)).abs() <= 5 * standard_error.unsqueeze(1))
            .all()
            .item<bool>())
        << samples << " samples: " << e.attributions << truth[0] << standard_error;
  }
  // Small in absolute terms: the residual of a linear fit over N(0, 0.1^2) noise is the curvature
  // term, sd ~ 0.03 here, so per-coordinate errors are ~ 3e-3 at 1e4 samples.
  EXPECT_LT(errors[2], 0.02);
  // SmoothGrad itself is unbiased for the same population value.
  const Explanation sg = Run("smoothgrad", 10000, sigma, points);
  const Replicates r = Summarise(sg.attributions);
  EXPECT_TRUE(((r.mean - truth[0]).abs() <= 5 * r.standard_error + 1e-12).all().item<bool>())
      << r.mean << truth[0];
}

TEST_F(GaussianTheory, SmoothGradTendsToTheGradientAsSigmaVanishes) {
  const torch::Tensor points = RandomNormal({3, kD}, 5);
  const torch::Tensor gradient = f_.Gradients(points);
  const int64_t samples = 2000;
  double previous = INFINITY;
  for (double sigma : {0.3, 0.1, 0.03, 0.01, 0.001}) {
    const torch::Tensor sg = Run("smoothgrad", samples, sigma, points).attributions;
    // Per coordinate: bias |w|^3 sigma^2 / 2 from the cosine damping (none from the product term),
    // plus 5 standard errors, sd <= |w|^2 sigma + sigma |x_k x_l|-ish terms bounded below.
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < kD; ++j) {
        const double w = std::abs(f_.w[j]);
        double others = 0;  // the product term's gradient moves by sigma (|x_k| + |x_l|) + sigma^2
        if (j < 3)
          for (int64_t k = 0; k < 3; ++k)
            if (k != j) others += std::abs(points[i][k].item<double>());
        const double sd = w * w * sigma + (j < 3 ? sigma * others + sigma * sigma : 0.0);
        const double bound = w * w * w * sigma * sigma / 2 + 5 * sd / std::sqrt(samples);
        EXPECT_LE(std::abs(sg[i][j].item<double>() - gradient[i][j].item<double>()), bound)
            << "sigma " << sigma << ", point " << i << ", feature " << j;
      }
    const double error = MeanError(sg, gradient);
    EXPECT_LT(error, previous) << "sigma " << sigma;
    previous = error;
  }
  // At sigma = 1e-3 the bias is ~1e-6 and the Monte Carlo error ~ |w|^2 sigma / sqrt(S) ~ 1e-4
  // per coordinate.
  EXPECT_LT(previous, 3e-4);
}

// ---- IG over U(a, 1) -> Gradient x Input -------------------------------------------------------

TEST_F(GaussianTheory, IntegratedGradientsOverAShrinkingPathTendsToGradientTimesInput) {
  const torch::Tensor points = RandomNormal({3, kD}, 6);
  const torch::Tensor gxi = points * f_.Gradients(points);
  const int64_t samples = 4000;
  double previous = INFINITY;
  for (double a : {0.0, 0.5, 0.9, 0.99}) {
    // Population: x_j E_t[d_j f(t x)], t ~ U(a, 1): E[cos(w t x)] = (sin(w x) - sin(w a x)) /
    // (w x (1 - a)) and E[t^2] = (1 + a + a^2) / 3 for the product term.
    torch::Tensor population = torch::empty_like(points);
    for (int64_t i = 0; i < 3; ++i) {
      const double* x = points.data_ptr<double>() + i * kD;
      const double t2 = (1 + a + a * a) / 3;
      for (int64_t j = 0; j < kD; ++j) {
        const double w = f_.w[j];
        double d = w * (std::sin(w * x[j]) - std::sin(w * a * x[j])) / (w * x[j] * (1 - a));
        if (j == 0) d += t2 * x[1] * x[2];
        if (j == 1) d += t2 * x[0] * x[2];
        if (j == 2) d += t2 * x[0] * x[1];
        population[i][j] = x[j] * d;
      }
    }
    const nlohmann::json spec = {
        {"neighbourhood", {{"type", "scale_path"}, {"low", a}, {"high", 1.0}}},
        {"loss", {{"type", "gradient_matching"}}},
        {"surrogate", {{"type", "linear"}, {"intercept", false}}},
        {"samples", samples}};
    const auto explainer = DefaultRegistry().Build(spec);
    const PointBatch batch = MakePointBatch(points, 9);
    const Explanation e = explainer->Explain(oracle_, batch, Targets(0, 3));
    // The fit is the sample mean of the pulled-back gradients; their spread gives the error bar.
    const LocalProblem problem = explainer->BuildProblem(oracle_, batch, Targets(0, 3));
    EXPECT_TRUE(AllClose(e.attributions, problem.responses.mean(1), 1e-12));
    const torch::Tensor standard_error = problem.responses.std(1) / std::sqrt(double(samples));
    EXPECT_TRUE(
        ((e.attributions - population).abs() <= 5 * standard_error + 1e-12).all().item<bool>())
        << "a = " << a << "\n"
        << e.attributions << population;
    const double error = MeanError(e.attributions, gxi);
    EXPECT_LT(error, previous) << "a = " << a;
    previous = error;
  }
  EXPECT_LT(previous, 0.05);
}

}  // namespace
}  // namespace lfa
