// Perturbation tests, PGI and PGU (metrics/perturbation.h) against answers derived by hand:
//   - linear f(x) = a.x + c, binary test: gap = | sum_{j in S} a_j (x_j - b_j) | exactly, S the k
//     features picked by the ranking (computed here by repeated arg-max / arg-min, not by a sort);
//   - linear f, continuous test: a_S . eps ~ N(0, sigma² ||a_S||²), so the gap tends to
//     E|a_S . eps| = sqrt(2/pi) sigma ||a_S||; checked within 5 Monte Carlo standard errors
//     (sd of |Z| is sqrt(1 - 2/pi));
//   - PGI / PGU on a 2-point, 3-feature example with the noise regenerated from the documented
//     stream StreamSeed(seed, first_index + i, kMetric), draws x elements in row-major order;
//   - mean and sem = sample std (n - 1) / sqrt(n) by hand.
// A few lines over ~500 on purpose: it mirrors metrics/perturbation.cc, and its cases share the
// linear-model fixtures at its top.

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include <boost/random/normal_distribution.hpp>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "framework/model.h"
#include "framework/oracle.h"
#include "framework/random.h"
#include "metrics/perturbation.h"
#include "metrics/summary.h"
#include "models/analytic_model.h"
#include "neighbourhoods/baseline.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// Features picked for one point: the k largest (or smallest) |attribution|, ties to the lower
// index, by repeated selection.
std::vector<int64_t> PickByMagnitude(const std::vector<double>& attribution, int64_t k,
                                     bool largest) {
  std::vector<bool> taken(attribution.size(), false);
  std::vector<int64_t> picked;
  for (int64_t step = 0; step < k; ++step) {
    int64_t best = -1;
    for (size_t j = 0; j < attribution.size(); ++j) {
      if (taken[j]) continue;
      const double m = std::abs(attribution[j]);
      if (best < 0 || (largest ? m > std::abs(attribution[best]) : m < std::abs(attribution[best])))
        best = static_cast<int64_t>(j);
    }
    taken[best] = true;
    picked.push_back(best);
  }
  return picked;
}

std::vector<double> Row(const torch::Tensor& t, int64_t i) {
  const torch::Tensor r = t[i].to(torch::kDouble).contiguous().reshape({-1});
  return std::vector<double>(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
}

std::string MessageOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "<no InvalidInput thrown>";
}

class PerturbationOnLinearModel : public ::testing::Test {
 protected:
  static constexpr int64_t kN = 6, kD = 5;
  PerturbationOnLinearModel() : oracle_(AnalyticModel::Linear(a_, c_)) {}

  const std::vector<double> a_values_ = {0.8, -1.5, 2.0, 0.3, -0.7};
  const torch::Tensor a_ = torch::tensor(a_values_, torch::kDouble);
  const double c_ = 0.4;
  const torch::Tensor x_ = RandomNormal({kN, kD}, 11);
  // Distinct magnitudes, so the rankings are unambiguous.
  const torch::Tensor attributions_ = RandomNormal({kN, kD}, 12);
  const torch::Tensor targets_ = torch::zeros({kN}, torch::kLong);
  Oracle oracle_;
};

// ---- MetricSummary ------------------------------------------------------------------------------

TEST(PerturbationSummarize, MeanAndSampleStandardErrorByHand) {
  const MetricSummary s = Summarize(torch::tensor({1.0, 2.0, 3.0, 4.0}, torch::kDouble));
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  // sample variance = (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3; sem = sqrt(5/3) / 2
  EXPECT_NEAR(s.sem, std::sqrt(5.0 / 3.0) / 2.0, 1e-15);
  EXPECT_EQ(s.per_point.numel(), 4);
  EXPECT_NE(s.BriefReport().find("n = 4"), std::string::npos) << s.BriefReport();

  const MetricSummary one = Summarize(torch::tensor({7.0}, torch::kDouble));
  EXPECT_DOUBLE_EQ(one.mean, 7.0);
  EXPECT_TRUE(std::isnan(one.sem)) << "one point has no sample standard deviation";
  EXPECT_THROW(Summarize(torch::zeros({2, 2})), InvalidInput);
}

