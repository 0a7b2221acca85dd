// Deletion / insertion curves, the blur baseline and infidelity (metrics/image_metrics.h), checked
// against answers derived by hand:
//   - for a linear model f(x) = W·x + c, changing pixel p from x to b moves f by
//     q_p = sum_channels W (x - b) at that pixel, so the deletion curve is f(x) minus the cumulative
//     sum of q in the map's order, and insertion is f(b) plus it (order computed here by repeated
//     arg-max, not by a sort); the AUC is the trapezoid of those points;
//   - ties and channels on a model with power-of-two weights, where every curve value is the bit
//     pattern of the pixels still present;
//   - the blur against the Gaussian formula, on constant images, a ramp (replicate padding) and a
//     delta (separability);
//   - infidelity: zero for the right explanation of a linear model (gradient for Gaussian noise,
//     W ⊙ (x - b) for removals), scale invariance with normalisation, and exact values from the
//     documented per-point streams StreamSeed(seed, first_index + i, kMetric).
// Longer than ~500 lines on purpose: it mirrors metrics/image_metrics.cc, and every case uses the
// linear-image fixtures and hand-derived orders at its top; split in two, both halves would need
// them through a shared header (a unity batch allows no second copy).

#include "metrics/image_metrics.h"
#include "models/analytic_model.h"
#include "neighbourhoods/gaussian_blur.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "framework/errors.h"
#include "framework/model.h"
#include "framework/oracle.h"
#include "framework/random.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using test::AllClose;
using test::RandomNormal;

// f_k(x) = W_k · x + c_k on images [C, H, W]: weights [K, C, H, W], intercepts [K]. Counts its
// calls in *calls.
std::shared_ptr<AnalyticModel> LinearImageModel(const torch::Tensor& weights,
                                                const std::vector<double>& intercepts,
                                                const std::shared_ptr<int64_t>& calls) {
  const torch::Tensor w = weights.reshape({weights.size(0), -1}).t().contiguous();  // [D, K]
  const torch::Tensor c = torch::tensor(intercepts, torch::kDouble);
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>(weights.sizes().begin() + 1, weights.sizes().end()),
      [w, c, calls](const torch::Tensor& x) {
        ++*calls;
        return x.reshape({x.size(0), -1}).matmul(w) + c;
      },
      "linear on images");
}

std::vector<double> Values(const torch::Tensor& t) {
  const torch::Tensor flat = t.to(torch::kDouble).contiguous().reshape({-1});
  return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

// Pixel order by repeated selection: the largest score first, the lower index among equal ones.
std::vector<int64_t> OrderByRepeatedMax(const std::vector<double>& scores) {
  std::vector<bool> taken(scores.size(), false);
  std::vector<int64_t> order;
  for (size_t step = 0; step < scores.size(); ++step) {
    int64_t best = -1;
    for (size_t p = 0; p < scores.size(); ++p)
      if (!taken[p] && (best < 0 || scores[p] > scores[best])) best = static_cast<int64_t>(p);
    taken[best] = true;
    order.push_back(best);
  }
  return order;
}

// Trapezoid over u_t = counts[t] / pixels.
double Trapezoid(const std::vector<double>& y, const std::vector<int64_t>& counts, int64_t pixels) {
  double area = 0;
  for (size_t t = 0; t + 1 < y.size(); ++t)
    area += double(counts[t + 1] - counts[t]) / double(pixels) * (y[t] + y[t + 1]) / 2;
  return area;
}

// Three images [C, H, W] explained by a two-output linear model, targets 0, 1, 1.
struct LinearImages {
  LinearImages(int64_t channels, int64_t height, int64_t width, uint64_t seed)
      : c(channels),
        h(height),
        w(width),
        x(RandomNormal({kN, channels, height, width}, seed)),
        weights(RandomNormal({2, channels, height, width}, seed + 1)),
        calls(std::make_shared<int64_t>(0)),
        oracle(LinearImageModel(weights, intercepts, calls)) {
    // The Oracle measures a row's cost once per shape and query kind with probe calls
    // (Oracle::RowBytes); run them now, so that `calls` counts the metrics' calls only.
    oracle.BatchRows({channels, height, width}, QueryKind::kValues);
    oracle.BatchRows({channels, height, width}, QueryKind::kGradients);
    *calls = 0;
  }

  // W of each image's target: [N, C, H, W].
  torch::Tensor TargetWeights() const { return weights.index_select(0, targets); }
  double Intercept(int64_t i) const { return intercepts[targets[i].item<int64_t>()]; }
  // f_target(image) by hand.
  double F(int64_t i, const torch::Tensor& image) const {
    return (TargetWeights()[i] * image).sum().item<double>() + Intercept(i);
  }
  // The move of f when pixel p of image i goes from x to b: [P].
  std::vector<double> PixelContributions(int64_t i, const torch::Tensor& b) const {
    return Values((TargetWeights()[i] * (x[i] - b)).sum(0));
  }

  // Expected curve at the pixel counts `counts`: deletion f(x) - cumsum(q), insertion
  // f(b) + cumsum(q), in the order of `scores` (per pixel).
  std::vector<double> Expected(bool insertion, int64_t i, const torch::Tensor& b,
                               const std::vector<double>& scores,
                               const std::vector<int64_t>& counts) const {
    const std::vector<double> q = PixelContributions(i, b);
    const std::vector<int64_t> order = OrderByRepeatedMax(scores);
    std::vector<double> curve;
    for (int64_t count : counts) {
      double moved = 0;
      for (int64_t j = 0; j < count; ++j) moved += q[order[j]];
      curve.push_back(insertion ? F(i, b) + moved : F(i, x[i]) - moved);
    }
    return curve;
  }

  static constexpr int64_t kN = 3;
  int64_t c, h, w;
  torch::Tensor x, weights;
  std::vector<double> intercepts = {0.3, -0.2};
  torch::Tensor targets = torch::tensor({0, 1, 1}, torch::kLong);
  std::shared_ptr<int64_t> calls;
  Oracle oracle;
};

std::vector<int64_t> Range(int64_t n) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(i);
  return out;
}

