// Sliding-window occlusion (explainers/occlusion.h) against answers worked out by hand or by plain
// loops that follow Captum's documented rule (K = ceil((n - w) / s) + 1 window corners per
// dimension, the last one cut off at the border; every element gets the mean drop f(x) - f(x^(p))
// over the windows that cover it):
//   - a 1 x 1 window with stride 1 is the exact per-pixel removal effect, equal to ExactOcclusion;
//   - 1-D cases small enough to write the answer as literal numbers, with and without a cut-off
//     last window;
//   - a 3 x 3 window with stride 2 on 8 x 8 images (which it does not tile), windows that slide
//     over channels, and a blurred baseline, against the loops;
//   - for f(x) = a.x + c: a (x - b) per element for 1 x 1 windows, the tile sum for a tiling;
//   - batching (a point alone = in a batch; P + 1 queries per point) and the errors.

#include "explainers/occlusion.h"
#include "models/analytic_model.h"
#include "neighbourhoods/baseline.h"

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "neighbourhoods/gaussian_blur.h"
#include "framework/oracle.h"
#include "metrics/exact.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using Function = std::function<torch::Tensor(const torch::Tensor&)>;

// Two outputs with interactions between all elements, so that a window's drop is not the sum of
// its elements' drops: f_0 = sin(A.x) + (B.x)^2, f_1 = tanh(B.x) (A.x).
Function Nonlinear(const std::vector<int64_t>& shape, uint64_t seed) {
  int64_t d = 1;
  for (int64_t s : shape) d *= s;
  const torch::Tensor a = test::RandomNormal({d}, seed) / std::sqrt(double(d));
  const torch::Tensor b = test::RandomNormal({d}, seed + 1) / std::sqrt(double(d));
  return [a, b](const torch::Tensor& x) {
    const torch::Tensor flat = x.reshape({x.size(0), -1}).to(torch::kDouble);
    const torch::Tensor u = flat.matmul(a), v = flat.matmul(b);
    return torch::stack({torch::sin(u) + v.square(), torch::tanh(v) * u}, 1);
  };
}

std::shared_ptr<Model> AsModel(const Function& f, const std::vector<int64_t>& shape) {
  return std::make_shared<AnalyticModel>(shape, f, "test function");
}

// Captum's occlusion of one [C, H, W] image written as loops over the window corners.
torch::Tensor LoopOcclusion(const Function& f, int64_t target, const torch::Tensor& x,
                            const torch::Tensor& b, std::array<int64_t, 3> window,
                            std::array<int64_t, 3> stride) {
  const double fx = f(x.unsqueeze(0))[0][target].item<double>();
  torch::Tensor sums = torch::zeros_like(x), counts = torch::zeros_like(x);
  std::array<int64_t, 3> size = {x.size(0), x.size(1), x.size(2)};
  for (int64_t c0 = 0;; c0 += stride[0]) {
    for (int64_t h0 = 0;; h0 += stride[1]) {
      for (int64_t w0 = 0;; w0 += stride[2]) {
        const auto region = [&](const torch::Tensor& t) {
          return t.slice(0, c0, std::min(c0 + window[0], size[0]))
              .slice(1, h0, std::min(h0 + window[1], size[1]))
              .slice(2, w0, std::min(w0 + window[2], size[2]));
        };
        torch::Tensor occluded = x.clone();
        region(occluded).copy_(region(b));
        const double drop = fx - f(occluded.unsqueeze(0))[0][target].item<double>();
        region(sums).add_(drop);
        region(counts).add_(1.0);
        if (w0 + window[2] >= size[2]) break;
      }
      if (h0 + window[1] >= size[1]) break;
    }
    if (c0 + window[0] >= size[0]) break;
  }
  return (sums / counts).reshape({-1});
}

Explanation Occlude(Oracle& oracle, const torch::Tensor& x, const torch::Tensor& targets,
                    SlidingWindowOptions options) {
  return SlidingWindowOcclusion(std::move(options)).Explain(oracle, MakePointBatch(x, 0), targets);
}