// ---- binary test on a linear model -------------------------------------------------------------

TEST_F(PerturbationOnLinearModel, BinaryTopAndBottomKAreTheSumOverTheChosenFeatures) {
  const double b = 0.25;
  for (const std::string ranking : {"topk", "bottomk"}) {
    for (int64_t k = 1; k <= kD; ++k) {
      const MetricSummary gap = PerturbationGap(
          oracle_, x_, attributions_, targets_,
          {.ranking = ranking, .perturbation = "binary", .k = k, .baseline = b});
      torch::Tensor expected = torch::empty({kN}, torch::kDouble);
      for (int64_t i = 0; i < kN; ++i) {
        const std::vector<double> x = Row(x_, i);
        double sum = 0;
        for (int64_t j : PickByMagnitude(Row(attributions_, i), k, ranking == "topk"))
          sum += a_values_[j] * (x[j] - b);
        expected[i] = std::abs(sum);
      }
      EXPECT_TRUE(AllClose(gap.per_point, expected, 1e-12)) << ranking << " k = " << k;
      EXPECT_NEAR(gap.mean, expected.mean().item<double>(), 1e-12);
      EXPECT_NEAR(gap.sem, expected.std(true).item<double>() / std::sqrt(double{kN}), 1e-12);
    }
  }
}

