// The Neighbourhood contract (framework/neighbourhood.h), checked for every example of every
// neighbourhood registered in DefaultRegistry() (neighbourhood_contract.h lists the invariants): a
// neighbourhood registered there gets the whole suite, and cannot be registered without examples.
//
// The second half checks what each sampler promises about its own distribution.

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/builtin_registry.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "framework/registry.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/bernoulli_mask.h"
#include "neighbourhoods/gaussian.h"
#include "neighbourhoods/one_hot_removal.h"
#include "neighbourhoods/scale_path.h"
#include "neighbourhoods/shapley_coalitions.h"
#include "tests/framework/registry_cases.h"
#include "tests/neighbourhoods/neighbourhood_contract.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

TEST_P(NeighbourhoodContract, DimensionIsTheNumberOfInterpretableFeatures) {
  EXPECT_EQ(neighbourhood_->Dimension(example().input_shape), example().dimension);
}

TEST_P(NeighbourhoodContract, SamplesAndWeightsHaveTheDocumentedShapes) {
  const PointBatch points = MakePointBatch(Points(3, 1), /*seed=*/7);
  const NeighbourhoodSample sample = neighbourhood_->Sample(points, kSamples);
  EXPECT_EQ(sample.xi.sizes(), (std::vector<int64_t>{3, kSamples, example().dimension}));
  EXPECT_EQ(sample.weights.sizes(), (std::vector<int64_t>{3, kSamples}));
  EXPECT_EQ(sample.xi.scalar_type(), torch::kDouble);
  EXPECT_EQ(sample.weights.scalar_type(), torch::kDouble);
  EXPECT_EQ(neighbourhood_->Origin(points).sizes(),
            (std::vector<int64_t>{3, example().dimension}));
}

TEST_P(NeighbourhoodContract, WeightsAreFiniteAndNonNegative) {
  const PointBatch points = MakePointBatch(Points(4, 2), /*seed=*/11);
  const torch::Tensor w = neighbourhood_->Sample(points, kSamples).weights;
  EXPECT_TRUE(torch::isfinite(w).all().item<bool>());
  EXPECT_GE(w.min().item<double>(), 0.0);
  EXPECT_TRUE((w.sum(1) > 0).all().item<bool>()) << "every point needs some weight";
}

TEST_P(NeighbourhoodContract, SameSeedGivesIdenticalSamples) {
  const torch::Tensor x = Points(3, 3);
  const NeighbourhoodSample a = neighbourhood_->Sample(MakePointBatch(x, 42), kSamples);
  const NeighbourhoodSample b = neighbourhood_->Sample(MakePointBatch(x, 42), kSamples);
  EXPECT_TRUE(torch::equal(a.xi, b.xi));
  EXPECT_TRUE(torch::equal(a.weights, b.weights));
}

TEST_P(NeighbourhoodContract, DifferentSeedGivesDifferentSamples) {
  const torch::Tensor x = Points(3, 4);
  const NeighbourhoodSample a = neighbourhood_->Sample(MakePointBatch(x, 42), kSamples);
  const NeighbourhoodSample b = neighbourhood_->Sample(MakePointBatch(x, 43), kSamples);
  if (example().seeded) {
    for (int64_t i = 0; i < 3; ++i) EXPECT_FALSE(torch::equal(a.xi[i], b.xi[i])) << "point " << i;
  } else {
    EXPECT_TRUE(torch::equal(a.xi, b.xi)) << "a deterministic sampler must ignore the seed";
  }
}

TEST_P(NeighbourhoodContract, APointAloneGetsTheSamplesItGetsInABatch) {
  const torch::Tensor x = Points(4, 5);
  const int64_t first = 10;
  const NeighbourhoodSample batch = neighbourhood_->Sample(MakePointBatch(x, 9, first), kSamples);
  for (int64_t i = 0; i < 4; ++i) {
    const PointBatch alone = MakePointBatch(x.slice(0, i, i + 1), 9, first + i);
    const NeighbourhoodSample single = neighbourhood_->Sample(alone, kSamples);
    EXPECT_TRUE(torch::equal(single.xi[0], batch.xi[i])) << "point " << i;
    EXPECT_TRUE(torch::equal(single.weights[0], batch.weights[i])) << "point " << i;
    const NeighbourhoodSample sliced =
        neighbourhood_->Sample(MakePointBatch(x, 9, first).Slice(i, i + 1), kSamples);
    EXPECT_TRUE(torch::equal(sliced.xi[0], batch.xi[i])) << "PointBatch::Slice, point " << i;
  }
  // A point's stream is its global index: shifting first_index changes the draws.
  if (example().seeded) {
    const NeighbourhoodSample shifted =
        neighbourhood_->Sample(MakePointBatch(x, 9, first + 1), kSamples);
    EXPECT_FALSE(torch::equal(shifted.xi[0], batch.xi[0]));
  }
}

