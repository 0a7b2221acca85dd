// Exact neighbourhood expectations (metrics/exact.h), checked against answers derived by hand:
//   - f linear: exact LIME, KernelSHAP and Occlusion are a (x - b), with loss 0;
//   - f additive, f(x) = sum_i h_i(x_i): f(b + m (x - b)) is linear in the 0/1 mask m, so every
//     kernel's exact solution, and the Shapley value, is h_i(x_i) - h_i(b_i);
//   - Shapley values: the subset formula written out in the test, efficiency, symmetry, dummy;
//   - exact KernelSHAP with its finite 1e6 anchors deviates from the Shapley value by an amount
//     derived below and bounded by the fit's own residuals;
//   - the sampled LIME composition converges to the exact solution;
//   - brute-force normal equations over all masks (p != 0.5, a non-linear f, feature groups);
//   - errors, chunking invariance and progress.

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "metrics/exact.h"
#include "models/analytic_model.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/bernoulli_mask.h"
#include "solvers/closed_form.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// All 2^G masks, bit j of the row index keeping group j: [2^G, G].
torch::Tensor AllMasks(int64_t g) {
  torch::Tensor masks = torch::zeros({int64_t{1} << g, g}, torch::kDouble);
  for (int64_t s = 0; s < (int64_t{1} << g); ++s)
    for (int64_t j = 0; j < g; ++j) masks[s][j] = static_cast<double>((s >> j) & 1);
  return masks;
}

// ---- (1) linear f -------------------------------------------------------------------------------

class ExactLinear : public ::testing::Test {
 protected:
  static constexpr int64_t kN = 4, kD = 6;
  ExactLinear() : oracle_(AnalyticModel::Linear(a_, c_)) {}
  torch::Tensor Expected(double b) const { return a_.unsqueeze(0) * (x_ - b); }

  const torch::Tensor a_ = torch::tensor({0.8, -1.5, 2.0, 0.3, -0.7, 1.1}, torch::kDouble);
  const double c_ = 0.4;
  const torch::Tensor x_ = RandomNormal({kN, kD}, 11);
  Oracle oracle_;
};

TEST_F(ExactLinear, LimeAndKernelShapAreTheModelTimesTheSpreadWithZeroLoss) {
  const double b = 0.2;
  const PointBatch points = MakePointBatch(x_, 0);
  for (const std::string kernel : {"exponential", "shapley", "uniform"}) {
    const BernoulliMaskNeighbourhood z({.kernel = kernel, .baseline = b});
    const Explanation e = ExactMaskExplanation(oracle_, points, Targets(0, kN), z);
    EXPECT_TRUE(AllClose(e.attributions, Expected(b), 1e-9)) << kernel;
    // The intercept is g at the empty mask: f(b) = a.b + c.
    EXPECT_TRUE(AllClose(e.intercepts, torch::full({kN}, b * a_.sum().item<double>() + c_,
                                                   torch::kDouble), 1e-9)) << kernel;
    EXPECT_LT(test::MaxAbs(e.loss), 1e-20) << kernel;
    EXPECT_TRUE(AllClose(e.r2, torch::ones({kN}, torch::kDouble), 1e-12)) << kernel;
    EXPECT_EQ(test::MaxAbs(e.ridge), 0.0) << kernel;
    EXPECT_EQ(e.model_queries, kN * (1 << kD)) << kernel;
    EXPECT_EQ(e.method, "exact_bernoulli_mask_" + kernel);
  }
}

TEST_F(ExactLinear, WithoutInterceptExactWhenTheModelVanishesAtTheBaseline) {
  // With b = 0 the response is a.(m x) + c: linear in m without intercept only when c = 0.
  Oracle through_origin(AnalyticModel::Linear(a_, 0.0));
  const BernoulliMaskNeighbourhood z({.kernel = "shapley"});
  const Explanation e = ExactMaskExplanation(through_origin, MakePointBatch(x_, 0), Targets(0, kN),
                                             z, /*intercept=*/false);
  EXPECT_TRUE(AllClose(e.attributions, Expected(0.0), 1e-9));
  EXPECT_EQ(test::MaxAbs(e.intercepts), 0.0);
  EXPECT_LT(test::MaxAbs(e.loss), 1e-20);
}

