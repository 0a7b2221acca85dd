// The image methods behind one name (explainers/image_methods.h): the noisy-gradient ensembles on a
// linear image model, where every gradient is the weight map (SmoothGrad-Squared = W^2, VarGrad =
// 0 exactly), the CAMs against ComputeCam at the chosen layer, the default layer, the options each
// method takes, the error for a model without layers, and the same maps on CUDA when there is one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "experiments/zoo/model_zoo.h"
#include "explainers/cam.h"
#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "models/analytic_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

std::shared_ptr<AnalyticModel> LinearImageModel(const torch::Tensor& w) {
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{1, 5, 5},
      [w](const torch::Tensor& x) { return x.flatten(1).matmul(w.reshape({2, -1}).t()); },
      "linear image");
}

TEST(ImageMethods, NoisyGradientEnsemblesOnALinearModel) {
  const torch::Tensor w = test::RandomNormal({2, 1, 5, 5}, 31);
  Oracle oracle(LinearImageModel(w));
  const torch::Tensor x = test::RandomUniform({3, 1, 5, 5}, 0.0, 1.0, 32);
  const torch::Tensor targets = torch::tensor({0, 1, 1}, torch::kLong);
  const torch::Tensor wt = w.index_select(0, targets);  // [3, 1, 5, 5]
  const ImageMethodOptions options{.samples = 7, .noise_fraction = 0.2};
  EXPECT_TRUE(test::AllClose(
      ComputeImageMap("smoothgrad_squared", oracle, x, targets, options), wt * wt, 1e-12));
  EXPECT_LT(test::MaxAbs(ComputeImageMap("vargrad", oracle, x, targets, options)), 1e-12);
  EXPECT_EQ(oracle.gradient_queries(), 2 * 3 * 7);
  EXPECT_THAT([&] { ComputeImageMap("gradcam", oracle, x, targets, options); },
              ::testing::ThrowsMessage<InvalidInput>(HasSubstr("named layers")));
  EXPECT_THAT([&] { ComputeImageMap("saliency", oracle, x, targets, options); },
              ::testing::ThrowsMessage<InvalidInput>(HasSubstr("'saliency'")));
  EXPECT_TRUE(IsImageMethod("vargrad"));
  EXPECT_FALSE(IsCamMethod("vargrad"));
}

TEST(ImageMethods, CamsAreUpsampledComputeCamMapsAtTheLastSpatialLayer) {
  auto net = std::make_shared<ZooModel>("cnn", 3);
  Oracle oracle(net);
  EXPECT_EQ(LastSpatialLayer(oracle, {1, 28, 28}), "pool2");  // [n, 32, 7, 7]
  const torch::Tensor x = test::RandomUniform({2, 1, 28, 28}, 0.0, 1.0, 33);
  const torch::Tensor targets = torch::tensor({4, 7}, torch::kLong);
  for (const std::string method : {"gradcam", "gradcampp"}) {
    const torch::Tensor map =
        ComputeImageMap(method, oracle, x, targets, {.layer = "relu2"});
    const CamOptions cam{.method = method, .layer = "relu2"};
    const torch::Tensor expected =
        UpsampleToInput(ComputeCam(oracle, MakePointBatch(x, 0), targets, cam), 28, 28);
    ASSERT_EQ(map.sizes(), (c10::IntArrayRef{2, 1, 28, 28})) << method;
    EXPECT_TRUE(test::AllClose(map.squeeze(1), expected, 1e-12)) << method;
    // The default layer is the last spatial one.
    const torch::Tensor at_pool2 = ComputeImageMap(method, oracle, x, targets, {.layer = "pool2"});
    EXPECT_TRUE(test::AllClose(ComputeImageMap(method, oracle, x, targets, {}), at_pool2, 0.0))
        << method;
  }
  EXPECT_THROW(ComputeImageMap("gradcam", oracle, x.reshape({2, 784}), targets, {}), InvalidInput);
}