TEST_F(PerturbationOnLinearModel, BinaryNonTopKIsTheComplementAndCurveMatchesSingleK) {
  const PerturbationCurve curve = PerturbationGapCurve(
      oracle_, x_, attributions_, targets_, {.ranking = "non_topk", .k = kD, .baseline = -0.5});
  ASSERT_EQ(curve.ks, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  ASSERT_EQ(curve.per_point.sizes(), (std::vector<int64_t>{kN, kD}));
  for (int64_t k = 1; k <= kD; ++k) {
    torch::Tensor expected = torch::empty({kN}, torch::kDouble);
    for (int64_t i = 0; i < kN; ++i) {
      const std::vector<double> x = Row(x_, i);
      const std::vector<int64_t> top = PickByMagnitude(Row(attributions_, i), k, true);
      double sum = 0;
      for (int64_t j = 0; j < kD; ++j)
        if (std::find(top.begin(), top.end(), j) == top.end()) sum += a_values_[j] * (x[j] + 0.5);
      expected[i] = std::abs(sum);
    }
    EXPECT_TRUE(AllClose(curve.per_k[k - 1].per_point, expected, 1e-12)) << "k = " << k;
  }
  EXPECT_TRUE(AllClose(curve.per_point.select(1, kD - 1), torch::zeros({kN}), 0))
      << "all features ranked in: nothing is perturbed";
}

TEST_F(PerturbationOnLinearModel, BinaryPerElementBaseline) {
  const torch::Tensor b = torch::tensor({0.1, -0.2, 0.3, -0.4, 0.5}, torch::kDouble);
  const MetricSummary gap = PerturbationGap(oracle_, x_, attributions_, targets_,
                                            {.k = 2, .baseline = Baseline(b)});
  for (int64_t i = 0; i < kN; ++i) {
    const std::vector<double> x = Row(x_, i);
    double sum = 0;
    for (int64_t j : PickByMagnitude(Row(attributions_, i), 2, true))
      sum += a_values_[j] * (x[j] - b[j].item<double>());
    EXPECT_NEAR(gap.per_point[i].item<double>(), std::abs(sum), 1e-12) << "point " << i;
  }
}

// ---- continuous test on a linear model ---------------------------------------------------------

TEST_F(PerturbationOnLinearModel, ContinuousTendsToSqrtTwoOverPiSigmaNormOfA) {
  const double sigma = 0.3;
  const int64_t draws = 20000;
  const PerturbationCurve curve = PerturbationGapCurve(
      oracle_, x_, attributions_, targets_,
      {.ranking = "topk", .perturbation = "continuous", .k = kD, .sigma = sigma, .draws = draws,
       .seed = 5});
  const double sd_of_abs_normal = std::sqrt(1.0 - 2.0 / std::numbers::pi);
  for (int64_t i = 0; i < kN; ++i) {
    for (int64_t k = 1; k <= kD; ++k) {
      double norm2 = 0;
      for (int64_t j : PickByMagnitude(Row(attributions_, i), k, true))
        norm2 += a_values_[j] * a_values_[j];
      const double scale = sigma * std::sqrt(norm2);
      const double expected = std::sqrt(2.0 / std::numbers::pi) * scale;
      const double tolerance = 5 * sd_of_abs_normal * scale / std::sqrt(double(draws));
      EXPECT_NEAR(curve.per_point[i][k - 1].item<double>(), expected, tolerance)
          << "point " << i << ", k = " << k;
    }
  }
}

TEST_F(PerturbationOnLinearModel, ContinuousSingleKUsesTheCurvesNoise) {
  // Point i's noise does not depend on k or on the ranking (common random numbers).
  const PerturbationTestOptions options{.ranking = "bottomk", .perturbation = "continuous",
                                        .k = 4, .draws = 50, .seed = 9};
  const PerturbationCurve curve =
      PerturbationGapCurve(oracle_, x_, attributions_, targets_, options);
  for (int64_t k = 1; k <= 4; ++k) {
    PerturbationTestOptions single = options;
    single.k = k;
    const MetricSummary gap = PerturbationGap(oracle_, x_, attributions_, targets_, single);
    EXPECT_TRUE(AllClose(gap.per_point, curve.per_point.select(1, k - 1), 1e-14)) << "k = " << k;
  }
  // Different seeds give different noise.
  PerturbationTestOptions other = options;
  other.seed = 10;
  EXPECT_FALSE(AllClose(PerturbationGap(oracle_, x_, attributions_, targets_, other).per_point,
                        curve.per_point.select(1, 3), 1e-6));
}

// ---- ranking and ties --------------------------------------------------------------------------

TEST(PerturbationRanking, BottomKTakesTheSmallestAndTiesGoToTheLowerIndex) {
  // |a| = 1, 2, 2, 1, 0 (ties at 1 and at 2).
  const torch::Tensor attr = torch::tensor({{1.0, -2.0, 2.0, 1.0, 0.0}}, torch::kDouble);
  const auto set = [&](const std::string& ranking, int64_t k) {
    const torch::Tensor s = SelectedFeatures(attr, ranking, 5)[0][k - 1];
    std::vector<int64_t> out;
    for (int64_t j = 0; j < 5; ++j)
      if (s[j].item<bool>()) out.push_back(j);
    return out;
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(set("topk", 1), V({1}));
  EXPECT_EQ(set("topk", 2), V({1, 2}));
  EXPECT_EQ(set("topk", 3), V({0, 1, 2}));
  EXPECT_EQ(set("topk", 4), V({0, 1, 2, 3}));
  EXPECT_EQ(set("bottomk", 1), V({4}));
  EXPECT_EQ(set("bottomk", 2), V({0, 4}));
  EXPECT_EQ(set("bottomk", 3), V({0, 3, 4}));
  EXPECT_EQ(set("bottomk", 4), V({0, 1, 3, 4}));
  EXPECT_EQ(set("non_topk", 1), V({0, 2, 3, 4}));
  EXPECT_EQ(set("non_topk", 3), V({3, 4}));

  // The same through the model: with a = powers of two, x = 1 and b = 0 the binary gap is the
  // bit pattern of the perturbed set.
  Oracle oracle(AnalyticModel::Linear(torch::tensor({1.0, 2.0, 4.0, 8.0, 16.0}), 0.0));
  const torch::Tensor x = torch::ones({1, 5}, torch::kDouble);
  const auto bits = [&](const std::string& ranking, int64_t k, const torch::Tensor& a) {
    return PerturbationGap(oracle, x, a, torch::tensor(0), {.ranking = ranking, .k = k}).mean;
  };
  EXPECT_EQ(bits("topk", 2, attr), 2.0 + 4.0);
  EXPECT_EQ(bits("bottomk", 2, attr), 1.0 + 16.0);
  EXPECT_EQ(bits("non_topk", 2, attr), 1.0 + 8.0 + 16.0);
  // An all-zero explanation ranks by index under topk and bottomk alike.
  const torch::Tensor zero = torch::zeros({1, 5}, torch::kDouble);
  EXPECT_EQ(bits("topk", 3, zero), 1.0 + 2.0 + 4.0);
  EXPECT_EQ(bits("bottomk", 3, zero), 1.0 + 2.0 + 4.0);
}

// ---- PGI / PGU ---------------------------------------------------------------------------------

TEST(PgiPgu, HandComputedTinyExampleWithTheDocumentedNoiseStream) {
  // f(x) = x0 + 2 x1 - 3 x2; two points; attributions rank feature 2, then 0, then 1 for point 0
  // and 1, 2, 0 for point 1.
  const std::vector<double> w = {1.0, 2.0, -3.0};
  Oracle oracle(AnalyticModel::Linear(torch::tensor(w), 0.5));
  const torch::Tensor x = torch::tensor({{0.2, -0.1, 0.4}, {1.0, 0.0, -1.0}}, torch::kDouble);
  const torch::Tensor attr = torch::tensor({{-0.5, 0.1, 0.9}, {0.0, -3.0, 2.0}}, torch::kDouble);
  const std::vector<std::vector<int64_t>> order = {{2, 0, 1}, {1, 2, 0}};
  const int64_t draws = 4, first_index = 7;
  const uint64_t seed = 3;
  const double sigma = 0.2;

  // eps[i][r][j], drawn as the header documents.
  std::vector<std::vector<std::vector<double>>> eps(2);
  for (int64_t i = 0; i < 2; ++i) {
    Generator rng(StreamSeed(seed, first_index + i, Component::kMetric));
    boost::random::normal_distribution<double> normal(0.0, sigma);
    eps[i].assign(draws, std::vector<double>(3));
    for (int64_t r = 0; r < draws; ++r)
      for (int64_t j = 0; j < 3; ++j) eps[i][r][j] = normal(rng);
  }
  // For linear f the gap of a draw is |sum_{j in S} w_j eps_j|.
  const auto expected = [&](int64_t i, int64_t k, bool important) {
    double total = 0;
    for (int64_t r = 0; r < draws; ++r) {
      double s = 0;
      for (int64_t pos = 0; pos < 3; ++pos) {
        const bool in_top = pos < k;
        if (in_top == important) s += w[order[i][pos]] * eps[i][r][order[i][pos]];
      }
      total += std::abs(s);
    }
    return total / draws;
  };

  const PredictionGapOptions options{.k = 3, .sigma = sigma, .draws = draws, .seed = seed,
                                     .first_index = first_index};
  const PerturbationCurve pgi = PgiCurve(oracle, x, attr, torch::tensor(0), options);
  const PerturbationCurve pgu = PguCurve(oracle, x, attr, torch::tensor(0), options);
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t k = 1; k <= 3; ++k) {
      EXPECT_NEAR(pgi.per_point[i][k - 1].item<double>(), expected(i, k, true), 1e-12)
          << "PGI point " << i << " k " << k;
      EXPECT_NEAR(pgu.per_point[i][k - 1].item<double>(), expected(i, k, false), 1e-12)
          << "PGU point " << i << " k " << k;
    }
    // OpenXAI's area under k: trapezoid on t = 0, 1/2, 1.
    const double area = 0.5 * (0.5 * expected(i, 1, true) + expected(i, 2, true) +
                               0.5 * expected(i, 3, true));
    EXPECT_NEAR(pgi.area.per_point[i].item<double>(), area, 1e-12);
    const double mean = (expected(i, 1, false) + expected(i, 2, false) + expected(i, 3, false)) / 3;
    EXPECT_NEAR(pgu.mean_over_k.per_point[i].item<double>(), mean, 1e-12);
  }
  EXPECT_TRUE(AllClose(pgu.per_point.select(1, 2), torch::zeros({2}), 0)) << "PGU(k = d) = 0";

  // Single-k helpers agree with the curves.
  PredictionGapOptions two = options;
  two.k = 2;
  EXPECT_TRUE(AllClose(Pgi(oracle, x, attr, torch::tensor(0), two).per_point,
                       pgi.per_point.select(1, 1), 1e-14));
  EXPECT_TRUE(AllClose(Pgu(oracle, x, attr, torch::tensor(0), two).per_point,
                       pgu.per_point.select(1, 1), 1e-14));
  // A curve with K = 1 has the k = 1 value as its area.
  PredictionGapOptions one = options;
  one.k = 1;
  EXPECT_TRUE(AllClose(PgiCurve(oracle, x, attr, torch::tensor(0), one).area.per_point,
                       pgi.per_point.select(1, 0), 1e-14));
}

