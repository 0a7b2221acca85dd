// PulledBackGradients (losses/gradient_matching.h) against the analytic pull-back of each Decode:
//
//   gaussian            x' = x + xi                 J_j = df/dx'_j (identity) mask (keep) x' = b +
//   m (x - b)          J_g = sum_{e in g} (x_e - b_e) df/dx'_e one_hot_removal     x' = x - m (x -
//   b)          J_g = -sum_{e in g} (x_e - b_e) df/dx'_e scale_path          x' = b + t (x - b) J_j
//   = (x_j - b_j) df/dx'_j, x' on the path
//
// with f(x) = sum_i sin(w_i x_i) + x_0 x_1 x_2 and its gradient written by hand
// (tests/test_util.h). The decoded inputs are also rebuilt by hand from xi, so nothing expected
// comes from the library.

#include <memory>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "framework/explainer.h"
#include "framework/oracle.h"
#include "losses/gradient_matching.h"
#include "models/analytic_model.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/bernoulli_mask.h"
#include "neighbourhoods/gaussian.h"
#include "neighbourhoods/one_hot_removal.h"
#include "neighbourhoods/scale_path.h"
#include "neighbourhoods/shapley_coalitions.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;
using test::RandomUniform;

constexpr int64_t kD = 5;

enum class Mixing { kAdditive, kKeep, kRemove };

class PullbackTest : public ::testing::Test {
 protected:
  PullbackTest() : oracle_(f_.Model()) {}

  // The analytic J for samples xi [N, S, G] of a neighbourhood with the given mixing, element ->
  // group map and baseline [D].
  torch::Tensor Expected(const PointBatch& points, const torch::Tensor& xi, Mixing mixing,
                         const std::vector<int64_t>& group, const std::vector<double>& baseline) {
    const int64_t n = xi.size(0), s = xi.size(1), g = xi.size(2);
    torch::Tensor expected = torch::zeros({n, s, g}, torch::kDouble);
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t k = 0; k < s; ++k) {
        std::vector<double> x(kD), prime(kD), gradient(kD);
        for (int64_t e = 0; e < kD; ++e) {
          x[e] = points.flat[i][e].item<double>();
          const double m = xi[i][k][group[e]].item<double>();
          switch (mixing) {
            case Mixing::kAdditive:
              prime[e] = x[e] + m;
              break;
            case Mixing::kKeep:
              prime[e] = baseline[e] + m * (x[e] - baseline[e]);
              break;
            case Mixing::kRemove:
              prime[e] = x[e] - m * (x[e] - baseline[e]);
              break;
          }
        }
        f_.Gradient(prime.data(), gradient.data());
        for (int64_t e = 0; e < kD; ++e) {
          const double spread = x[e] - baseline[e];
          double& j = expected.data_ptr<double>()[(i * s + k) * g + group[e]];
          switch (mixing) {
            case Mixing::kAdditive:
              j += gradient[e];
              break;
            case Mixing::kKeep:
              j += spread * gradient[e];
              break;
            case Mixing::kRemove:
              j -= spread * gradient[e];
              break;
          }
        }
      }
    }
    return expected;
  }

  torch::Tensor Pull(const Neighbourhood& z, const PointBatch& points, const torch::Tensor& xi) {
    return PulledBackGradients(oracle_, z, points, xi, Targets(0, points.size()));
  }

  const test::SineProduct f_{{0.7, -1.3, 2.0, 0.5, 1.1}};
  Oracle oracle_;
  const PointBatch points_ = MakePointBatch(RandomNormal({3, kD}, 1), /*seed=*/17);
  const std::vector<int64_t> identity_ = {0, 1, 2, 3, 4};
  const std::vector<double> zero_ = std::vector<double>(kD, 0.0);
  const std::vector<double> baseline_ = {0.1, -0.2, 0.3, 0.0, 0.5};
};

TEST_F(PullbackTest, GaussianIsTheIdentity) {
  const GaussianNeighbourhood z({.sigma = 0.5});
  const torch::Tensor xi = z.Sample(points_, 16).xi;
  const torch::Tensor pulled = Pull(z, points_, xi);
  EXPECT_TRUE(AllClose(pulled, Expected(points_, xi, Mixing::kAdditive, identity_, zero_), 1e-12));
  EXPECT_EQ(oracle_.gradient_queries(), 3 * 16);
  EXPECT_EQ(oracle_.value_queries(), 0);
}

TEST_F(PullbackTest, BernoulliMaskMultipliesByTheSpreadFromTheBaseline) {
  const BernoulliMaskNeighbourhood z({.kernel = "uniform", .baseline = 0.4});
  const torch::Tensor xi = z.Sample(points_, 16).xi;
  const std::vector<double> b(kD, 0.4);
  EXPECT_TRUE(
      AllClose(Pull(z, points_, xi), Expected(points_, xi, Mixing::kKeep, identity_, b), 1e-12));
}