TEST(ImageMethods, CamsOnAModelWithoutLayersNameTheModel) {
  const torch::Tensor w = test::RandomNormal({2, 1, 5, 5}, 31);
  Oracle oracle(LinearImageModel(w));
  EXPECT_FALSE(oracle.has_layers());
  const PointBatch points = MakePointBatch(test::RandomUniform({2, 1, 5, 5}, 0.0, 1.0, 34), 0);
  for (const std::string method : {"gradcam", "gradcampp", "smoothgradcampp"}) {
    EXPECT_THAT([&] { MakeExplainer(method)->Explain(oracle, points, Targets(0, 2)); },
                ::testing::ThrowsMessage<InvalidInput>(
                    AllOf(HasSubstr(method), HasSubstr("named layers"), HasSubstr("linear image"))))
        << method;
  }
  EXPECT_EQ(oracle.queries(), 0);
  EXPECT_THAT([&] { oracle.LayerNames(); },
              ::testing::ThrowsMessage<InvalidInput>(
                  AllOf(HasSubstr("'linear image'"), HasSubstr("named layers"))));
}

TEST(ImageMethods, EachMethodTakesItsOptionsOnly) {
  const auto message = [](const std::string& method, const RecipeOptions& options,
                          Implementation implementation = Implementation::kLfa) {
    try {
      MakeExplainer(method, options, implementation);
    } catch (const InvalidInput& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message("gradcampp", {.samples = 5, .noise_fraction = 0.1, .layer = "relu2"}), "");
  EXPECT_EQ(MakeExplainer("smoothgradcampp")->name(), "smoothgradcampp");
  EXPECT_THAT(message("gradcam", {.sigma = 0.2}), HasSubstr("sigma 0.2"));
  EXPECT_THAT(message("gradcam", {.kernel_width = 2.0}), HasSubstr("kernel width 2"));
  EXPECT_THAT(message("vargrad", {.baseline = 0.5}), HasSubstr("baseline 0.5"));
  EXPECT_THAT(message("vargrad", {.groups = FeatureGroups::Patches(2)}),
              HasSubstr("feature groups"));
  EXPECT_THAT(message("gradcam", {.sliding_window = {2, 2}}), HasSubstr("sliding_window"));
  EXPECT_THAT(message("vargrad", {.layer = "relu2"}), HasSubstr("layer 'relu2'"));
  EXPECT_THAT(message("gradcam", {.noise_fraction = -0.1}), HasSubstr("-0.1"));
  EXPECT_THAT(message("gradcam", {}, Implementation::kClassic), HasSubstr("one implementation"));
  // A layer is no option of the eight recipes, in either implementation.
  EXPECT_THAT(message("gradient", {.layer = "relu2"}), HasSubstr("layer 'relu2'"));
  EXPECT_THAT(message("gradient", {.layer = "relu2"}, Implementation::kClassic),
              HasSubstr("layer 'relu2'"));
  EXPECT_THAT(message("limey", {}), AllOf(HasSubstr("'limey'"), HasSubstr("vargrad")));
  EXPECT_EQ(DefaultSamples("vargrad"), 25);
  EXPECT_EQ(DefaultSamples("lime"), 1000);
}

TEST(ImageMethods, CudaGivesTheCpuMaps) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device visible to this LibTorch";
  auto net = std::make_shared<ZooModel>("cnn", 3);
  const torch::Tensor x = test::RandomUniform({3, 1, 28, 28}, 0.0, 1.0, 35);
  const torch::Tensor targets = torch::tensor({1, 4, 7}, torch::kLong);
  Oracle cpu(net);
  const ImageMethodOptions options{.samples = 4};
  std::vector<torch::Tensor> on_cpu;
  for (const std::string& method : ImageMethodNames())
    on_cpu.push_back(ComputeImageMap(method, cpu, x, targets, options));
  Oracle gpu(net, {.device = "cuda", .max_batch_rows = 5});
  for (size_t m = 0; m < on_cpu.size(); ++m) {
    const torch::Tensor maps = ComputeImageMap(ImageMethodNames()[m], gpu, x, targets, options);
    EXPECT_EQ(maps.device(), torch::Device(torch::kCPU));
    // float32 on two devices: equal to a few units in the last place of the largest value.
    EXPECT_TRUE(test::AllClose(maps, on_cpu[m], 1e-4 * std::max(1.0, test::MaxAbs(on_cpu[m]))))
        << ImageMethodNames()[m];
  }
  EXPECT_GT(gpu.gradient_queries(), 0);
}

}  // namespace
}  // namespace lfa