TEST_F(ExactLinear, GroupsAddTheirMembersAndOcclusionIsExactToo) {
  const double b = -0.3;
  const FeatureGroups groups = FeatureGroups::Explicit({0, 0, 1, 2, 2, 3});
  const torch::Tensor per_element = Expected(b);
  const torch::Tensor expected = torch::stack(
      {per_element.select(1, 0) + per_element.select(1, 1), per_element.select(1, 2),
       per_element.select(1, 3) + per_element.select(1, 4), per_element.select(1, 5)}, 1);
  const PointBatch points = MakePointBatch(x_, 0);
  const BernoulliMaskNeighbourhood z({.kernel = "exponential", .baseline = b, .groups = groups});
  const Explanation lime = ExactMaskExplanation(oracle_, points, Targets(0, kN), z);
  EXPECT_TRUE(AllClose(lime.attributions, expected, 1e-9));
  EXPECT_EQ(lime.model_queries, kN * 16);

  const Explanation occlusion = ExactOcclusion(oracle_, points, Targets(0, kN), b, groups);
  EXPECT_TRUE(AllClose(occlusion.attributions, expected, 1e-12));
  EXPECT_LT(test::MaxAbs(occlusion.loss), 1e-20);
  EXPECT_EQ(occlusion.model_queries, kN * (4 + 1));
  EXPECT_TRUE(AllClose(ExactShapleyValues(oracle_, points, Targets(0, kN), b, groups), expected,
                       1e-12));
}

// ---- (2) additive f -----------------------------------------------------------------------------

// f(x) = sum_i h_i(x_i), h_i(t) = sin(w_i t) + t^2 / 2.
class ExactAdditive : public ::testing::Test {
 protected:
  static constexpr int64_t kN = 3, kD = 5;
  ExactAdditive()
      : oracle_(std::make_shared<AnalyticModel>(
            std::vector<int64_t>{kD},
            [w = w_](const torch::Tensor& x) {
              return (torch::sin(x * w.to(x.dtype())) + 0.5 * x.square()).sum(1, true);
            },
            "additive")) {}
  torch::Tensor H(const torch::Tensor& t) const {  // h_i(t_i) by hand, elementwise
    torch::Tensor out = torch::empty_like(t);
    for (int64_t i = 0; i < t.size(0); ++i)
      for (int64_t j = 0; j < kD; ++j) {
        const double v = t[i][j].item<double>();
        out[i][j] = std::sin(w_[j].item<double>() * v) + 0.5 * v * v;
      }
    return out;
  }

  const torch::Tensor w_ = torch::tensor({1.3, -0.9, 2.1, 0.6, -1.7}, torch::kDouble);
  const torch::Tensor x_ = RandomNormal({kN, kD}, 12);
  Oracle oracle_;
};

TEST_F(ExactAdditive, ShapleyValuesAndEveryExactSolutionAreTheMarginalChanges) {
  const double b = 0.25;
  const torch::Tensor expected = H(x_) - H(torch::full({kN, kD}, b, torch::kDouble));
  const PointBatch points = MakePointBatch(x_, 0);
  EXPECT_TRUE(AllClose(ExactShapleyValues(oracle_, points, Targets(0, kN), b), expected, 1e-12));
  for (const std::string kernel : {"exponential", "shapley", "uniform"})
    for (double p : {0.5, 0.3}) {
      const BernoulliMaskNeighbourhood z({.p = p, .kernel = kernel, .baseline = b});
      const Explanation e = ExactMaskExplanation(oracle_, points, Targets(0, kN), z);
      EXPECT_TRUE(AllClose(e.attributions, expected, 1e-9)) << kernel << ", p = " << p;
      EXPECT_LT(test::MaxAbs(e.loss), 1e-20) << kernel << ", p = " << p;
    }
}

// ---- (3) Shapley values: the subset formula, efficiency, symmetry, dummy ------------------------