// ---- deletion and insertion on a linear model --------------------------------------------------

TEST(ImageDeletion, LinearModelCurveIsFMinusTheCumulativeSortedContributions) {
  LinearImages m(1, 4, 4, 10);
  const torch::Tensor maps = m.TargetWeights() * m.x;  // gradient x input, [N, 1, 4, 4]
  const torch::Tensor zero = torch::zeros({1, 4, 4}, torch::kDouble);
  const DeletionResult del = DeletionCurve(m.oracle, m.x, maps, m.targets);
  const DeletionResult ins = InsertionCurve(m.oracle, m.x, maps, m.targets);
  ASSERT_EQ(del.curves.sizes(), (std::vector<int64_t>{3, 17})) << "default: 1 pixel per step";
  ASSERT_EQ(ins.curves.sizes(), (std::vector<int64_t>{3, 17}));
  EXPECT_TRUE(AllClose(del.fractions, torch::arange(17, torch::kDouble) / 16, 1e-15));
  const std::vector<int64_t> counts = Range(17);
  for (int64_t i = 0; i < 3; ++i) {
    const std::vector<double> scores = Values(maps[i].sum(0));
    const std::vector<double> d = m.Expected(false, i, zero, scores, counts);
    const std::vector<double> n = m.Expected(true, i, zero, scores, counts);
    EXPECT_TRUE(AllClose(del.curves[i], torch::tensor(d, torch::kDouble), 1e-12)) << "image " << i;
    EXPECT_TRUE(AllClose(ins.curves[i], torch::tensor(n, torch::kDouble), 1e-12)) << "image " << i;
    EXPECT_NEAR(del.auc[i].item<double>(), Trapezoid(d, counts, 16), 1e-12);
    EXPECT_NEAR(ins.auc[i].item<double>(), Trapezoid(n, counts, 16), 1e-12);
    // The ends: f(x) and f(0) = c.
    EXPECT_NEAR(del.curves[i][0].item<double>(), m.F(i, m.x[i]), 1e-12);
    EXPECT_NEAR(del.curves[i][16].item<double>(), m.Intercept(i), 1e-12);
    EXPECT_NEAR(ins.curves[i][0].item<double>(), m.Intercept(i), 1e-12);
    EXPECT_NEAR(ins.curves[i][16].item<double>(), m.F(i, m.x[i]), 1e-12);
  }
  // Sorted descending, the increments of the cumulative sum S_t shrink, so S is concave and its
  // area is at least S_T / 2 = (f(x) - c) / 2: deletion's AUC f(x) - area(S) is below
  // insertion's c + area(S).
  EXPECT_TRUE((del.auc < ins.auc).all().item<bool>()) << del.auc << ins.auc;
  // Explicit pixels_per_step = 1 is the default here.
  EXPECT_TRUE(AllClose(DeletionCurve(m.oracle, m.x, maps, m.targets, {.pixels_per_step = 1}).auc,
                       del.auc, 0));
}

