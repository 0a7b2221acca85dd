// Baselines (framework/neighbourhood.h) and the Gaussian blur (neighbourhoods/gaussian_blur.h), checked
// against values written out by hand:
//   - the kernel is exp(-t^2 / (2 sigma^2)) on t = -ceil(3 sigma)..ceil(3 sigma), normalised;
//   - the blur equals the direct double sum sum_ab k_a k_b x(clamp(i + a), clamp(j + b)) (replicate
//     padding), also when the radius exceeds the image; constants stay constant; channels and
//     images do not mix;
//   - the blur baseline is each point's own blur, round-trips through JSON, and rejects bad specs;
//   - DatasetMean is the per-element or per-channel mean.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/types.h>

#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/neighbourhood.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/gaussian_blur.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;

// The definition, written as loops: out(i, j) = sum_{a, b} k_a k_b x(clamp(i + a), clamp(j + b)).
torch::Tensor DirectBlur(const torch::Tensor& images, double sigma) {
  const int64_t r = static_cast<int64_t>(std::ceil(3 * sigma));
  std::vector<double> k;
  double total = 0;
  for (int64_t t = -r; t <= r; ++t) {
    k.push_back(std::exp(-double(t * t) / (2 * sigma * sigma)));
    total += k.back();
  }
  for (double& v : k) v /= total;
  const torch::Tensor x = images.to(torch::kDouble).contiguous();
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  torch::Tensor out = torch::zeros_like(x);
  auto in = x.accessor<double, 4>();
  auto o = out.accessor<double, 4>();
  for (int64_t m = 0; m < n; ++m)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < h; ++i)
        for (int64_t j = 0; j < w; ++j) {
          double sum = 0;
          for (int64_t a = -r; a <= r; ++a)
            for (int64_t b = -r; b <= r; ++b) {
              const int64_t ii = std::clamp<int64_t>(i + a, 0, h - 1);
              const int64_t jj = std::clamp<int64_t>(j + b, 0, w - 1);
              sum += k[a + r] * k[b + r] * in[m][ch][ii][jj];
            }
          o[m][ch][i][j] = sum;
        }
  return out;
}

TEST(GaussianBlur, KernelIsTheNormalisedGaussianOfRadiusThreeSigma) {
  for (double sigma : {0.3, 1.0, 1.7, 5.0}) {
    const torch::Tensor k = GaussianKernel1d(sigma);
    const int64_t r = static_cast<int64_t>(std::ceil(3 * sigma));
    ASSERT_EQ(k.numel(), 2 * r + 1) << sigma;
    EXPECT_NEAR(k.sum().item<double>(), 1.0, 1e-15);
    for (int64_t t = 1; t <= r; ++t)
      EXPECT_NEAR(k[r + t].item<double>() / k[r].item<double>(),
                  std::exp(-double(t * t) / (2 * sigma * sigma)), 1e-15)
          << "sigma " << sigma << ", t " << t;
    EXPECT_TRUE(torch::equal(k, k.flip(0)));
  }
  // sigma = 1: radius 3, weights proportional to 1, e^-1/2, e^-2, e^-9/2.
  const double z = 1 + 2 * (std::exp(-0.5) + std::exp(-2.0) + std::exp(-4.5));
  EXPECT_NEAR(GaussianKernel1d(1.0)[3].item<double>(), 1 / z, 1e-15);
}

TEST(GaussianBlur, EqualsTheDirectSumWithReplicatePadding) {
  const torch::Tensor images = test::RandomUniform({2, 3, 5, 7}, 0.0, 1.0, 1);
  for (double sigma : {0.4, 1.0, 2.5}) {  // radius 2, 3, 8 (beyond the 5 x 7 image)
    EXPECT_TRUE(AllClose(GaussianBlur(images, sigma), DirectBlur(images, sigma), 1e-14)) << sigma;
  }
  // float32 in, float32 out.
  const torch::Tensor blurred = GaussianBlur(images.to(torch::kFloat), 1.0);
  EXPECT_EQ(blurred.scalar_type(), torch::kFloat);
  EXPECT_TRUE(AllClose(blurred, DirectBlur(images, 1.0), 1e-6));
}