class ExactShapley : public ::testing::Test {
 protected:
  static constexpr int kD = 5;
  ExactShapley() : oracle_(f_.Model()) {}
  // phi_i = sum_{S not containing i} |S|! (d - |S| - 1)! / d! (v(S + i) - v(S)), written out.
  torch::Tensor SubsetFormula(const torch::Tensor& x, double b) const {
    torch::Tensor phi = torch::zeros({x.size(0), kD}, torch::kDouble);
    for (int64_t p = 0; p < x.size(0); ++p) {
      const auto v = [&](int coalition) {
        double z[kD];
        for (int j = 0; j < kD; ++j) z[j] = (coalition >> j) & 1 ? x[p][j].item<double>() : b;
        return f_.Value(z);
      };
      for (int i = 0; i < kD; ++i)
        for (int s = 0; s < (1 << kD); ++s) {
          if ((s >> i) & 1) continue;
          const int k = __builtin_popcount(s);
          const double weight = std::tgamma(k + 1) * std::tgamma(kD - k) / std::tgamma(kD + 1);
          phi[p][i] += weight * (v(s | (1 << i)) - v(s));
        }
    }
    return phi;
  }

  const test::SineProduct f_{{1.3, -0.9, 2.1, 0.6, -1.7}};
  const torch::Tensor x_ = RandomNormal({3, kD}, 13);
  Oracle oracle_;
};

TEST_F(ExactShapley, MatchesTheSubsetFormulaAndIsEfficient) {
  const double b = 0.2;
  const torch::Tensor phi = ExactShapleyValues(oracle_, MakePointBatch(x_, 0), Targets(0, 3), b);
  EXPECT_TRUE(AllClose(phi, SubsetFormula(x_, b), 1e-12));
  const torch::Tensor gap = f_.Values(x_) - f_.Values(torch::full({3, kD}, b, torch::kDouble));
  EXPECT_TRUE(AllClose(phi.sum(1), gap, 1e-12)) << "efficiency: sum phi = f(x) - f(b)";
  EXPECT_EQ(oracle_.queries(), 3 * (1 << kD)) << "each coalition queried once";
}

TEST(ExactShapleySymmetry, SymmetricFeaturesShareAndDummiesGetNothing) {
  // f(x) = x0 x1 + sin(x0 + x1) x2 + x2^3, symmetric in x0 and x1; x3 never enters (a dummy).
  Oracle oracle(std::make_shared<AnalyticModel>(
      std::vector<int64_t>{4},
      [](const torch::Tensor& x) {
        const auto c = [&](int64_t j) { return x.select(1, j); };
        return (c(0) * c(1) + torch::sin(c(0) + c(1)) * c(2) + c(2).pow(3)).unsqueeze(1);
      },
      "symmetric in x0, x1"));
  const torch::Tensor x = torch::tensor({{0.7, 0.7, -1.2, 3.0}, {-0.4, -0.4, 0.9, -2.0}},
                                        torch::kDouble);
  const torch::Tensor phi = ExactShapleyValues(oracle, MakePointBatch(x, 0), Targets(0, 2), 0.1);
  EXPECT_TRUE(AllClose(phi.select(1, 0), phi.select(1, 1), 1e-14)) << phi;
  EXPECT_TRUE(AllClose(phi.select(1, 3), torch::zeros({2}, torch::kDouble), 1e-14)) << phi;
  EXPECT_GT(test::MaxAbs(phi.select(1, 0)), 0.1) << "not trivially symmetric";
}

// ---- (4) exact KernelSHAP with finite anchors vs the Shapley value ------------------------------