TEST(ImageDeletion, ChannelsOfAPixelGoTogetherWithAPerChannelMeanBaseline) {
  LinearImages m(2, 4, 4, 20);
  const torch::Tensor mean = torch::tensor({0.2, -0.1}, torch::kDouble);
  const torch::Tensor b = mean.view({2, 1, 1}).expand({2, 4, 4});
  const DeletionOptions options{.pixels_per_step = 1, .baseline = {.kind = "mean", .mean = mean}};
  // Per-element occlusion-style maps: their channel sum is the pixel's contribution q.
  const torch::Tensor maps = m.TargetWeights() * (m.x - b);
  const DeletionResult del = DeletionCurve(m.oracle, m.x, maps, m.targets, options);
  const DeletionResult ins = InsertionCurve(m.oracle, m.x, maps, m.targets, options);
  const std::vector<int64_t> counts = Range(17);
  for (int64_t i = 0; i < 3; ++i) {
    const std::vector<double> scores = m.PixelContributions(i, b);
    EXPECT_TRUE(AllClose(del.curves[i],
                         torch::tensor(m.Expected(false, i, b, scores, counts), torch::kDouble),
                         1e-12));
    EXPECT_TRUE(AllClose(ins.curves[i],
                         torch::tensor(m.Expected(true, i, b, scores, counts), torch::kDouble),
                         1e-12));
    EXPECT_NEAR(del.curves[i][16].item<double>(), m.F(i, b), 1e-12) << "all pixels at the mean";
  }
  // Maps summed over channels beforehand, [N, H, W], or flattened give the same curves.
  const torch::Tensor summed = maps.sum(1);
  EXPECT_TRUE(AllClose(DeletionCurve(m.oracle, m.x, summed, m.targets, options).curves,
                       del.curves, 1e-12));
  EXPECT_TRUE(AllClose(DeletionCurve(m.oracle, m.x, maps.reshape({3, -1}), m.targets, options)
                           .curves,
                       del.curves, 1e-12));
  // A per-element [C, H, W] mean is the same baseline.
  DeletionOptions per_element = options;
  per_element.baseline.mean = b.clone();
  EXPECT_TRUE(AllClose(DeletionCurve(m.oracle, m.x, maps, m.targets, per_element).curves,
                       del.curves, 1e-12));
}

TEST(ImageDeletion, PixelsPerStepThatDoesNotDivideLeavesTheRemainderToTheLastStep) {
  LinearImages m(1, 4, 4, 30);
  const torch::Tensor maps = RandomNormal({3, 4, 4}, 300);
  const torch::Tensor b = torch::full({1, 4, 4}, 0.5, torch::kDouble);
  const DeletionOptions options{.pixels_per_step = 3, .baseline = {.value = 0.5}};
  const DeletionResult del = DeletionCurve(m.oracle, m.x, maps, m.targets, options);
  const std::vector<int64_t> counts = {0, 3, 6, 9, 12, 15, 16};  // T = ceil(16 / 3) = 6
  ASSERT_EQ(del.curves.sizes(), (std::vector<int64_t>{3, 7}));
  EXPECT_TRUE(AllClose(del.fractions, torch::tensor(counts, torch::kDouble) / 16, 1e-15));
  for (int64_t i = 0; i < 3; ++i) {
    const std::vector<double> d = m.Expected(false, i, b, Values(maps[i]), counts);
    EXPECT_TRUE(AllClose(del.curves[i], torch::tensor(d, torch::kDouble), 1e-12));
    EXPECT_NEAR(del.auc[i].item<double>(), Trapezoid(d, counts, 16), 1e-12)
        << "the last interval is 1/16 wide, the others 3/16";
  }
  // One step (pixels_per_step >= P): the curve is f(x), f(b) and the AUC their mean.
  for (int64_t per_step : {16, 40}) {
    const DeletionResult one = DeletionCurve(m.oracle, m.x, maps, m.targets,
                                             {.pixels_per_step = per_step, .baseline = {.value = 0.5}});
    ASSERT_EQ(one.curves.size(1), 2);
    for (int64_t i = 0; i < 3; ++i)
      EXPECT_NEAR(one.auc[i].item<double>(), (m.F(i, m.x[i]) + m.F(i, b)) / 2, 1e-12);
  }
  // Default ceil(P / 50) pixels per step: P = 64 -> 2 per step, 32 steps; P = 784 -> 16, 49.
  for (const auto& [side, points] : std::vector<std::pair<int64_t, int64_t>>{{8, 33}, {28, 50}}) {
    LinearImages big(1, side, side, 32);
    const DeletionResult r = DeletionCurve(big.oracle, big.x, big.x, big.targets);
    EXPECT_EQ(r.curves.size(1), points) << side << " x " << side;
    EXPECT_DOUBLE_EQ(r.fractions[points - 1].item<double>(), 1.0);
  }
}

// ---- ranking ------------------------------------------------------------------------------------