TEST(GaussianBlur, ConstantsStayAndChannelsAndImagesDoNotMix) {
  const torch::Tensor constant = torch::full({1, 2, 6, 6}, 0.37, torch::kDouble);
  EXPECT_TRUE(AllClose(GaussianBlur(constant, 2.0), constant, 1e-15));
  const torch::Tensor images = test::RandomNormal({3, 2, 6, 5}, 2);
  const torch::Tensor together = GaussianBlur(images, 1.3);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t c = 0; c < 2; ++c)
      EXPECT_TRUE(AllClose(together[i][c],
                           GaussianBlur(images.slice(0, i, i + 1).slice(1, c, c + 1), 1.3)[0][0],
                           1e-15));
  // The blur of an image stays within its range (a convex combination of its pixels).
  EXPECT_LE(together.max().item<double>(), images.max().item<double>() + 1e-12);
  EXPECT_GE(together.min().item<double>(), images.min().item<double>() - 1e-12);
}

TEST(GaussianBlur, IsDifferentiableInTheImages) {
  const torch::Tensor images = test::RandomNormal({1, 1, 4, 4}, 3).requires_grad_(true);
  GaussianBlur(images, 1.0).sum().backward();
  // Every output is a convex combination: d sum(out) / d x sums to the number of pixels.
  ASSERT_TRUE(images.grad().defined());
  EXPECT_NEAR(images.grad().sum().item<double>(), 16.0, 1e-12);
}

TEST(GaussianBlur, CudaGivesTheCpuNumbers) {
  if (!torch::cuda::is_available())
    GTEST_SKIP() << "no CUDA device visible to this LibTorch: skipping the GPU check";
  const torch::Tensor images = test::RandomUniform({2, 3, 9, 7}, 0.0, 1.0, 5);
  const torch::Tensor gpu = GaussianBlur(images.to(torch::kCUDA), 2.0);
  EXPECT_EQ(gpu.device().type(), torch::kCUDA);
  EXPECT_TRUE(AllClose(gpu.cpu(), GaussianBlur(images, 2.0), 1e-12));
}