TEST(PgiPgu, ModelThatIgnoresTheUnimportantFeaturesHasZeroPgu) {
  // f depends on x2 only and the attribution ranks x2 first: PGU(1) perturbs x0, x1 -> exactly 0.
  Oracle oracle(std::make_shared<AnalyticModel>(
      std::vector<int64_t>{3}, [](const torch::Tensor& x) { return x.select(1, 2).unsqueeze(1); },
      "x2"));
  const torch::Tensor x = RandomNormal({5, 3}, 4);
  const torch::Tensor attr = torch::tensor({0.1, -0.2, 1.0}, torch::kDouble).expand({5, 3});
  const MetricSummary pgu = Pgu(oracle, x, attr, torch::tensor(0), {.k = 1, .draws = 30});
  EXPECT_EQ(pgu.mean, 0.0);
  EXPECT_EQ(pgu.sem, 0.0);
  EXPECT_GT(Pgi(oracle, x, attr, torch::tensor(0), {.k = 1, .draws = 30}).mean, 0.0);
}

// ---- options and inputs ------------------------------------------------------------------------

TEST_F(PerturbationOnLinearModel, OptionsBadValuesAreRejectedByName) {
  const auto run = [&](PerturbationTestOptions o) {
    return MessageOf([&] { PerturbationGap(oracle_, x_, attributions_, targets_, o); });
  };
  EXPECT_NE(run({.ranking = "top"}).find("'top'"), std::string::npos);
  EXPECT_NE(run({.perturbation = "gaussian"}).find("'gaussian'"), std::string::npos);
  EXPECT_NE(run({.k = 0}).find("k must be >= 1, got 0"), std::string::npos);
  EXPECT_NE(run({.k = 6}).find("k = 6 exceeds the 5 features"), std::string::npos) << run({.k = 6});
  EXPECT_NE(run({.sigma = 0}).find("sigma"), std::string::npos);
  EXPECT_NE(run({.sigma = std::numeric_limits<double>::quiet_NaN()}).find("nan"),
            std::string::npos);
  EXPECT_NE(run({.draws = 0}).find("draws must be >= 1, got 0"), std::string::npos);
  EXPECT_NE(run({.first_index = -2}).find("-2"), std::string::npos);
  EXPECT_NE(run({.baseline = Baseline(torch::zeros({3}))}).find("3 values"), std::string::npos);
  EXPECT_NE(MessageOf([&] { PerturbationGapCurve(oracle_, x_, attributions_, targets_, {.k = 9}); })
                .find("k = 9"),
            std::string::npos);

  std::string error;
  EXPECT_TRUE(PerturbationTestOptions{}.IsValid(&error));
  EXPECT_FALSE((PerturbationTestOptions{.draws = -1}.IsValid(&error)));
  EXPECT_NE(error.find("-1"), std::string::npos);

  // Inputs.
  EXPECT_NE(MessageOf([&] {
              PerturbationGap(oracle_, x_, attributions_.slice(1, 0, 4), targets_, {});
            }).find("4 values per point"),
            std::string::npos);
  EXPECT_NE(MessageOf([&] {
              PerturbationGap(oracle_, x_, attributions_.slice(0, 0, 3), targets_, {});
            }).find("N = 6"),
            std::string::npos);
  torch::Tensor nan_attr = attributions_.clone();
  nan_attr[4][1] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(MessageOf([&] { PerturbationGap(oracle_, x_, nan_attr, targets_, {}); })
                .find("point 4"),
            std::string::npos);

  // PGI / PGU options.
  EXPECT_NE(MessageOf([&] { Pgi(oracle_, x_, attributions_, targets_, {.k = 0}); })
                .find("prediction gap: k must be >= 1, got 0"),
            std::string::npos);
  EXPECT_NE(MessageOf([&] { Pgu(oracle_, x_, attributions_, targets_, {.k = 7}); })
                .find("PGU: k = 7 exceeds"),
            std::string::npos);
  EXPECT_NE(MessageOf([&] { PgiCurve(oracle_, x_, attributions_, targets_, {.sigma = -1}); })
                .find("sigma"),
            std::string::npos);
}