TEST(ImageDeletion, TiesGoInPixelIndexOrderAndChannelSumsRank) {
  // One channel, 2 x 3 pixels, f(x) = sum_p 2^p x_p, x = 1, b = 0: the curve is the bit pattern of
  // the pixels still present, so it shows the order exactly.
  auto calls = std::make_shared<int64_t>(0);
  const torch::Tensor powers = torch::pow(2.0, torch::arange(6, torch::kDouble));
  Oracle oracle(LinearImageModel(powers.view({1, 1, 2, 3}), {0.0}, calls));
  const torch::Tensor x = torch::ones({1, 1, 2, 3}, torch::kDouble);
  const auto curve = [&](const torch::Tensor& map) {
    return Values(DeletionCurve(oracle, x, map, torch::tensor(0), {.pixels_per_step = 1}).curves);
  };
  // Map values 1, 2, 2, 1, 0, 0: order 1, 2, 0, 3, 4, 5.
  EXPECT_EQ(curve(torch::tensor({{{1.0, 2.0, 2.0}, {1.0, 0.0, 0.0}}}, torch::kDouble)),
            (std::vector<double>{63, 61, 57, 56, 48, 32, 0}));
  // A constant map deletes in reading order; negative values rank below zero.
  EXPECT_EQ(curve(torch::zeros({1, 2, 3}, torch::kDouble)),
            (std::vector<double>{63, 62, 60, 56, 48, 32, 0}));
  EXPECT_EQ(curve(torch::tensor({{{0.0, -1.0, 0.0}, {-3.0, 0.0, -2.0}}}, torch::kDouble)),
            (std::vector<double>{63, 62, 58, 42, 40, 8, 0}));  // order 0, 2, 4, 1, 5, 3

  // Two channels, weights 2^(6 c + p): a pixel is ranked by its channel sum, and deleting it
  // removes both channels. Sums: pixel 0: 5 - 4 = 1, pixel 1: 0 + 3 = 3, pixel 2: -1 + 1 = 0.
  Oracle two(LinearImageModel(torch::pow(2.0, torch::arange(12, torch::kDouble)).view({1, 2, 2, 3}),
                              {0.0}, calls));
  const torch::Tensor map = torch::tensor(
      {{{{5.0, 0.0, -1.0}, {0.0, 0.0, 0.0}}, {{-4.0, 3.0, 1.0}, {0.0, 0.0, -0.5}}}},
      torch::kDouble);
  const std::vector<double> c = Values(
      DeletionCurve(two, torch::ones({1, 2, 2, 3}, torch::kDouble), map, torch::tensor(0),
                    {.pixels_per_step = 1})
          .curves);
  const auto both = [](int64_t p) { return std::pow(2.0, p) + std::pow(2.0, 6 + p); };
  // Order: 1 (3), 0 (1), then 2, 3, 4 (0, by index), 5 (-0.5).
  EXPECT_EQ(c[0], 4095);
  EXPECT_EQ(c[1], 4095 - both(1));
  EXPECT_EQ(c[2], 4095 - both(1) - both(0));
  EXPECT_EQ(c[3], 4095 - both(1) - both(0) - both(2));
  EXPECT_EQ(c[5], both(5));
  EXPECT_EQ(c[6], 0);
}

// ---- blur ---------------------------------------------------------------------------------------

TEST(ImageDeletion, BlurBaselineEndsDeletionAndStartsInsertion) {
  LinearImages m(2, 5, 5, 40);
  const DeletionOptions options{.baseline = {.kind = "blur", .sigma = 1.0}};
  const torch::Tensor blurred = GaussianBlur(m.x, 1.0);
  const DeletionResult del = DeletionCurve(m.oracle, m.x, m.x, m.targets, options);
  const DeletionResult ins = InsertionCurve(m.oracle, m.x, m.x, m.targets, options);
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(del.curves[i][-1].item<double>(), m.F(i, blurred[i]), 1e-12);
    EXPECT_NEAR(ins.curves[i][0].item<double>(), m.F(i, blurred[i]), 1e-12);
    EXPECT_TRUE(AllClose(
        del.curves[i],
        torch::tensor(m.Expected(false, i, blurred[i], Values(m.x[i].sum(0)), Range(26)),
                      torch::kDouble),
        1e-12));
  }
}

// ---- batching -----------------------------------------------------------------------------------