TEST_P(NeighbourhoodContract, OriginDecodesToThePoint) {
  const PointBatch points = MakePointBatch(Points(3, 6), 1);
  const torch::Tensor origin = neighbourhood_->Origin(points);
  const torch::Tensor decoded = neighbourhood_->Decode(points, origin.unsqueeze(1));
  EXPECT_TRUE(AllClose(decoded.squeeze(1), points.flat, 1e-12));
}

TEST_P(NeighbourhoodContract, DecodeGivesModelInputsForEverySample) {
  const PointBatch points = MakePointBatch(Points(3, 7), 1);
  const NeighbourhoodSample sample = neighbourhood_->Sample(points, kSamples);
  const torch::Tensor decoded = neighbourhood_->Decode(points, sample.xi);
  EXPECT_EQ(decoded.sizes(), (std::vector<int64_t>{3, kSamples, points.flat.size(1)}));
  EXPECT_EQ(decoded.scalar_type(), torch::kDouble);
  EXPECT_TRUE(torch::isfinite(decoded).all().item<bool>());
}

TEST_P(NeighbourhoodContract, DecodeIsDifferentiableInXi) {
  const PointBatch points = MakePointBatch(Points(3, 8), 1);
  const torch::Tensor xi = neighbourhood_->Sample(points, kSamples).xi.clone().requires_grad_(true);
  neighbourhood_->Decode(points, xi).sum().backward();
  const torch::Tensor grad = xi.grad();
  ASSERT_TRUE(grad.defined()) << "Decode is not built from differentiable ops";
  EXPECT_EQ(grad.sizes(), xi.sizes());
  EXPECT_TRUE(torch::isfinite(grad).all().item<bool>());
  // Points sit away from every baseline, so each feature moves the decoded input.
  EXPECT_TRUE((grad.abs() > 1e-6).all().item<bool>());
}

TEST_P(NeighbourhoodContract, PullBackIsTheVectorJacobianProductOfDecode) {
  const PointBatch points = MakePointBatch(Points(3, 9), 1);
  const torch::Tensor xi = neighbourhood_->Sample(points, kSamples).xi;
  const torch::Tensor g = RandomNormal({3, kSamples, points.flat.size(1)}, 10);
  // (d Decode / d xi)^T g by autograd, whatever PullBack does.
  const torch::Tensor leaf = xi.clone().requires_grad_(true);
  (neighbourhood_->Decode(points, leaf) * g).sum().backward();
  EXPECT_TRUE(AllClose(neighbourhood_->PullBack(points, xi, g), leaf.grad(), 1e-12));
}

TEST_P(NeighbourhoodContract, AFewerSampleRunIsTheStartOfALongerOne) {
  // Counter-based draws: sample s of point i does not depend on how many samples are drawn
  // (antithetic pairs and anchors included, when the count is even).
  const PointBatch points = MakePointBatch(Points(2, 12), 3, /*first_index=*/4);
  const NeighbourhoodSample all = neighbourhood_->Sample(points, kSamples);
  const NeighbourhoodSample few = neighbourhood_->Sample(points, kSamples / 2);
  const int64_t s = few.xi.size(1);
  EXPECT_TRUE(torch::equal(few.xi, all.xi.slice(1, 0, s)));
  EXPECT_TRUE(AllClose(few.weights, all.weights.slice(1, 0, s), 1e-12));
}

TEST_P(NeighbourhoodContract, TypeIsTheRegisteredName) {
  EXPECT_EQ(neighbourhood_->type(), GetParam().type());
}

TEST_P(NeighbourhoodContract, JsonRoundTripsThroughTheRegistry) {
  const nlohmann::json spec = neighbourhood_->ToJson();
  EXPECT_EQ(spec.at("type"), neighbourhood_->type());
  const std::unique_ptr<Neighbourhood> rebuilt = GetParam().registry->MakeNeighbourhood(spec);
  EXPECT_EQ(rebuilt->ToJson(), spec);
  const PointBatch points = MakePointBatch(Points(2, 9), 5);
  EXPECT_TRUE(torch::equal(rebuilt->Sample(points, 16).xi, neighbourhood_->Sample(points, 16).xi));
  EXPECT_TRUE(torch::equal(rebuilt->Sample(points, 16).weights,
                           neighbourhood_->Sample(points, 16).weights));
}