// ---- batching ----------------------------------------------------------------------------------

TEST_F(PerturbationOnLinearModel, ResultsDoNotDependOnBatchLayout) {
  const PerturbationTestOptions options{.ranking = "topk", .perturbation = "continuous", .k = 3,
                                        .draws = 40, .seed = 21};
  const PerturbationCurve together =
      PerturbationGapCurve(oracle_, x_, attributions_, targets_, options);
  for (int64_t i = 0; i < kN; ++i) {
    PerturbationTestOptions alone = options;
    alone.first_index = i;
    const PerturbationCurve one = PerturbationGapCurve(
        oracle_, x_.slice(0, i, i + 1), attributions_.slice(0, i, i + 1), targets_[i], alone);
    EXPECT_TRUE(AllClose(one.per_point[0], together.per_point[i], 1e-13)) << "point " << i;
  }
  // Tiny Oracle batches change nothing either.
  Oracle small(AnalyticModel::Linear(a_, c_), {.max_batch_rows = 7});
  EXPECT_TRUE(AllClose(PerturbationGapCurve(small, x_, attributions_, targets_, options).per_point,
                       together.per_point, 1e-13));
}

// f(x) = a.x (no intercept) that counts its calls in *calls.
std::shared_ptr<AnalyticModel> CountingLinearModel(const torch::Tensor& a,
                                                   const std::shared_ptr<int64_t>& calls) {
  const torch::Tensor w = a.reshape({-1, 1});
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{a.numel()},
      [calls, w](const torch::Tensor& x) {
        ++*calls;
        return x.matmul(w);
      },
      "counting linear");
}

