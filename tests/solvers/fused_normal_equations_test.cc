// FusedNormalEquations (solvers/fused_normal_equations.h) against the definitions, computed here
// by tensor products: A = Z'WZ, Z'Wy, Z'W(y - Z b) and the four weighted sums, for samples in
// antithetic pairs (Gaussian noise and its negation, masks and their complements with the
// Shapley kernel's equal weights; even and odd S; with and without an intercept), where the
// products are formed from the first members of the pairs, and for samples that are not pairs
// (unequal weights, as LIME's kernel gives; one perturbed partner), where the direct sums run.
#include "solvers/fused_normal_equations.h"

#include <gtest/gtest.h>
#include <torch/types.h>

#include "tests/test_util.h"

namespace lfa {
namespace {

constexpr int64_t kPairPoints = 3, kPairFeatures = 5;

// [N, S, d] with sample 2q + 1 = a - sample 2q, from first members drawn by `draw`.
torch::Tensor PairedSamples(const torch::Tensor& first, double a, int64_t samples) {
  const torch::Tensor both =
      torch::stack({first, a - first}, 2).reshape({kPairPoints, -1, kPairFeatures});
  return both.slice(1, 0, samples).contiguous();
}

torch::Tensor PairDesign(const torch::Tensor& x, bool intercept) {
  return intercept ? torch::cat({x, torch::ones({x.size(0), x.size(1), 1}, x.options())}, 2) : x;
}

void ExpectPairDefinitions(const torch::Tensor& x, const torch::Tensor& w, bool intercept,
                           bool paired, double a) {
  const FusedNormalEquations fused(x, w, intercept);
  ASSERT_EQ(fused.paired(), paired);
  if (paired) {
    EXPECT_EQ(fused.pair_constant(), a);
  }
  const torch::Tensor z = PairDesign(x, intercept);
  const torch::Tensor zw_t = (z * w.unsqueeze(2)).transpose(1, 2);
  const torch::Tensor y = test::RandomNormal({x.size(0), x.size(1)}, 31);
  const torch::Tensor beta = test::RandomNormal({x.size(0), z.size(2)}, 32);
  const torch::Tensor r = y - torch::bmm(z, beta.unsqueeze(2)).squeeze(2);
  const double tolerance = 1e-11 * static_cast<double>(x.size(1));
  EXPECT_TRUE(torch::allclose(fused.Matrices(), torch::bmm(zw_t, z), 0, tolerance));
  EXPECT_TRUE(
      torch::allclose(fused.Project(y), torch::bmm(zw_t, y.unsqueeze(2)).squeeze(2), 0, tolerance));
  EXPECT_TRUE(torch::allclose(fused.ProjectResidual(y, beta),
                              torch::bmm(zw_t, r.unsqueeze(2)).squeeze(2), 0, tolerance));
  const torch::Tensor sums =
      torch::stack({w.sum(1), (w * y).sum(1), (w * y * y).sum(1), (w * r * r).sum(1)}, 1);
  EXPECT_TRUE(torch::allclose(fused.FitSums(y, beta), sums, 0, tolerance));
}

TEST(FusedNormalEquations, GaussianPairsGiveTheDirectSums) {
  for (const int64_t samples : {40, 41})
    for (const bool intercept : {true, false}) {
      SCOPED_TRACE(testing::Message() << samples << " samples, intercept " << intercept);
      const torch::Tensor x =
          PairedSamples(test::RandomNormal({kPairPoints, 21, kPairFeatures}, 1), 0.0, samples);
      const torch::Tensor w = test::RandomUniform({kPairPoints, 21}, 0.5, 2.0, 2)
                                  .repeat_interleave(2, 1)
                                  .slice(1, 0, samples)
                                  .contiguous();
      ExpectPairDefinitions(x, w, intercept, /*paired=*/true, 0.0);
    }
}

// Three pairs in five features: the rows [x_q, 1] and [-x_q, 1] span the three x_q and [0, 1], so
// Z'WZ (6 x 6) has rank 4, the bound; singular before any factorisation.
TEST(FusedNormalEquations, RankBoundIsTheRankOfFewPairs) {
  const torch::Tensor x =
      PairedSamples(test::RandomNormal({kPairPoints, 3, kPairFeatures}, 7), 0.0, 6);
  const FusedNormalEquations fused(x, torch::ones({kPairPoints, 6}, torch::kDouble), true);
  ASSERT_TRUE(fused.paired());
  EXPECT_EQ(fused.rank_bound(), 4);
  const torch::Tensor a = fused.Matrices();
  for (int64_t i = 0; i < kPairPoints; ++i)
    EXPECT_EQ(torch::linalg_matrix_rank(a[i], 1e-9, true).item<int64_t>(), 4) << "point " << i;
  const FusedNormalEquations unpaired(x, test::RandomUniform({kPairPoints, 6}, 0.5, 2.0, 8), true);
  EXPECT_FALSE(unpaired.paired());
  EXPECT_EQ(unpaired.rank_bound(), 6);
}

TEST(FusedNormalEquations, MaskComplementsGiveTheDirectSums) {
  for (const int64_t samples : {40, 41})
    for (const bool intercept : {true, false}) {
      SCOPED_TRACE(testing::Message() << samples << " samples, intercept " << intercept);
      const torch::Tensor masks = test::RandomUniform({kPairPoints, 21, kPairFeatures}, 0.0, 1.0, 3)
                                      .lt(0.5)
                                      .to(torch::kDouble);
      const torch::Tensor x = PairedSamples(masks, 1.0, samples);
      // The Shapley kernel's weight depends on the coalition size k, equal for k and G - k.
      const torch::Tensor k = x.sum(2);
      const torch::Tensor w = 1.0 / (1.0 + k * (kPairFeatures - k));
      ExpectPairDefinitions(x, w, intercept, /*paired=*/true, 1.0);
    }
}

TEST(FusedNormalEquations, SamplesThatAreNotPairsGiveTheDirectSums) {
  const torch::Tensor masks =
      test::RandomUniform({kPairPoints, 20, kPairFeatures}, 0.0, 1.0, 4).lt(0.5).to(torch::kDouble);
  const torch::Tensor x = PairedSamples(masks, 1.0, 40);
  // LIME's exponential kernel: a mask and its complement lie at different distances.
  ExpectPairDefinitions(x, test::RandomUniform({kPairPoints, 40}, 0.5, 2.0, 5), true, false, 0.0);
  // Equal weights, but one partner of the last point is off by one unit in the last place.
  torch::Tensor nudged =
      PairedSamples(test::RandomNormal({kPairPoints, 20, kPairFeatures}, 6), 0.0, 40);
  nudged[kPairPoints - 1][39][2] =
      std::nextafter(nudged[kPairPoints - 1][39][2].item<double>(), 1e9);
  ExpectPairDefinitions(nudged, torch::ones({kPairPoints, 40}, torch::kDouble), true, false, 0.0);
}

}  // namespace
}  // namespace lfa