TEST(SlidingWindowOcclusion, OneByOneWindowIsThePerPixelRemovalEffect) {
  const std::vector<int64_t> shape = {1, 6, 6};
  const Function f = Nonlinear(shape, 1);
  Oracle oracle(AsModel(f, shape));
  const torch::Tensor x = test::RandomUniform({3, 1, 6, 6}, 0.0, 1.0, 2);
  const torch::Tensor targets = torch::tensor({0, 1, 0}, torch::kLong);
  const double b = 0.3;
  const Explanation e = Occlude(oracle, x, targets, {.window = {1, 1}, .baseline = b});
  // f(x) - f(x with pixel j at b), pixel by pixel.
  torch::Tensor expected = torch::empty({3, 36}, torch::kDouble);
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t t = targets[i].item<int64_t>();
    const double fx = f(x.slice(0, i, i + 1))[0][t].item<double>();
    for (int64_t j = 0; j < 36; ++j) {
      torch::Tensor removed = x.slice(0, i, i + 1).clone();
      removed.view({-1})[j] = b;
      expected[i][j] = fx - f(removed)[0][t].item<double>();
    }
  }
  EXPECT_TRUE(AllClose(e.attributions, expected, 1e-13));
  EXPECT_EQ(e.attributions.sizes(), (std::vector<int64_t>{3, 36}));
  EXPECT_EQ(e.model_queries, 3 * (36 + 1));
  EXPECT_TRUE(torch::isnan(e.loss).all().item<bool>());
  EXPECT_TRUE(AllClose(e.attributions,
                       ExactOcclusion(oracle, MakePointBatch(x, 0), targets, b).attributions, 1e-13));
  // The same through the recipes, and equal to the classic per-feature occlusion.
  const auto classic = [&](RecipeOptions options) {
    return MakeExplainer("occlusion", options, Implementation::kClassic)
        ->Explain(oracle, MakePointBatch(x, 0), targets);
  };
  const Explanation recipe = classic({.baseline = b, .sliding_window = {1, 1}, .strides = {1, 1}});
  EXPECT_EQ(recipe.method, "occlusion_classic");
  EXPECT_TRUE(AllClose(recipe.attributions, expected, 1e-13));
  EXPECT_TRUE(AllClose(classic({.baseline = b}).attributions, expected, 1e-13));
}

TEST(SlidingWindowOcclusion, OneByOneWindowOnChannelsIsTheRemovalOfAPixelOrOfAnElement) {
  const std::vector<int64_t> shape = {2, 4, 4};
  Oracle oracle(AsModel(Nonlinear(shape, 3), shape));
  const torch::Tensor x = test::RandomNormal({2, 2, 4, 4}, 4);
  const torch::Tensor targets = Targets(1, 2);
  const PointBatch points = MakePointBatch(x, 0);
  // (1, 1) covers both channels of a pixel: one-pixel patches shared across channels.
  const torch::Tensor pixel = ExactOcclusion(oracle, points, targets, -0.5, FeatureGroups::Patches(1))
                                  .attributions;                                    // [2, 16]
  const torch::Tensor per_pixel = pixel.view({2, 1, 16}).expand({2, 2, 16}).reshape({2, 32});
  EXPECT_TRUE(AllClose(Occlude(oracle, x, targets, {.window = {1, 1}, .baseline = -0.5}).attributions,
                       per_pixel, 1e-13));
  // (1, 1, 1) removes one element at a time.
  EXPECT_TRUE(AllClose(Occlude(oracle, x, targets, {.window = {1, 1, 1}, .baseline = -0.5}).attributions,
                       ExactOcclusion(oracle, points, targets, -0.5).attributions, 1e-13));
}

