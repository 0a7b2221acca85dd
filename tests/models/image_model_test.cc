// Image-shaped inputs [N, 1, 8, 8] go through the same code as tabular rows: a tiny CNN built with
// torch::nn (Conv2d -> ReLU -> Flatten -> Linear), wrapped by MakeModuleModel. Gradient methods
// give one attribution per pixel (d = 64) equal to what autograd computes directly on the network;
// mask methods with 4x4 patches give one per patch (d = 4); occlusion of a patch is the drop of f
// when that patch is zeroed by hand.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/nn.h>

#include "explainers/builtin_registry.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "framework/registry.h"
#include "models/module_model.h"
#include "neighbourhoods/gaussian.h"
#include "neighbourhoods/scale_path.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;

class ImageTest : public ::testing::Test {
 protected:
  static constexpr int64_t kN = 3, kTarget = 1;

  ImageTest() {
    torch::manual_seed(3);  // the modules' initial weights
    net_ = torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 3, 3).padding(1)),
                                 torch::nn::ReLU(), torch::nn::Flatten(),
                                 torch::nn::Linear(3 * 64, 2));
    net_->to(torch::kDouble);
    oracle_ = std::make_unique<Oracle>(MakeModuleModel(net_, {1, 8, 8}, "tiny CNN"));
  }

  // d f_target / d pixels by autograd on the network itself: [M, 64].
  torch::Tensor AutogradGradient(const torch::Tensor& images) {
    torch::Tensor in = images.detach().clone().requires_grad_(true);
    net_->forward(in).select(1, kTarget).sum().backward();
    return in.grad().reshape({images.size(0), -1});
  }
  torch::Tensor Forward(const torch::Tensor& images) {
    torch::NoGradGuard no_grad;
    return net_->forward(images).select(1, kTarget);
  }
  Explanation Explain(const std::string& method, RecipeOptions options,
                      Implementation implementation = Implementation::kLfa, uint64_t seed = 0) {
    return MakeExplainer(method, options, implementation)
        ->Explain(*oracle_, MakePointBatch(x_, seed), Targets(kTarget, kN));
  }

  torch::nn::Sequential net_{nullptr};
  std::unique_ptr<Oracle> oracle_;
  const torch::Tensor x_ = test::RandomUniform({kN, 1, 8, 8}, 0.0, 1.0, 5);
};

TEST_F(ImageTest, ClassicGradientIsAutogradsPerPixelGradient) {
  const torch::Tensor expected = AutogradGradient(x_);
  ASSERT_GT(test::MaxAbs(expected), 0.0);
  const Explanation gradient = Explain("gradient", {}, Implementation::kClassic);
  EXPECT_EQ(gradient.attributions.sizes(), (std::vector<int64_t>{kN, 64}));
  EXPECT_EQ(gradient.input_shape, (std::vector<int64_t>{1, 8, 8}));
  EXPECT_TRUE(AllClose(gradient.attributions, expected, 1e-12));
  EXPECT_EQ(gradient.AttributionMaps().sizes(), (std::vector<int64_t>{kN, 1, 8, 8}));
  const Explanation gxi = Explain("gradient_x_input", {}, Implementation::kClassic);
  EXPECT_TRUE(AllClose(gxi.attributions, x_.reshape({kN, -1}) * expected, 1e-12));
}

TEST_F(ImageTest, LfaGradientWithTinyNoiseIsTheGradient) {
  const auto explainer =
      DefaultRegistry().Build({{"neighbourhood", {{"type", "gaussian"}, {"sigma", 1e-7}}},
                               {"loss", {{"type", "gradient_matching"}}},
                               {"surrogate", {{"type", "linear"}, {"intercept", false}}},
                               {"samples", 8}});
  const Explanation e = explainer->Explain(*oracle_, MakePointBatch(x_, 1), Targets(kTarget, kN));
  EXPECT_TRUE(AllClose(e.attributions, AutogradGradient(x_), 1e-9));
}

