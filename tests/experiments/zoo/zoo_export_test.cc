// Zoo export: the TorchScript archive computes the zoo network's function. For every architecture
// an untrained network (its parameters are still distinct random numbers) is exported, loaded back
// with torch::jit::load and evaluated on random images: the logits must equal ZooModel::Forward's
// to float32 rounding, for [n, 1, 28, 28] and [n, 784] inputs alike.

#include <unistd.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <torch/script.h>

#include "experiments/zoo/model_zoo.h"
#include "experiments/zoo/zoo_export.h"
#include "framework/errors.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

class ZooExport : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooExport, TheArchiveComputesTheNetworksLogits) {
  ZooModel model(GetParam(), /*seed=*/11);
  std::string path = ::testing::TempDir() + "lfa_zoo_export_";
  path += GetParam();
  path += "_";
  path += std::to_string(getpid());
  path += ".pt";
  ExportZooModel(model, path);
  torch::jit::Module loaded = torch::jit::load(path);
  std::remove(path.c_str());
  const torch::Tensor images = test::RandomUniform({5, 1, 28, 28}, 0, 1, 3).to(torch::kFloat);
  torch::NoGradGuard no_grad;
  const torch::Tensor expected = model.Forward(images);
  ASSERT_EQ(expected.sizes(), (std::vector<int64_t>{5, 10}));
  for (const torch::Tensor& input : {images, images.reshape({5, 784})}) {
    const torch::Tensor got = loaded.forward({input}).toTensor();
    ASSERT_EQ(got.sizes(), expected.sizes());
    const double scale = expected.abs().max().item<double>();
    EXPECT_LE((got - expected).abs().max().item<double>(), 1e-5 * scale) << GetParam();
  }
}

INSTANTIATE_TEST_SUITE_P(Architectures, ZooExport, ::testing::Values("cnn", "cnn_gap", "mlp"));

TEST(ZooExportSource, OneLinePerLayerInOrder) {
  const std::string source = ZooForwardSource(ZooModel("cnn", 1));
  const size_t conv1 = source.find("torch.conv2d(x, self.conv1_weight, self.conv1_bias");
  const size_t pool2 = source.find("torch.max_pool2d");
  const size_t fc = source.find("torch.addmm(self.fc_bias, x, self.fc_weight.t())");
  ASSERT_NE(conv1, std::string::npos) << source;
  ASSERT_NE(fc, std::string::npos) << source;
  EXPECT_LT(conv1, pool2);
  EXPECT_LT(pool2, fc);
}

TEST(ZooExportSource, AnUnwritablePathIsNamed) {
  try {
    ExportZooModel(ZooModel("mlp", 1), "/nonexistent-dir/m.pt");
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lfa