TEST(SlidingWindowOcclusion, OneDimensionalCasesWorkedOutByHand) {
  // f(x) = w.x with w = (1, 2, 3, 4, 5), x = 1, baseline 0: a window's drop is the sum of its w.
  Oracle oracle(AnalyticModel::Linear(torch::tensor({1.0, 2.0, 3.0, 4.0, 5.0}, torch::kDouble), 0.0));
  const torch::Tensor x = torch::ones({1, 5}, torch::kDouble);
  // Window 3, stride 2: K = ceil(2 / 2) + 1 = 2 windows, [0, 3) drops 6 and [2, 5) drops 12;
  // element 2 is in both: (6 + 12) / 2 = 9.
  EXPECT_TRUE(AllClose(Occlude(oracle, x, Targets(0, 1), {.window = {3}, .strides = {2}}).attributions,
                       torch::tensor({{6.0, 6.0, 9.0, 12.0, 12.0}}, torch::kDouble), 1e-14));
  // Window 2, stride 2: K = ceil(3 / 2) + 1 = 3 windows, [0, 2), [2, 4) and [4, 6) cut off to [4, 5).
  const Explanation cut = Occlude(oracle, x, Targets(0, 1), {.window = {2}, .strides = {2}});
  EXPECT_TRUE(AllClose(cut.attributions,
                       torch::tensor({{3.0, 3.0, 7.0, 7.0, 5.0}}, torch::kDouble), 1e-14));
  EXPECT_EQ(cut.model_queries, 3 + 1);
  // Window 2, stride 1: windows [0,2) 3, [1,3) 5, [2,4) 7, [3,5) 9.
  EXPECT_TRUE(AllClose(Occlude(oracle, x, Targets(0, 1), {.window = {2}}).attributions,
                       torch::tensor({{3.0, 4.0, 6.0, 8.0, 9.0}}, torch::kDouble), 1e-14));
  // The window covering everything: each element gets f(x) - f(b) = 15.
  EXPECT_TRUE(AllClose(Occlude(oracle, x, Targets(0, 1), {.window = {5}, .strides = {7}}).attributions,
                       torch::full({1, 5}, 15.0, torch::kDouble), 1e-14));
}

TEST(SlidingWindowOcclusion, WindowThatDoesNotTileTheImageMatchesTheLoops) {
  const std::vector<int64_t> shape = {1, 8, 8};
  const Function f = Nonlinear(shape, 5);
  Oracle oracle(AsModel(f, shape));
  const torch::Tensor x = test::RandomUniform({2, 1, 8, 8}, -1.0, 1.0, 6);
  const torch::Tensor targets = torch::tensor({1, 0}, torch::kLong);
  const Explanation e =
      Occlude(oracle, x, targets, {.window = {3, 3}, .strides = {2, 2}, .baseline = 0.1});
  EXPECT_EQ(e.model_queries, 2 * (4 * 4 + 1));  // corners 0, 2, 4, 6 in each direction
  for (int64_t i = 0; i < 2; ++i) {
    const torch::Tensor expected = LoopOcclusion(f, targets[i].item<int64_t>(), x[i],
                                                 torch::full_like(x[i], 0.1), {1, 3, 3}, {1, 2, 2});
    EXPECT_TRUE(AllClose(e.attributions[i], expected, 1e-13)) << "image " << i;
  }
  // The windows and their coverage: row 7 is covered by the cut-off window at 6 only, rows 2, 4
  // and 6 by two windows.
  const SlidingWindows windows({1, 8, 8}, {.window = {3, 3}, .strides = {2, 2}});
  EXPECT_EQ(windows.count(), 16);
  const torch::Tensor coverage = windows.Coverage().view({8, 8});
  const torch::Tensor per_row = torch::tensor({1.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0}, torch::kDouble);
  EXPECT_TRUE(AllClose(coverage, per_row.unsqueeze(1) * per_row.unsqueeze(0), 0.0));
  EXPECT_TRUE(AllClose(windows.Masks(0, 16).to(torch::kDouble).sum(0).view({8, 8}), coverage, 0.0));
  EXPECT_EQ(windows.Masks(15, 16).sum().item<int64_t>(), 4);  // the corner window, cut to 2 x 2
}