// Let the anchors (the empty and the full mask) have weight mu = 1e6 against the interior kernel pi
// (the Bernoulli(0.5) probability 2^-G is common to all masks and cancels). The exact fit
// (w, c) also minimises the interior loss among all fits with the same anchor values, so w is
// *exactly* the Shapley value of the game with v(empty), v(N) replaced by the fitted c, c + sum w.
// In the Shapley value, v(N) and v(empty) enter with coefficients +1/G and -1/G, hence
//     w_j - phi_j = (e0 - eN) / G   for every j,     e0 = v(empty) - c,  eN = v(N) - c - sum w.
// The stationarity conditions in c and along w = t 1 give e0 + eN = -sum pi r / mu and
// eN = -sum pi |S| r / (G mu) (r the interior residuals), so
//     |w_j - phi_j| = |sum_S pi_S (1 - 2|S|/G) r_S| / (G mu) <= W max|r| / (G mu),
// with W = sum over interior masks of pi = 2 (G - 1) H_{G-1} / G. Here (G = 5) the bound is about
// 2e-7 of max|phi| and the gap observed about 1e-8 (the weighted residuals largely cancel).
TEST_F(ExactShapley, KernelShapWithFiniteAnchorsIsTheShapleyValueUpToADerivedGap) {
  const double b = 0.2, mu = 1e6;
  const int64_t n = x_.size(0);
  const PointBatch points = MakePointBatch(x_, 0);
  const torch::Tensor phi = SubsetFormula(x_, b);
  const Explanation e = ExactMaskExplanation(
      oracle_, points, Targets(0, n),
      BernoulliMaskNeighbourhood({.kernel = "shapley", .baseline = b}));
  EXPECT_EQ(test::MaxAbs(e.ridge), 0.0);
  EXPECT_TRUE(AllClose(ExactShapleyValues(oracle_, points, Targets(0, n), b), phi, 1e-12));

  const torch::Tensor masks = AllMasks(kD);
  double harmonic = 0;
  for (int k = 1; k < kD; ++k) harmonic += 1.0 / k;
  const double interior_weight = 2.0 * (kD - 1) * harmonic / kD;
  double worst_relative = 0, worst_bound = 0;
  for (int64_t p = 0; p < n; ++p) {
    const double fx = f_.Value(x_[p].contiguous().data_ptr<double>());
    const std::vector<double> baseline(kD, b);
    const double fb = f_.Value(baseline.data());
    const double c = e.intercepts[p].item<double>(), total = e.attributions[p].sum().item<double>();
    const double e0 = fb - c, en = fx - c - total;
    // The identity, to rounding.
    EXPECT_TRUE(AllClose(e.attributions[p] - phi[p],
                         torch::full({kD}, (e0 - en) / kD, torch::kDouble), 1e-11))
        << "point " << p << ": e0 = " << e0 << ", eN = " << en;
    // The bound, from the interior residuals of the fit (values by hand).
    double max_residual = 0;
    for (int64_t s = 1; s + 1 < (1 << kD); ++s) {
      double z[kD];
      for (int j = 0; j < kD; ++j) z[j] = (s >> j) & 1 ? x_[p][j].item<double>() : b;
      const double g = c + (e.attributions[p] * masks[s]).sum().item<double>();
      max_residual = std::max(max_residual, std::abs(f_.Value(z) - g));
    }
    const double bound = interior_weight * max_residual / (kD * mu);
    EXPECT_LE(test::MaxAbs(e.attributions[p] - phi[p]), bound + 1e-12) << "point " << p;
    worst_relative = std::max(worst_relative, test::MaxAbs(e.attributions[p] - phi[p]) /
                                                  test::MaxAbs(phi[p]));
    worst_bound = std::max(worst_bound, bound / test::MaxAbs(phi[p]));
  }
  EXPECT_LT(worst_relative, 1e-5);
  std::cout << "exact KernelSHAP (1e6 anchors) vs Shapley: max relative gap " << worst_relative
            << " (derived bound " << worst_bound << ")\n";
}

// ---- (5) the sampled LIME composition converges to the exact solution ---------------------------

TEST(ExactConvergence, SampledLimeConvergesToTheExactSolution) {
  const int64_t n = 8, d = 6;
  const test::SineProduct f{{1.3, -0.9, 2.1, 0.6, -1.7, 0.8}};
  Oracle oracle(f.Model());
  const torch::Tensor x = RandomNormal({n, d}, 14);
  const PointBatch points = MakePointBatch(x, /*seed=*/5);
  // The exact solution of the very neighbourhood the recipe composes.
  const auto spec = RecipeSpec("lime")["neighbourhood"];
  const auto built = BernoulliMaskNeighbourhood::FromJson(spec);
  const auto& z = dynamic_cast<const BernoulliMaskNeighbourhood&>(*built);
  const Explanation exact = ExactMaskExplanation(oracle, points, Targets(0, n), z);
  const auto error = [&](int64_t samples) {
    const Explanation e = MakeExplainer("lime", {.samples = samples})
                              ->Explain(oracle, points, Targets(0, n));
    return std::sqrt((e.attributions - exact.attributions).square().mean().item<double>());
  };
  const double coarse = error(500), fine = error(20000);
  std::cout << "LIME RMS error vs exact: " << coarse << " at 500 samples, " << fine
            << " at 20000\n";
  // Monte Carlo error falls as 1/sqrt(S): a ratio of about sqrt(40) = 6.3 is expected.
  EXPECT_LT(fine, coarse / 3);
  EXPECT_LT(fine, 0.02);
  EXPECT_GT(test::MaxAbs(exact.loss), 1e-3) << "f is not linear in the masks: a real test";
}