TEST_F(PerturbationOnLinearModel, QueriesAllPointsAndDrawsInTwoModelCalls) {
  auto calls = std::make_shared<int64_t>(0);
  Oracle oracle(CountingLinearModel(a_, calls));
  oracle.BatchRows({a_.numel()}, QueryKind::kValues);  // the row-cost probe (Oracle::RowBytes)
  *calls = 0;                                          // `calls` counts the metric's calls only
  const int64_t k = 4, draws = 25;
  PerturbationGapCurve(oracle, x_, attributions_, targets_,
                       {.perturbation = "continuous", .k = k, .draws = draws});
  EXPECT_EQ(*calls, 2) << "f(x) once, then every point, k and draw together";
  EXPECT_EQ(oracle.value_queries(), kN + kN * k * draws);
  oracle.ResetQueries();
  PerturbationGapCurve(oracle, x_, attributions_, targets_, {.perturbation = "binary", .k = k});
  EXPECT_EQ(oracle.value_queries(), kN + kN * k) << "the binary test ignores draws";
}

TEST_F(PerturbationOnLinearModel, MemoryBudgetSplitsCallsWithoutChangingResults) {
  auto calls = std::make_shared<int64_t>(0);
  Oracle oracle(CountingLinearModel(a_, calls));
  oracle.BatchRows({a_.numel()}, QueryKind::kValues);  // the row-cost probe (Oracle::RowBytes)
  *calls = 0;                                          // `calls` counts the metric's calls only
  const int64_t k = 3, draws = 10;
  PerturbationTestOptions options{.perturbation = "continuous", .k = k, .draws = draws, .seed = 2};
  const PerturbationCurve whole =
      PerturbationGapCurve(oracle, x_, attributions_, targets_, options);
  ASSERT_EQ(*calls, 2);

  // Two points per block: f(x) + 3 blocks.
  *calls = 0;
  options.max_perturbed_elements = 2 * k * draws * kD;
  EXPECT_TRUE(AllClose(PerturbationGapCurve(oracle, x_, attributions_, targets_, options).per_point,
                       whole.per_point, 1e-14));
  EXPECT_EQ(*calls, 1 + kN / 2);

  // Less than one point: each point is split over k, two values of k per block (k = 1-2, 3).
  *calls = 0;
  options.max_perturbed_elements = 2 * draws * kD;
  EXPECT_TRUE(AllClose(PerturbationGapCurve(oracle, x_, attributions_, targets_, options).per_point,
                       whole.per_point, 1e-14));
  EXPECT_EQ(*calls, 1 + kN * 2);

  options.max_perturbed_elements = 0;
  EXPECT_NE(MessageOf([&] { PerturbationGap(oracle, x_, attributions_, targets_, options); })
                .find("max_perturbed_elements must be >= 1, got 0"),
            std::string::npos);
}