TEST(SlidingWindowOcclusion, WindowsSlideOverChannelsAndTakeABlurredBaseline) {
  const std::vector<int64_t> shape = {3, 4, 5};
  const Function f = Nonlinear(shape, 7);
  Oracle oracle(AsModel(f, shape));
  const torch::Tensor x = test::RandomUniform({2, 3, 4, 5}, 0.0, 1.0, 8);
  const torch::Tensor targets = Targets(0, 2);
  const Explanation channels =
      Occlude(oracle, x, targets, {.window = {2, 2, 2}, .strides = {2, 2}});  // channel stride 1
  const Explanation blurred = Occlude(oracle, x, targets,
                                      {.window = {2, 3}, .strides = {2, 2}, .baseline = Baseline::Blur(1.0)});
  const torch::Tensor blur = GaussianBlur(x, 1.0);
  for (int64_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(AllClose(channels.attributions[i],
                         LoopOcclusion(f, 0, x[i], torch::zeros_like(x[i]), {2, 2, 2}, {1, 2, 2}),
                         1e-13));
    EXPECT_TRUE(AllClose(blurred.attributions[i],
                         LoopOcclusion(f, 0, x[i], blur[i], {3, 2, 3}, {1, 2, 2}), 1e-13));
  }
}

TEST(SlidingWindowOcclusion, LinearModelGivesTheSpreadOrItsTileSum) {
  const torch::Tensor a = test::RandomNormal({36}, 9);
  Oracle oracle(std::make_shared<AnalyticModel>(
      std::vector<int64_t>{1, 6, 6},
      [a](const torch::Tensor& x) { return x.reshape({x.size(0), -1}).matmul(a).unsqueeze(1) + 0.7; },
      "linear image model"));
  const torch::Tensor x = test::RandomNormal({3, 1, 6, 6}, 10);
  const torch::Tensor spread = a * (x.reshape({3, 36}) - 0.2);
  EXPECT_TRUE(AllClose(Occlude(oracle, x, Targets(0, 3), {.window = {1, 1}, .baseline = 0.2}).attributions,
                       spread, 1e-12));
  // 3 x 2 tiles (window = stride): every element gets the sum of its tile.
  const torch::Tensor tiles = spread.view({3, 2, 3, 3, 2}).sum({2, 4}, true).expand({3, 2, 3, 3, 2});
  EXPECT_TRUE(AllClose(
      Occlude(oracle, x, Targets(0, 3), {.window = {3, 2}, .strides = {3, 2}, .baseline = 0.2})
          .attributions,
      tiles.reshape({3, 36}), 1e-12));
}

TEST(SlidingWindowOcclusion, APointAloneGetsWhatItGetsInABatch) {
  const std::vector<int64_t> shape = {1, 5, 5};
  Oracle oracle(AsModel(Nonlinear(shape, 11), shape));
  const torch::Tensor x = test::RandomNormal({4, 1, 5, 5}, 12);
  const torch::Tensor targets = torch::tensor({0, 1, 1, 0}, torch::kLong);
  const SlidingWindowOcclusion occlusion({.window = {2, 2}, .strides = {1, 2}});
  std::vector<std::pair<int64_t, int64_t>> progress;
  const Explanation batch = occlusion.Explain(oracle, MakePointBatch(x, 0), targets,
                                              [&](int64_t done, int64_t total) {
                                                progress.push_back({done, total});
                                              });
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(int64_t{4}, int64_t{4}));
  EXPECT_EQ(batch.model_queries, 4 * (4 * 3 + 1));
  for (int64_t i = 0; i < 4; ++i) {
    const Explanation alone = occlusion.Explain(oracle, MakePointBatch(x.slice(0, i, i + 1), 0, i),
                                                targets.slice(0, i, i + 1));
    EXPECT_TRUE(AllClose(alone.attributions[0], batch.attributions[i], 0.0)) << i;
  }
}