TEST(GaussianBlur, BadInputsNameTheValue) {
  const torch::Tensor images = torch::zeros({1, 1, 4, 4}, torch::kDouble);
  for (double sigma : std::vector<double>{0.0, -1.0, std::nan(""), INFINITY}) {
    try {
      GaussianBlur(images, sigma);
      ADD_FAILURE() << "sigma " << sigma << " accepted";
    } catch (const InvalidInput& e) {
      EXPECT_NE(std::string(e.what()).find("sigma"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(GaussianBlur(torch::zeros({1, 4, 4}, torch::kDouble), 1.0), InvalidInput);
  EXPECT_THROW(GaussianBlur(torch::zeros({1, 1, 4, 4}, torch::kLong), 1.0), InvalidInput);
}

TEST(Baseline, BlurIsEachPointsOwnBlur) {
  const torch::Tensor images = test::RandomUniform({3, 2, 5, 6}, 0.0, 1.0, 4);
  const PointBatch points = MakePointBatch(images, 0);
  const torch::Tensor b = Baseline::Blur(1.5).For(points);
  EXPECT_EQ(b.sizes(), points.flat.sizes());
  EXPECT_TRUE(AllClose(b, DirectBlur(images, 1.5).reshape({3, -1}), 1e-14));
  // A point alone gets the baseline it gets in the batch.
  EXPECT_TRUE(AllClose(Baseline::Blur(1.5).For(points.Slice(1, 2)), b.slice(0, 1, 2), 0.0));
}

TEST(Baseline, JsonRoundTripsEveryKind) {
  const auto round_trip = [](const nlohmann::json& spec) {
    return Baseline::FromJson(spec, "test").ToJson();
  };
  EXPECT_EQ(round_trip(0.25), nlohmann::json(0.25));
  EXPECT_EQ(round_trip(nlohmann::json::array({0.5, -1.0})), nlohmann::json::array({0.5, -1.0}));
  const nlohmann::json blur = {{"type", "blur"}, {"sigma", 5.0}};
  EXPECT_EQ(round_trip(blur), blur);
  EXPECT_EQ(Baseline::Blur(2.0).ToJson(), (nlohmann::json{{"type", "blur"}, {"sigma", 2.0}}));
  EXPECT_TRUE(Baseline::FromJson(blur, "test").is_blur());
  EXPECT_FALSE(Baseline(0.5).is_blur());
}

TEST(Baseline, BadBlurSpecsAreErrorsNamingTheProblem) {
  const auto message = [](const nlohmann::json& spec) -> std::string {
    try {
      Baseline::FromJson(spec, "neighbourhood 'x'");
    } catch (const InvalidInput& e) {
      return e.what();
    }
    return "(accepted)";
  };
  EXPECT_NE(message({{"type", "blur"}, {"sigma", 0}}).find("sigma"), std::string::npos);
  EXPECT_NE(message({{"type", "blur"}, {"sigma", -2}}).find("-2"), std::string::npos);
  EXPECT_NE(message({{"type", "blur"}}).find("nothing"), std::string::npos);
  EXPECT_NE(message({{"type", "blur"}, {"sigma", "5"}}).find("sigma"), std::string::npos);
  EXPECT_NE(message({{"type", "blur"}, {"sigma", 5}, {"radius", 3}}).find("radius"),
            std::string::npos);
  EXPECT_NE(message({{"type", "mean"}}).find("blur"), std::string::npos);
  EXPECT_NE(message("zero").find("\"zero\""), std::string::npos);
  EXPECT_THROW(Baseline::Blur(0.0), InvalidInput);
  // The blur needs [C, H, W] points.
  const PointBatch flat = MakePointBatch(torch::zeros({2, 16}, torch::kDouble), 0);
  try {
    Baseline::Blur(1.0).For(flat);
    ADD_FAILURE() << "a blur of non-image points was accepted";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("[16]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Baseline::Blur(1.0).For(MakePointBatch(torch::zeros({2, 4, 4}), 0)), InvalidInput);
}

TEST(Baseline, DatasetMeanPerElementAndPerChannel) {
  // Two 2-channel 1 x 2 images.
  const torch::Tensor images =
      torch::tensor({1.0, 2.0, 10.0, 20.0, 3.0, 6.0, 30.0, 60.0}, torch::kDouble)
          .reshape({2, 2, 1, 2});
  const PointBatch points = MakePointBatch(images, 0);
  const torch::Tensor element = Baseline::DatasetMean(images, false).For(points);
  EXPECT_TRUE(AllClose(element[1], torch::tensor({2.0, 4.0, 20.0, 40.0}, torch::kDouble), 1e-15));
  const torch::Tensor channel = Baseline::DatasetMean(images, true).For(points);
  EXPECT_TRUE(AllClose(channel[0], torch::tensor({3.0, 3.0, 30.0, 30.0}, torch::kDouble), 1e-15));
  EXPECT_EQ(Baseline::DatasetMean(images, true).ToJson(), nlohmann::json({3.0, 3.0, 30.0, 30.0}));
  EXPECT_THROW(Baseline::DatasetMean(torch::zeros({0, 1, 2, 2}), false), InvalidInput);
  EXPECT_THROW(Baseline::DatasetMean(torch::zeros({4, 3}), true), InvalidInput);
  // Values that do not match D are an error at use.
  EXPECT_THROW(Baseline::DatasetMean(images, false).For(MakePointBatch(torch::zeros({1, 3}), 0)),
               InvalidInput);
}

}  // namespace
}  // namespace lfa