TEST_F(PullbackTest, GroupedMaskSumsOverTheGroupWithAVectorBaseline) {
  const std::vector<int64_t> groups = {0, 1, 1, 2, 0};
  const BernoulliMaskNeighbourhood z(
      {.kernel = "shapley",
       .baseline = Baseline(torch::tensor(baseline_, torch::kDouble)),
       .groups = FeatureGroups::Explicit(groups)});
  const torch::Tensor xi = z.Sample(points_, 16).xi;
  ASSERT_EQ(xi.size(2), 3);
  EXPECT_TRUE(AllClose(Pull(z, points_, xi),
                       Expected(points_, xi, Mixing::kKeep, groups, baseline_), 1e-12));
  // The pull-back holds off the sampled corners too: any xi in [0, 1]^G.
  const torch::Tensor inside = RandomUniform({3, 8, 3}, 0.0, 1.0, 2);
  EXPECT_TRUE(AllClose(Pull(z, points_, inside),
                       Expected(points_, inside, Mixing::kKeep, groups, baseline_), 1e-12));
}

TEST_F(PullbackTest, ShapleyCoalitionsUseTheKeepMask) {
  const ShapleyCoalitionsNeighbourhood z({.baseline = -0.3});
  const torch::Tensor xi = z.Sample(points_, 16).xi;
  const std::vector<double> b(kD, -0.3);
  EXPECT_TRUE(
      AllClose(Pull(z, points_, xi), Expected(points_, xi, Mixing::kKeep, identity_, b), 1e-12));
}

TEST_F(PullbackTest, OneHotRemovalHasTheOppositeSign) {
  const OneHotRemovalNeighbourhood z(
      {.baseline = Baseline(torch::tensor(baseline_, torch::kDouble))});
  const torch::Tensor xi = z.Sample(points_, 16).xi;
  EXPECT_TRUE(AllClose(Pull(z, points_, xi),
                       Expected(points_, xi, Mixing::kRemove, identity_, baseline_), 1e-12));
  const torch::Tensor inside = RandomUniform({3, 8, kD}, 0.0, 1.0, 3);
  EXPECT_TRUE(AllClose(Pull(z, points_, inside),
                       Expected(points_, inside, Mixing::kRemove, identity_, baseline_), 1e-12));
}

TEST_F(PullbackTest, ScalePathEvaluatesTheGradientOnThePath) {
  const ScalePathNeighbourhood z({.baseline = Baseline(torch::tensor(baseline_, torch::kDouble))});
  const torch::Tensor xi = z.Sample(points_, 16).xi;
  EXPECT_TRUE(AllClose(Pull(z, points_, xi),
                       Expected(points_, xi, Mixing::kKeep, identity_, baseline_), 1e-12));
}

TEST_F(PullbackTest, GroupedScalePathSumsOverTheGroup) {
  const std::vector<int64_t> groups = {1, 0, 1, 0, 2};
  const ScalePathNeighbourhood z(
      {.low = 0.2, .high = 0.9, .groups = FeatureGroups::Explicit(groups)});
  const torch::Tensor xi = z.Sample(points_, 16).xi;
  EXPECT_TRUE(
      AllClose(Pull(z, points_, xi), Expected(points_, xi, Mixing::kKeep, groups, zero_), 1e-12));
}

TEST_F(PullbackTest, GradientMatchingLossCarriesThePullBack) {
  const ScalePathNeighbourhood z;
  const NeighbourhoodSample sample = z.Sample(points_, 16);
  const LocalProblem problem =
      GradientMatchingLoss().Build(oracle_, z, points_, sample, Targets(0, points_.size()));
  EXPECT_EQ(problem.response, LocalProblem::Response::kGradients);
  EXPECT_TRUE(torch::equal(problem.xi, sample.xi));
  EXPECT_TRUE(torch::equal(problem.weights, sample.weights));
  EXPECT_TRUE(AllClose(problem.responses,
                       Expected(points_, sample.xi, Mixing::kKeep, identity_, zero_), 1e-12));
}

TEST(Pullback, ModelThatIgnoresItsInputPullsBackZero) {
  // f = const: autograd sees no dependence on the input; the pull-back is defined and zero.
  auto constant = std::make_shared<AnalyticModel>(
      std::vector<int64_t>{3},
      [](const torch::Tensor& x) {
        return torch::full({x.size(0), 1}, 2.0, x.options());
      },
      "constant");
  Oracle oracle(constant);
  const PointBatch points = MakePointBatch(RandomNormal({2, 3}, 4), 1);
  const GaussianNeighbourhood z;
  const torch::Tensor xi = z.Sample(points, 5).xi;
  const torch::Tensor pulled = PulledBackGradients(oracle, z, points, xi, Targets(0, 2));
  EXPECT_TRUE(torch::equal(pulled, torch::zeros({2, 5, 3}, torch::kDouble)));
}

}  // namespace
}  // namespace lfa
