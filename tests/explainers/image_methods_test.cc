// The image methods behind one name (explainers/image_methods.h): the noisy-gradient ensembles on a
// linear image model, where every gradient is the weight map (SmoothGrad-Squared = W^2, VarGrad =
// 0 exactly), the CAMs against ComputeCam at the chosen layer, the default layer, and errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/zoo/model_zoo.h"
#include "explainers/cam.h"
#include "explainers/image_methods.h"
#include "framework/errors.h"
#include "models/analytic_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;

TEST(ImageMethods, NoisyGradientEnsemblesOnALinearModel) {
  const torch::Tensor w = test::RandomNormal({2, 1, 5, 5}, 31);
  Oracle oracle(std::make_shared<AnalyticModel>(
      std::vector<int64_t>{1, 5, 5},
      [w](const torch::Tensor& x) { return x.flatten(1).matmul(w.reshape({2, -1}).t()); },
      "linear image"));
  const torch::Tensor x = test::RandomUniform({3, 1, 5, 5}, 0.0, 1.0, 32);
  const torch::Tensor targets = torch::tensor({0, 1, 1}, torch::kLong);
  const torch::Tensor wt = w.index_select(0, targets);  // [3, 1, 5, 5]
  const ImageMethodOptions options{.samples = 7, .noise_fraction = 0.2};
  EXPECT_TRUE(test::AllClose(
      ComputeImageMap("smoothgrad_squared", oracle, nullptr, x, targets, options), wt * wt, 1e-12));
  EXPECT_LT(test::MaxAbs(ComputeImageMap("vargrad", oracle, nullptr, x, targets, options)), 1e-12);
  EXPECT_THAT([&] { ComputeImageMap("gradcam", oracle, nullptr, x, targets, options); },
              ::testing::ThrowsMessage<InvalidInput>(HasSubstr("named layers")));
  EXPECT_THAT([&] { ComputeImageMap("saliency", oracle, nullptr, x, targets, options); },
              ::testing::ThrowsMessage<InvalidInput>(HasSubstr("'saliency'")));
  EXPECT_TRUE(IsImageMethod("vargrad"));
  EXPECT_FALSE(IsCamMethod("vargrad"));
}

TEST(ImageMethods, CamsAreUpsampledComputeCamMapsAtTheLastSpatialLayer) {
  auto net = std::make_shared<ZooModel>("cnn", 3);
  EXPECT_EQ(LastSpatialLayer(*net, {1, 28, 28}), "pool2");  // [n, 32, 7, 7]
  Oracle oracle(net);
  const torch::Tensor x = test::RandomUniform({2, 1, 28, 28}, 0.0, 1.0, 33);
  const torch::Tensor targets = torch::tensor({4, 7}, torch::kLong);
  for (const std::string method : {"gradcam", "gradcampp"}) {
    const torch::Tensor map =
        ComputeImageMap(method, oracle, net.get(), x, targets, {.layer = "relu2"});
    CamOptions cam{.method = method, .layer = "relu2"};
    const torch::Tensor expected = UpsampleToInput(ComputeCam(*net, x, targets, cam), 28, 28);
    ASSERT_EQ(map.sizes(), (c10::IntArrayRef{2, 1, 28, 28})) << method;
    EXPECT_TRUE(test::AllClose(map.squeeze(1), expected, 1e-12)) << method;
  }
  EXPECT_THROW(ComputeImageMap("gradcam", oracle, net.get(), x.reshape({2, 784}), targets, {}),
               InvalidInput);
}

}  // namespace
}  // namespace lfa