// ---- brute force: the normal equations over all masks, written out ------------------------------

TEST(ExactBruteForce, MatchesWeightedLeastSquaresOverAllMasksWithBernoulliProbabilities) {
  // p != 0.5, a non-linear f, feature groups, a per-element baseline, the exponential kernel: the
  // weight of a mask is p^k (1 - p)^(G - k) exp(-||x - x'||^2 / w^2), computed here by hand.
  const int64_t n = 3, d = 6, g = 4;
  const test::SineProduct f{{1.3, -0.9, 2.1, 0.6, -1.7, 0.8}};
  Oracle oracle(f.Model());
  const torch::Tensor x = RandomNormal({n, d}, 15);
  const torch::Tensor b = torch::tensor({0.1, -0.2, 0.0, 0.3, 0.5, -0.1}, torch::kDouble);
  const std::vector<int64_t> ids = {0, 1, 1, 2, 3, 3};
  const double p = 0.3, width = 1.5;
  const BernoulliMaskNeighbourhood z({.p = p,
                                      .kernel = "exponential",
                                      .width = width,
                                      .baseline = Baseline(b),
                                      .groups = FeatureGroups::Explicit(ids)});
  const torch::Tensor masks = AllMasks(g);
  const int64_t m = masks.size(0);
  torch::Tensor weights = torch::empty({n, m}, torch::kDouble);
  torch::Tensor values = torch::empty({n, m}, torch::kDouble);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t s = 0; s < m; ++s) {
      double row[d], distance = 0, kept = 0;
      for (int64_t e = 0; e < d; ++e) {
        const double on = masks[s][ids[e]].item<double>(), xe = x[i][e].item<double>();
        const double be = b[e].item<double>();
        row[e] = on > 0.5 ? xe : be;
        distance += on > 0.5 ? 0.0 : (xe - be) * (xe - be);
      }
      for (int64_t j = 0; j < g; ++j) kept += masks[s][j].item<double>();
      weights[i][s] = std::pow(p, kept) * std::pow(1 - p, g - kept) *
                      std::exp(-distance / (width * width));
      values[i][s] = f.Value(row);
    }
  for (bool intercept : {true, false}) {
    const FitResult reference = WeightedLeastSquares(
        masks.unsqueeze(0).expand({n, m, g}).contiguous(), weights, values, intercept);
    const Explanation e =
        ExactMaskExplanation(oracle, MakePointBatch(x, 0), Targets(0, n), z, intercept);
    EXPECT_TRUE(AllClose(e.attributions, reference.params.slice(1, 0, g), 1e-10)) << intercept;
    if (intercept) {
      EXPECT_TRUE(AllClose(e.intercepts, reference.params.select(1, g), 1e-10));
    }
    EXPECT_TRUE(AllClose(e.loss, reference.loss, 1e-12)) << intercept;
    EXPECT_TRUE(AllClose(e.r2, reference.r2, 1e-10)) << intercept;
    EXPECT_GT(test::MaxAbs(e.loss), 1e-3);
  }
}

// ---- (6) errors ---------------------------------------------------------------------------------