TEST(SlidingWindowOcclusion, BadWindowsAreErrorsNamingTheValues) {
  Oracle oracle(AsModel(Nonlinear({1, 6, 6}, 13), {1, 6, 6}));
  const torch::Tensor x = torch::zeros({1, 1, 6, 6}, torch::kDouble);
  const auto message = [&](SlidingWindowOptions options) -> std::string {
    try {
      Occlude(oracle, x, Targets(0, 1), std::move(options));
    } catch (const InvalidInput& e) {
      return e.what();
    }
    return "(accepted)";
  };
  EXPECT_NE(message({.window = {7, 2}}).find("exceeds"), std::string::npos);
  EXPECT_NE(message({.window = {2, 2}, .strides = {3, 1}}).find("stride 3"), std::string::npos);
  EXPECT_NE(message({.window = {1, 1, 1, 1}}).find("more dimensions"), std::string::npos);
  EXPECT_NE(message({.window = {0, 2}}).find("(0, 2)"), std::string::npos);
  EXPECT_NE(message({.window = {2}, .strides = {1, 1}}).find("more entries"), std::string::npos);
  EXPECT_NE(message({}).find("empty"), std::string::npos);
  // A stride larger than a window that spans its whole dimension is harmless (one position).
  EXPECT_EQ(message({.window = {6, 6}, .strides = {9, 9}}), "(accepted)");

  // Through the recipes.
  EXPECT_THROW(MakeExplainer("occlusion", {.sliding_window = {2, 2}}), InvalidInput);  // LFA
  EXPECT_THROW(MakeExplainer("lime", {.sliding_window = {2, 2}}, Implementation::kClassic),
               InvalidInput);
  EXPECT_THROW(MakeExplainer("occlusion", {.groups = FeatureGroups::Patches(2), .sliding_window = {2, 2}},
                             Implementation::kClassic),
               InvalidInput);
  EXPECT_THROW(MakeExplainer("occlusion", {.strides = {2, 2}}, Implementation::kClassic),
               InvalidInput);
  EXPECT_THROW(MakeExplainer("occlusion", {.sliding_window = {2, -1}}, Implementation::kClassic),
               InvalidInput);
}

TEST(Occlusion, LfaOcclusionWithABlurBaselineReplacesEachPatchByItsBlur) {
  const std::vector<int64_t> shape = {1, 6, 6};
  const Function f = Nonlinear(shape, 14);
  Oracle oracle(AsModel(f, shape));
  const torch::Tensor x = test::RandomUniform({2, 1, 6, 6}, 0.0, 1.0, 15);
  const torch::Tensor blur = GaussianBlur(x, 1.5);
  const FeatureGroups patches = FeatureGroups::Patches(3);  // 2 x 2 patches of 3 x 3
  torch::Tensor expected = torch::empty({2, 4}, torch::kDouble);
  const torch::Tensor fx = f(x).select(1, 0);
  for (int64_t row = 0; row < 2; ++row)
    for (int64_t col = 0; col < 2; ++col) {
      torch::Tensor occluded = x.clone();
      const auto patch = [&](const torch::Tensor& t) {
        return t.slice(2, 3 * row, 3 * row + 3).slice(3, 3 * col, 3 * col + 3);
      };
      patch(occluded).copy_(patch(blur));
      expected.select(1, 2 * row + col).copy_(fx - f(occluded).select(1, 0));
    }
  const RecipeOptions options{.samples = 64, .baseline = Baseline::Blur(1.5), .groups = patches};
  for (Implementation implementation : {Implementation::kLfa, Implementation::kClassic}) {
    const Explanation e = MakeExplainer("occlusion", options, implementation)
                              ->Explain(oracle, MakePointBatch(x, 3), Targets(0, 2));
    EXPECT_TRUE(AllClose(e.attributions, expected, 1e-10));
  }
  // The blur baseline appears in the recipe's spec.
  EXPECT_EQ(RecipeSpec("occlusion", options)["neighbourhood"]["baseline"],
            (nlohmann::json{{"type", "blur"}, {"sigma", 1.5}}));
}

}  // namespace
}  // namespace lfa