INSTANTIATE_TEST_SUITE_P(Registered, NeighbourhoodContract,
                         ::testing::ValuesIn(test::NeighbourhoodCases(DefaultRegistry())),
                         test::CaseName());

// Every registered type is covered, with the examples its registration supplied.
TEST(NeighbourhoodContractCases, EveryRegisteredNeighbourhoodHasACase) {
  std::vector<std::string> covered;
  for (const test::NeighbourhoodCase& c : test::NeighbourhoodCases(DefaultRegistry()))
    if (covered.empty() || covered.back() != c.type()) covered.push_back(c.type());
  EXPECT_EQ(covered, DefaultRegistry().NeighbourhoodTypes());
  EXPECT_GE(test::NeighbourhoodCases(DefaultRegistry()).size(), 17u)
      << "the examples cover at least the cases the suite listed by hand before";
}

// ---- What each sampler promises about its own distribution -------------------------------------

double Choose(int n, int k) {
  return std::tgamma(n + 1.0) / (std::tgamma(k + 1.0) * std::tgamma(n - k + 1.0));
}

TEST(BernoulliMask, ShapleyKernelIsTheFormulaWithLargeAnchors) {
  const int g = 7;
  const torch::Tensor sizes = torch::arange(0, g + 1, torch::kDouble);
  const torch::Tensor kernel = ShapleyKernel(sizes, g);
  EXPECT_EQ(kernel[0].item<double>(), 1e6);
  EXPECT_EQ(kernel[g].item<double>(), 1e6);
  for (int k = 1; k < g; ++k)
    EXPECT_NEAR(kernel[k].item<double>(), (g - 1) / (Choose(g, k) * k * (g - k)), 1e-14) << k;
}

TEST(BernoulliMask, ExponentialKernelIsTheSquaredDistanceOfTheDecodedInput) {
  const double width = 1.7, b = 0.3;
  const BernoulliMaskNeighbourhood z({.kernel = "exponential",
                                      .width = width,
                                      .baseline = b,
                                      .groups = FeatureGroups::Explicit({0, 1, 1, 2, 0})});
  const PointBatch points = MakePointBatch(RandomNormal({3, 5}, 1), 2);
  const NeighbourhoodSample sample = z.Sample(points, 50);
  const torch::Tensor decoded = z.Decode(points, sample.xi);
  const torch::Tensor distance2 = (decoded - points.flat.unsqueeze(1)).square().sum(2);
  EXPECT_TRUE(AllClose(sample.weights, torch::exp(-distance2 / (width * width)), 1e-14));
}

TEST(BernoulliMask, UniformKernelAndKeepProbability) {
  const double p = 0.3;
  const BernoulliMaskNeighbourhood z({.p = p, .kernel = "uniform"});
  const int64_t n = 4, s = 5000, d = 5;
  const NeighbourhoodSample sample = z.Sample(MakePointBatch(RandomNormal({n, d}, 1), 3), s);
  EXPECT_TRUE(torch::equal(sample.weights, torch::ones({n, s}, torch::kDouble)));
  EXPECT_TRUE(((sample.xi == 0) | (sample.xi == 1)).all().item<bool>());
  const double standard_error = std::sqrt(p * (1 - p) / (n * s * d));
  EXPECT_NEAR(sample.xi.mean().item<double>(), p, 5 * standard_error);
}

TEST(ShapleyCoalitions, AnchorsFirstThenInteriorCoalitionsWithUnitWeight) {
  const ShapleyCoalitionsNeighbourhood z;
  const int64_t g = 6, s = 4000;
  const NeighbourhoodSample sample = z.Sample(MakePointBatch(RandomNormal({2, g}, 1), 4), s);
  for (int64_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(torch::equal(sample.xi[i][0], torch::ones({g}, torch::kDouble)));
    EXPECT_TRUE(torch::equal(sample.xi[i][1], torch::zeros({g}, torch::kDouble)));
    EXPECT_EQ(sample.weights[i][0].item<double>(), 1e6);
    EXPECT_EQ(sample.weights[i][1].item<double>(), 1e6);
    const torch::Tensor rest = sample.xi[i].slice(0, 2);
    EXPECT_TRUE(torch::equal(sample.weights[i].slice(0, 2), torch::ones({s - 2}, torch::kDouble)));
    const torch::Tensor sizes = rest.sum(1);
    EXPECT_GE(sizes.min().item<double>(), 1.0);
    EXPECT_LE(sizes.max().item<double>(), g - 1.0);
    // Size k is drawn with probability proportional to (g-1) / (k (g-k)).
    double total = 0;
    for (int64_t k = 1; k < g; ++k) total += 1.0 / (k * (g - k));
    for (int64_t k = 1; k < g; ++k) {
      const double p = 1.0 / (k * (g - k)) / total;
      const double frequency = (sizes == static_cast<double>(k)).sum().item<double>() / (s - 2);
      EXPECT_NEAR(frequency, p, 5 * std::sqrt(p * (1 - p) / (s - 2))) << "size " << k;
    }
  }
}