TEST(ImageDeletion, AllImagesAndStepsGoInOneModelCallUnlessTheBudgetSplitsThem) {
  LinearImages m(2, 4, 4, 50);
  const DeletionResult whole = DeletionCurve(m.oracle, m.x, m.x, m.targets, {.pixels_per_step = 1});
  EXPECT_EQ(*m.calls, 1);
  EXPECT_EQ(m.oracle.value_queries(), 3 * 17);
  // Five rows of 32 elements per call: ceil(51 / 5) = 11 calls, same values.
  *m.calls = 0;
  const DeletionResult split = InsertionCurve(
      m.oracle, m.x, m.x, m.targets, {.pixels_per_step = 1, .max_perturbed_elements = 5 * 32});
  EXPECT_EQ(*m.calls, 11);
  *m.calls = 0;
  EXPECT_TRUE(AllClose(InsertionCurve(m.oracle, m.x, m.x, m.targets, {.pixels_per_step = 1}).curves,
                       split.curves, 1e-14));
  EXPECT_EQ(*m.calls, 1);
}

// ---- infidelity ---------------------------------------------------------------------------------

// The documented draws of one point: [S, D] Gaussian noise.
torch::Tensor GaussianDraws(uint64_t seed, int64_t index, int64_t samples, int64_t d, double sigma) {
  Generator rng(StreamSeed(seed, index, Component::kMetric));
  boost::random::normal_distribution<double> normal(0.0, sigma);
  torch::Tensor out = torch::empty({samples, d}, torch::kDouble);
  double* data = out.data_ptr<double>();
  for (int64_t j = 0; j < samples * d; ++j) data[j] = normal(rng);
  return out;
}

TEST(ImageInfidelity, GradientOfALinearModelIsExactForGaussianNoiseAtAnyScale) {
  LinearImages m(2, 4, 4, 60);
  const torch::Tensor gradient = m.TargetWeights();
  const InfidelityOptions options{.sigma = 0.3, .samples = 50, .seed = 4};
  InfidelityOptions raw = options;
  raw.normalise = false;
  EXPECT_LT(test::MaxAbs(Infidelity(m.oracle, m.x, gradient, m.targets, options)), 1e-10);
  EXPECT_LT(test::MaxAbs(Infidelity(m.oracle, m.x, gradient, m.targets, raw)), 1e-10);
  // Normalised, any nonzero multiple of the gradient is as good.
  for (const double scale : {3.0, -2.0, 1e-3})
    EXPECT_LT(test::MaxAbs(Infidelity(m.oracle, m.x, scale * gradient, m.targets, options)), 1e-10)
        << "scale " << scale;
  // Unnormalised, 3 W misses by 2 W·I: infidelity = 4 mean_s (W·I_s)², I from the point's stream.
  const torch::Tensor three = Infidelity(m.oracle, m.x, 3 * gradient, m.targets, raw);
  for (int64_t i = 0; i < 3; ++i) {
    const torch::Tensor noise = GaussianDraws(4, i, 50, 32, 0.3);
    const double expected = 4 * noise.matmul(gradient[i].reshape({-1})).pow(2).mean().item<double>();
    EXPECT_NEAR(three[i].item<double>(), expected, 1e-12 * expected) << "point " << i;
  }
  // A wrong explanation is penalised.
  const torch::Tensor wrong = gradient + 0.5 * RandomNormal({3, 2, 4, 4}, 600);
  EXPECT_GT(Infidelity(m.oracle, m.x, wrong, m.targets, options).min().item<double>(), 1e-3);
  // Flattened attributions are the same explanation.
  EXPECT_TRUE(AllClose(Infidelity(m.oracle, m.x, wrong.reshape({3, -1}), m.targets, options),
                       Infidelity(m.oracle, m.x, wrong, m.targets, options), 0));
}