// ---- image-shaped points and feature groups ----------------------------------------------------

TEST(PerturbationImages, ImageShapedPointsAreFlattenedAndGroupsPerturbTogether) {
  const int64_t n = 3;
  const torch::Tensor a = RandomNormal({9}, 30);
  Oracle oracle(std::make_shared<AnalyticModel>(
      std::vector<int64_t>{1, 3, 3},
      [a](const torch::Tensor& x) { return x.reshape({x.size(0), -1}).matmul(a.reshape({-1, 1})); },
      "linear on 1x3x3 images"));
  const torch::Tensor x = RandomNormal({n, 1, 3, 3}, 31);
  const torch::Tensor maps = RandomNormal({n, 1, 3, 3}, 32);  // AttributionMaps() layout

  const MetricSummary image = PerturbationGap(oracle, x, maps, torch::tensor(0), {.k = 4});
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<double> xi = Row(x, i);
    double sum = 0;
    for (int64_t j : PickByMagnitude(Row(maps, i), 4, true)) sum += a[j].item<double>() * xi[j];
    EXPECT_NEAR(image.per_point[i].item<double>(), std::abs(sum), 1e-12);
  }

  // Three groups (rows of the image); attributions [n, 3]; perturbing a group perturbs its row.
  const FeatureGroups rows = FeatureGroups::Explicit({0, 0, 0, 1, 1, 1, 2, 2, 2});
  const torch::Tensor group_attr = torch::tensor({{0.1, 5.0, -2.0}, {3.0, 0.0, 1.0},
                                                  {-1.0, 1.0, 0.5}}, torch::kDouble);
  const MetricSummary grouped = PerturbationGap(oracle, x, group_attr, torch::tensor(0),
                                                {.k = 2, .baseline = 1.0, .groups = rows});
  const std::vector<std::vector<int64_t>> top2 = {{1, 2}, {0, 2}, {0, 1}};
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<double> xi = Row(x, i);
    double sum = 0;
    for (int64_t g : top2[i])
      for (int64_t e = 3 * g; e < 3 * g + 3; ++e) sum += a[e].item<double>() * (xi[e] - 1.0);
    EXPECT_NEAR(grouped.per_point[i].item<double>(), std::abs(sum), 1e-12) << "point " << i;
  }
  EXPECT_NE(MessageOf([&] {
              PerturbationGap(oracle, x, group_attr, torch::tensor(0), {.k = 4, .groups = rows});
            }).find("k = 4 exceeds the 3 features"),
            std::string::npos);
  EXPECT_NE(MessageOf([&] { PerturbationGap(oracle, x, maps, torch::tensor(0), {.groups = rows}); })
                .find("3 groups"),
            std::string::npos);
}

}  // namespace
}  // namespace lfa