TEST_F(ImageTest, SmoothGradIsTheMeanAutogradGradientOverTheSameNoise) {
  const int64_t samples = 16;
  const PointBatch points = MakePointBatch(x_, 4);
  const torch::Tensor xi =
      GaussianNeighbourhood({.sigma = 0.1, .antithetic = true}).Sample(points, samples).xi;  // the recipe's noise
  const torch::Tensor noisy = (x_.reshape({kN, 1, 64}) + xi).reshape({kN * samples, 1, 8, 8});
  const torch::Tensor expected = AutogradGradient(noisy).reshape({kN, samples, 64}).mean(1);
  EXPECT_TRUE(
      AllClose(Explain("smoothgrad", {.samples = samples, .sigma = 0.1}, Implementation::kLfa, 4)
                   .attributions,
               expected, 1e-12));
}

TEST_F(ImageTest, IntegratedGradientsIsInputTimesTheMeanGradientOnThePath) {
  const int64_t samples = 16;
  const PointBatch points = MakePointBatch(x_, 6);
  const torch::Tensor t =
      ScalePathNeighbourhood().Sample(points, samples).xi.select(2, 0);  // [N, S]
  const torch::Tensor path =
      (t.view({kN, samples, 1}) * x_.reshape({kN, 1, 64})).reshape({kN * samples, 1, 8, 8});
  const torch::Tensor expected =
      x_.reshape({kN, 64}) * AutogradGradient(path).reshape({kN, samples, 64}).mean(1);
  const Explanation ig =
      Explain("integrated_gradients", {.samples = samples}, Implementation::kLfa, 6);
  EXPECT_TRUE(AllClose(ig.attributions, expected, 1e-12));
  // With 4x4 patches the same path gives the per-patch sums of the pixel attributions.
  const Explanation patches =
      Explain("integrated_gradients", {.samples = samples, .groups = FeatureGroups::Patches(4)},
              Implementation::kLfa, 6);
  const torch::Tensor ids = FeatureGroups::Patches(4).Resolve({1, 8, 8});
  const torch::Tensor summed = torch::zeros({kN, 4}, torch::kDouble).index_add_(1, ids, expected);
  EXPECT_TRUE(AllClose(patches.attributions, summed, 1e-12));
}

TEST_F(ImageTest, MaskMethodsWithPatchesExplainOneFeaturePerPatch) {
  const RecipeOptions options{.samples = 200, .groups = FeatureGroups::Patches(4)};
  for (const char* method : {"lime", "kernelshap", "occlusion"}) {
    for (Implementation implementation : {Implementation::kLfa, Implementation::kClassic}) {
      const Explanation e = Explain(method, options, implementation);
      EXPECT_EQ(e.attributions.sizes(), (std::vector<int64_t>{kN, 4})) << method;
      EXPECT_TRUE(torch::isfinite(e.attributions).all().item<bool>()) << method;
      EXPECT_THROW(e.AttributionMaps(), InvalidInput) << "one attribution per patch, not per pixel";
    }
  }
  // KernelSHAP is efficient: the patch attributions add up to f(x) - f(all patches removed).
  const torch::Tensor gap = Forward(x_) - Forward(torch::zeros_like(x_));
  for (Implementation implementation : {Implementation::kLfa, Implementation::kClassic})
    EXPECT_TRUE(
        AllClose(Explain("kernelshap", options, implementation).attributions.sum(1), gap, 1e-4));
}

TEST_F(ImageTest, OcclusionOfAPatchIsTheDropWhenThePatchIsZeroed) {
  torch::Tensor expected = torch::empty({kN, 4}, torch::kDouble);
  const torch::Tensor fx = Forward(x_);
  for (int64_t row = 0; row < 2; ++row)
    for (int64_t col = 0; col < 2; ++col) {
      torch::Tensor occluded = x_.clone();
      occluded.slice(2, 4 * row, 4 * row + 4).slice(3, 4 * col, 4 * col + 4).zero_();
      expected.select(1, 2 * row + col).copy_(fx - Forward(occluded));
    }
  const RecipeOptions options{.samples = 64, .groups = FeatureGroups::Patches(4)};
  EXPECT_TRUE(AllClose(Explain("occlusion", options).attributions, expected, 1e-12));
  EXPECT_TRUE(AllClose(Explain("occlusion", options, Implementation::kClassic).attributions,
                       expected, 1e-12));
}

}  // namespace
}  // namespace lfa