TEST(ImageInfidelity, OptimalScaleByHandOnAQuadraticModel) {
  // f(x) = sum_j a_j x_j² with Phi = the gradient 2 a ⊙ x: Δf = Phi·I - a·I², so the normalised
  // infidelity is mean((beta a_s - Δf_s)²) with beta = sum a_s Δf_s / sum a_s², by hand.
  const torch::Tensor a = RandomNormal({1, 3, 3}, 70);
  Oracle oracle(std::make_shared<AnalyticModel>(
      std::vector<int64_t>{1, 3, 3},
      [a](const torch::Tensor& x) { return (a * x * x).reshape({x.size(0), -1}).sum(1, true); },
      "quadratic"));
  const torch::Tensor x = RandomNormal({2, 1, 3, 3}, 71);
  const torch::Tensor phi = 2 * a * x;
  const InfidelityOptions options{.sigma = 0.5, .samples = 40, .seed = 8, .first_index = 5};
  const torch::Tensor normalised = Infidelity(oracle, x, phi, torch::tensor(0), options);
  InfidelityOptions raw = options;
  raw.normalise = false;
  const torch::Tensor plain = Infidelity(oracle, x, phi, torch::tensor(0), raw);
  for (int64_t i = 0; i < 2; ++i) {
    const std::vector<double> av = Values(a), xv = Values(x[i]), pv = Values(phi[i]);
    const std::vector<double> noise = Values(GaussianDraws(8, 5 + i, 40, 9, 0.5));
    std::vector<double> explained, change;
    for (int64_t s = 0; s < 40; ++s) {
      double e = 0, df = 0;
      for (int64_t j = 0; j < 9; ++j) {
        const double eps = noise[s * 9 + j], moved = xv[j] - eps;
        e += pv[j] * eps;
        df += av[j] * (xv[j] * xv[j] - moved * moved);
      }
      explained.push_back(e);
      change.push_back(df);
    }
    double num = 0, den = 0, beta_error = 0, error = 0;
    for (int64_t s = 0; s < 40; ++s) {
      num += explained[s] * change[s];
      den += explained[s] * explained[s];
    }
    for (int64_t s = 0; s < 40; ++s) {
      beta_error += std::pow(num / den * explained[s] - change[s], 2) / 40;
      error += std::pow(explained[s] - change[s], 2) / 40;
    }
    EXPECT_NEAR(normalised[i].item<double>(), beta_error, 1e-12 * beta_error) << "point " << i;
    EXPECT_NEAR(plain[i].item<double>(), error, 1e-12 * error) << "point " << i;
    EXPECT_LE(beta_error, error) << "beta* is optimal, so beta = 1 cannot beat it";
  }
  // A zero explanation has beta = 0: its normalised infidelity is mean Δf².
  const torch::Tensor zero = Infidelity(oracle, x, torch::zeros_like(x), torch::tensor(0), options);
  EXPECT_TRUE(AllClose(zero, Infidelity(oracle, x, torch::zeros_like(x), torch::tensor(0), raw), 0));
  EXPECT_TRUE(torch::isfinite(zero).all().item<bool>());
}

TEST(ImageInfidelity, RemovalPerturbationsScoreOutputUnitExplanations) {
  LinearImages m(2, 4, 4, 80);
  const torch::Tensor b = torch::full({2, 4, 4}, 0.5, torch::kDouble);
  const torch::Tensor occlusion = m.TargetWeights() * (m.x - b);  // = gradient x (input - b)
  for (const std::string kind : {"square", "subset"}) {
    const InfidelityOptions options{.perturbation = kind, .patch_size = 2,
                                    .removal_probability = 0.3, .baseline = {.value = 0.5},
                                    .samples = 30, .seed = 1};
    InfidelityOptions raw = options;
    raw.normalise = false;
    EXPECT_LT(test::MaxAbs(Infidelity(m.oracle, m.x, occlusion, m.targets, raw)), 1e-10) << kind;
    EXPECT_LT(test::MaxAbs(Infidelity(m.oracle, m.x, -4 * occlusion, m.targets, options)), 1e-10)
        << kind;
    // The gradient is in the wrong units for removals.
    EXPECT_GT(Infidelity(m.oracle, m.x, m.TargetWeights(), m.targets, options).min().item<double>(),
              1e-4)
        << kind;
  }
  // Removing everything (patch = image, or probability 1) is deterministic:
  // infidelity = (sum Phi - (f(x) - f(b)))² for any Phi.
  const torch::Tensor phi = RandomNormal({3, 2, 4, 4}, 800);
  for (const InfidelityOptions& options :
       {InfidelityOptions{.perturbation = "square", .patch_size = 4, .baseline = {.value = 0.5},
                          .samples = 3, .normalise = false},
        InfidelityOptions{.perturbation = "subset", .removal_probability = 1.0,
                          .baseline = {.value = 0.5}, .samples = 3, .normalise = false}}) {
    const torch::Tensor infd = Infidelity(m.oracle, m.x, phi, m.targets, options);
    for (int64_t i = 0; i < 3; ++i) {
      const double gap = phi[i].sum().item<double>() - (m.F(i, m.x[i]) - m.F(i, b));
      EXPECT_NEAR(infd[i].item<double>(), gap * gap, 1e-12) << options.perturbation;
    }
  }
}