TEST(OneHotRemoval, RowsAreUnitVectorsAndEnumerateCycles) {
  const int64_t g = 5, s = 12;
  const PointBatch points = MakePointBatch(RandomNormal({2, g}, 1), 5);
  const NeighbourhoodSample drawn = OneHotRemovalNeighbourhood().Sample(points, s);
  EXPECT_TRUE(torch::equal(drawn.xi.sum(2), torch::ones({2, s}, torch::kDouble)));
  EXPECT_TRUE(((drawn.xi == 0) | (drawn.xi == 1)).all().item<bool>());
  const NeighbourhoodSample cycled =
      OneHotRemovalNeighbourhood({.enumerate = true}).Sample(points, s);
  for (int64_t k = 0; k < s; ++k)
    EXPECT_EQ(cycled.xi[1][k].argmax().item<int64_t>(), k % g) << "sample " << k;
}

TEST(ScalePath, OneScalarPerSampleInsideTheInterval) {
  const double low = 0.25, high = 0.75;
  const ScalePathNeighbourhood z({.low = low, .high = high});
  const int64_t s = 4000;
  const NeighbourhoodSample sample = z.Sample(MakePointBatch(RandomNormal({2, 4}, 1), 6), s);
  const torch::Tensor t = sample.xi.select(2, 0);
  EXPECT_TRUE(torch::equal(sample.xi, t.unsqueeze(2).expand_as(sample.xi)));
  EXPECT_GE(t.min().item<double>(), low);
  EXPECT_LE(t.max().item<double>(), high);
  // U(low, high): mean (low + high) / 2, variance (high - low)^2 / 12.
  const double standard_error = (high - low) / std::sqrt(12.0 * 2 * s);
  EXPECT_NEAR(t.mean().item<double>(), (low + high) / 2, 5 * standard_error);
  const NeighbourhoodSample fixed = ScalePathNeighbourhood({.low = 0.9, .high = 0.9})
                                        .Sample(MakePointBatch(RandomNormal({1, 3}, 1), 6), 5);
  EXPECT_TRUE(torch::equal(fixed.xi, torch::full({1, 5, 3}, 0.9, torch::kDouble)));
}

TEST(Gaussian, NoiseHasZeroMeanAndTheRequestedSigma) {
  const double sigma = 0.3;
  const int64_t n = 2, s = 10000, d = 3;
  const NeighbourhoodSample sample =
      GaussianNeighbourhood({.sigma = sigma}).Sample(MakePointBatch(RandomNormal({n, d}, 1), 7), s);
  const double count = n * s * d;
  EXPECT_NEAR(sample.xi.mean().item<double>(), 0.0, 5 * sigma / std::sqrt(count));
  // Var of the sample variance of a normal: 2 sigma^4 / count.
  EXPECT_NEAR(sample.xi.square().mean().item<double>(), sigma * sigma,
              5 * std::sqrt(2.0 / count) * sigma * sigma);
  EXPECT_TRUE(torch::equal(sample.weights, torch::ones({n, s}, torch::kDouble)));
}

TEST(NeighbourhoodOptions, ConstructorsRejectInvalidValues) {
  EXPECT_THROW(GaussianNeighbourhood({.sigma = 0.0}), InvalidInput);
  EXPECT_THROW(GaussianNeighbourhood({.sigma = -1.0}), InvalidInput);
  EXPECT_THROW(BernoulliMaskNeighbourhood({.p = 1.0}), InvalidInput);
  EXPECT_THROW(BernoulliMaskNeighbourhood({.kernel = "gaussian"}), InvalidInput);
  EXPECT_THROW(BernoulliMaskNeighbourhood({.width = 0.0}), InvalidInput);
  EXPECT_THROW(ScalePathNeighbourhood({.low = 0.8, .high = 0.2}), InvalidInput);
}

}  // namespace
}  // namespace lfa