TEST(ExactErrors, TooManyGroupsIsAnInputErrorNamingG) {
  const int64_t d = 30;
  Oracle oracle(AnalyticModel::Linear(torch::ones({d}, torch::kDouble), 0.0));
  const PointBatch points = MakePointBatch(torch::ones({2, d}, torch::kDouble), 0);
  const BernoulliMaskNeighbourhood z({.kernel = "shapley"});
  const auto expect_error = [&](const auto& call, const std::string& needle) {
    try {
      call();
      ADD_FAILURE() << "no error";
    } catch (const InvalidInput& error) {
      EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    }
  };
  expect_error([&] { ExactMaskExplanation(oracle, points, Targets(0, 2), z); }, "G = 30");
  expect_error(
      [&] { ExactMaskExplanation(oracle, points, Targets(0, 2), z, true, {.max_groups = 24}); },
      "max_groups = 24");
  expect_error([&] { ExactShapleyValues(oracle, points, Targets(0, 2), 0.0); }, "G = 30");
  // Within max_groups once grouped: 30 elements in 3 groups.
  std::vector<int64_t> ids(d);
  for (int64_t i = 0; i < d; ++i) ids[i] = i / 10;
  const BernoulliMaskNeighbourhood grouped(
      {.kernel = "shapley", .groups = FeatureGroups::Explicit(ids)});
  EXPECT_NO_THROW(ExactMaskExplanation(oracle, points, Targets(0, 2), grouped));
  expect_error([&] { ExactMaskExplanation(oracle, points, Targets(0, 2), grouped, true,
                                          {.max_groups = 2}); },
               "G = 3");
  expect_error([&] { ExactMaskExplanation(oracle, points, Targets(0, 2), grouped, true,
                                          {.max_chunk_rows = 0}); },
               "max_chunk_rows");
  EXPECT_EQ(oracle.queries(), 2 * 8) << "the errors are raised before any query";
}

// ---- (7) chunking invariance and progress -------------------------------------------------------

TEST(ExactChunking, TinyChunksGiveTheSameResultAndReportProgress) {
  const int64_t n = 5, d = 6;
  const test::SineProduct f{{1.3, -0.9, 2.1, 0.6, -1.7, 0.8}};
  Oracle oracle(f.Model());
  const PointBatch points = MakePointBatch(RandomNormal({n, d}, 16), 0);
  for (const std::string kernel : {"exponential", "shapley"}) {
    const BernoulliMaskNeighbourhood z({.kernel = kernel, .baseline = 0.1});
    const Explanation whole = ExactMaskExplanation(oracle, points, Targets(0, n), z);
    for (int64_t rows : {7, 64, 200}) {  // mask calls split, one point per block, several points
      std::vector<int64_t> done;
      const Explanation chunked = ExactMaskExplanation(
          oracle, points, Targets(0, n), z, true, {.max_chunk_rows = rows},
          [&](int64_t finished, int64_t total) {
            EXPECT_EQ(total, n);
            done.push_back(finished);
          });
      EXPECT_TRUE(AllClose(chunked.attributions, whole.attributions, 1e-11)) << kernel << rows;
      EXPECT_TRUE(AllClose(chunked.intercepts, whole.intercepts, 1e-11)) << kernel << rows;
      EXPECT_TRUE(AllClose(chunked.loss, whole.loss, 1e-13)) << kernel << rows;
      EXPECT_EQ(chunked.model_queries, whole.model_queries);
      ASSERT_FALSE(done.empty());
      EXPECT_EQ(done.back(), n);
      EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
      // Blocks of one point while a point's 64 masks need several calls, else rows / 64 points.
      const int64_t per_block = std::max<int64_t>(1, rows / 64);
      EXPECT_EQ(static_cast<int64_t>(done.size()), (n + per_block - 1) / per_block);
    }
    // A batch's results do not depend on the points beside it.
    const Explanation alone = ExactMaskExplanation(oracle, points.Slice(2, 3), Targets(0, 1), z);
    EXPECT_TRUE(AllClose(alone.attributions, whole.attributions.slice(0, 2, 3), 1e-11));
  }
  const torch::Tensor phi = ExactShapleyValues(oracle, points, Targets(0, n), 0.1);
  EXPECT_TRUE(AllClose(ExactShapleyValues(oracle, points, Targets(0, n), 0.1, {},
                                          {.max_chunk_rows = 5}),
                       phi, 1e-12));
}

}  // namespace
}  // namespace lfa