TEST(ImageInfidelity, RemovalDrawsFollowTheDocumentedStream) {
  // f(x) = sum_p 2^p x_p on 1 x 3 x 4 images, x = 1, b = 0, Phi = 0, not normalised: each sample
  // contributes (sum of 2^p over the removed pixels)², so the value pins down every draw.
  auto calls = std::make_shared<int64_t>(0);
  const torch::Tensor powers = torch::pow(2.0, torch::arange(12, torch::kDouble));
  Oracle oracle(LinearImageModel(powers.view({1, 1, 3, 4}), {0.0}, calls));
  const torch::Tensor x = torch::ones({2, 1, 3, 4}, torch::kDouble);
  const torch::Tensor phi = torch::zeros({2, 12}, torch::kDouble);
  const uint64_t seed = 6;
  const int64_t samples = 7, first_index = 3;
  const auto expected = [&](const std::string& kind, int64_t i) {
    Generator rng(StreamSeed(seed, first_index + i, Component::kMetric));
    double total = 0;
    for (int64_t s = 0; s < samples; ++s) {
      double removed = 0;
      if (kind == "square") {  // 2 x 2 patch: corner row in 0..1, then column in 0..2
        const int64_t r0 = boost::random::uniform_int_distribution<int64_t>(0, 1)(rng);
        const int64_t c0 = boost::random::uniform_int_distribution<int64_t>(0, 2)(rng);
        for (int64_t r = r0; r < r0 + 2; ++r)
          for (int64_t c = c0; c < c0 + 2; ++c) removed += std::pow(2.0, r * 4 + c);
      } else {
        boost::random::bernoulli_distribution<double> bit(0.4);
        for (int64_t p = 0; p < 12; ++p)
          if (bit(rng)) removed += std::pow(2.0, p);
      }
      total += removed * removed;
    }
    return total / samples;
  };
  for (const std::string kind : {"square", "subset"}) {
    const torch::Tensor infd = Infidelity(
        oracle, x, phi, torch::tensor(0),
        {.perturbation = kind, .patch_size = 2, .removal_probability = 0.4, .samples = samples,
         .normalise = false, .seed = seed, .first_index = first_index});
    for (int64_t i = 0; i < 2; ++i) EXPECT_EQ(infd[i].item<double>(), expected(kind, i)) << kind;
  }
}

TEST(ImageInfidelity, SeedsAndBatchLayoutDoNotChangeTheValues) {
  LinearImages m(2, 4, 4, 90);
  const torch::Tensor wrong = m.TargetWeights() + RandomNormal({3, 2, 4, 4}, 900);
  for (const std::string kind : {"gaussian", "square"}) {
    const InfidelityOptions options{.perturbation = kind, .patch_size = 3, .samples = 20,
                                    .seed = 12};
    *m.calls = 0;
    m.oracle.ResetQueries();
    const torch::Tensor together = Infidelity(m.oracle, m.x, wrong, m.targets, options);
    EXPECT_EQ(*m.calls, 2) << "f(x), then every point and sample in one call";
    EXPECT_EQ(m.oracle.value_queries(), 3 + 3 * 20);
    EXPECT_TRUE(AllClose(Infidelity(m.oracle, m.x, wrong, m.targets, options), together, 0));
    InfidelityOptions other = options;
    other.seed = 13;
    EXPECT_FALSE(AllClose(Infidelity(m.oracle, m.x, wrong, m.targets, other), together, 1e-6));
    for (int64_t i = 0; i < 3; ++i) {
      InfidelityOptions alone = options;
      alone.first_index = i;
      const torch::Tensor one = Infidelity(m.oracle, m.x.slice(0, i, i + 1),
                                           wrong.slice(0, i, i + 1), m.targets[i], alone);
      EXPECT_NEAR(one[0].item<double>(), together[i].item<double>(), 1e-12) << kind << " " << i;
    }
    // Budgets of one point per call, and of 6 samples per call (a point's stream read on).
    for (const int64_t budget : {20 * 32, 6 * 32}) {
      InfidelityOptions small = options;
      small.max_perturbed_elements = budget;
      *m.calls = 0;
      EXPECT_TRUE(AllClose(Infidelity(m.oracle, m.x, wrong, m.targets, small), together, 1e-12))
          << kind << " budget " << budget;
      EXPECT_EQ(*m.calls, budget == 20 * 32 ? 1 + 3 : 1 + 3 * 4);
    }
  }
}

// ---- bad inputs ---------------------------------------------------------------------------------

TEST(ImageMetricsErrors, BadInputsAreRejectedByName) {
  LinearImages m(2, 4, 4, 100);
  const torch::Tensor& x = m.x;
  const torch::Tensor& t = m.targets;
  const auto deletion = [&](const torch::Tensor& maps, const DeletionOptions& o) {
    return [&, maps, o] { DeletionCurve(m.oracle, x, maps, t, o); };
  };
  const auto infidelity = [&](const torch::Tensor& inputs, const torch::Tensor& attributions,
                              const InfidelityOptions& o) {
    return [&, inputs, attributions, o] { Infidelity(m.oracle, inputs, attributions, t, o); };
  };
  const torch::Tensor maps = x.sum(1);
  EXPECT_THAT(deletion(torch::zeros({3, 15}), {}),
              ThrowsMessage<InvalidInput>(HasSubstr("maps have 15 values per image")));
  EXPECT_THAT(deletion(torch::zeros({2, 4, 4}), {}),
              ThrowsMessage<InvalidInput>(HasSubstr("one row per image (N = 3)")));
  EXPECT_THAT(deletion(maps, {.pixels_per_step = 0}),
              ThrowsMessage<InvalidInput>(HasSubstr("deletion: pixels_per_step must be >= 1, got 0")));
  EXPECT_THAT([&] { InsertionCurve(m.oracle, x, maps, t, {.pixels_per_step = -3}); },
              ThrowsMessage<InvalidInput>(HasSubstr("insertion: pixels_per_step must be >= 1, got -3")));
  EXPECT_THAT(deletion(maps, {.baseline = {.kind = "blur", .sigma = 0}}),
              ThrowsMessage<InvalidInput>(HasSubstr("blur sigma must be finite and > 0, got 0")));
  EXPECT_THAT(deletion(maps, {.baseline = {.kind = "grey"}}),
              ThrowsMessage<InvalidInput>(HasSubstr("'grey'")));
  EXPECT_THAT(deletion(maps, {.baseline = {.kind = "mean", .mean = torch::zeros({5})}}),
              ThrowsMessage<InvalidInput>(HasSubstr("the mean has 5 values")));
  EXPECT_THAT(deletion(maps, {.baseline = {.kind = "mean"}}),
              ThrowsMessage<InvalidInput>(HasSubstr("needs the mean tensor")));
  torch::Tensor nan_maps = maps.clone();
  nan_maps[2][1][1] = std::nan("");
  EXPECT_THAT(deletion(nan_maps, {}), ThrowsMessage<InvalidInput>(HasSubstr("image 2")));
  EXPECT_THAT([&] { DeletionCurve(m.oracle, x.reshape({3, -1}), maps, t, {}); },
              ThrowsMessage<InvalidInput>(HasSubstr("[N, C, H, W], got shape [3, 32]")));
  EXPECT_THAT([] { GaussianKernel1d(-1); },
              ThrowsMessage<InvalidInput>(HasSubstr("sigma must be finite and > 0 (pixels), got -1")));

  EXPECT_THAT(infidelity(x, x, {.sigma = 0}),
              ThrowsMessage<InvalidInput>(HasSubstr("infidelity: sigma must be finite and > 0, got 0")));
  EXPECT_THAT(infidelity(x, x, {.samples = 0}),
              ThrowsMessage<InvalidInput>(HasSubstr("samples must be >= 1, got 0")));
  EXPECT_THAT(infidelity(x, x, {.perturbation = "blur"}),
              ThrowsMessage<InvalidInput>(HasSubstr("'blur'")));
  EXPECT_THAT(infidelity(x, x, {.perturbation = "square", .patch_size = 5}),
              ThrowsMessage<InvalidInput>(HasSubstr("patch_size = 5 does not fit")));
  EXPECT_THAT(infidelity(x, x, {.perturbation = "square", .patch_size = 0}),
              ThrowsMessage<InvalidInput>(HasSubstr("patch_size must be >= 1, got 0")));
  EXPECT_THAT(infidelity(x, x, {.perturbation = "subset", .removal_probability = 1.5}),
              ThrowsMessage<InvalidInput>(HasSubstr("removal_probability must be in (0, 1], got 1.5")));
  EXPECT_THAT(infidelity(x, x, {.first_index = -1}),
              ThrowsMessage<InvalidInput>(HasSubstr("first_index must be >= 0, got -1")));
  EXPECT_THAT(infidelity(x, maps, {}),
              ThrowsMessage<InvalidInput>(HasSubstr("D = 32")));
  EXPECT_THAT(infidelity(x.reshape({3, -1}), x.reshape({3, -1}), {.perturbation = "square"}),
              ThrowsMessage<InvalidInput>(HasSubstr("got inputs of shape [3, 32]")));
  torch::Tensor nan_attr = x.clone();
  nan_attr[1][0][0][0] = std::nan("");
  EXPECT_THAT(infidelity(x, nan_attr, {}), ThrowsMessage<InvalidInput>(HasSubstr("point 1")));

  std::string error;
  EXPECT_TRUE(DeletionOptions{}.IsValid(&error));
  EXPECT_TRUE(InfidelityOptions{}.IsValid(&error));
  EXPECT_FALSE((InfidelityOptions{.max_perturbed_elements = 0}.IsValid(&error)));
  EXPECT_THAT(error, HasSubstr("max_perturbed_elements must be >= 1, got 0"));
}

}  // namespace
}  // namespace lfa
