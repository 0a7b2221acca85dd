// ScriptModuleModel wraps a torch::jit::Module in memory without changing it: a module in eval
// mode on the right device is shared (no copy); a module in training mode, or one that must move
// to another device, is deep-copied first, and the caller's module keeps its mode and parameters.
// The input shape and dtype come from the first 2-D parameter, as for TorchScript files.

#include <memory>

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/script.h>

#include "framework/oracle.h"
#include "models/script_module_model.h"

namespace lfa {
namespace {

// f(x) = x W^T + b with W [2, 3] and one submodule, so training mode can differ per module.
// Every module gets the `training` attribute that torch.jit.script gives it (a Module built in
// C++ has none, and is_training() then always answers true).
torch::jit::Module MakeLinear(const torch::Tensor& w, const torch::Tensor& b) {
  auto cu = std::make_shared<torch::jit::CompilationUnit>();
  torch::jit::Module inner("__torch__.Inner", cu);
  inner.register_attribute("training", c10::BoolType::get(), true);
  inner.register_parameter("weight", w, false);
  inner.register_parameter("bias", b, false);
  inner.define("def forward(self, x):\n    return torch.matmul(x, self.weight.t()) + self.bias\n");
  torch::jit::Module outer("__torch__.Outer", cu);
  outer.register_attribute("training", c10::BoolType::get(), true);
  outer.register_module("inner", inner);
  outer.define("def forward(self, x):\n    return self.inner.forward(x)\n");
  return outer;
}

class ScriptModuleModelTest : public ::testing::Test {
 protected:
  torch::Tensor w_ = torch::tensor({{1.0f, -2.0f, 0.5f}, {0.0f, 3.0f, 1.0f}});
  torch::Tensor b_ = torch::tensor({0.25f, -1.0f});
  torch::Tensor x_ = torch::tensor({{1.0f, 2.0f, 3.0f}, {-1.0f, 0.0f, 4.0f}});
};

TEST_F(ScriptModuleModelTest, EvalModuleIsSharedAndComputesTheModule) {
  torch::jit::Module module = MakeLinear(w_, b_);
  module.eval();
  ScriptModuleModel model(module, "linear");
  EXPECT_FALSE(model.owns_copy());
  EXPECT_EQ(model.input_shape(), std::vector<int64_t>({3}));
  EXPECT_EQ(model.dtype(), torch::kFloat32);
  EXPECT_EQ(model.description(), "linear");
  // Row 0: (1 - 4 + 1.5 + 0.25, 0 + 6 + 3 - 1) = (-1.25, 8); row 1: (-1 + 2 + 0.25, 4 - 1).
  EXPECT_TRUE(torch::equal(model.Forward(x_), torch::tensor({{-1.25f, 8.0f}, {1.25f, 3.0f}})));
  model.To(torch::kCPU);  // already there: still shared
  EXPECT_FALSE(model.owns_copy());
}

TEST_F(ScriptModuleModelTest, TrainingModuleIsCopiedAndLeftInTrainingMode) {
  torch::jit::Module module = MakeLinear(w_, b_);
  module.train();
  ScriptModuleModel model(module);
  EXPECT_TRUE(model.owns_copy());
  EXPECT_TRUE(module.is_training());
  EXPECT_TRUE(module.attr("inner").toModule().is_training());
  // A deep copy: changing the caller's parameters afterwards does not change the model.
  const torch::Tensor before = model.Forward(x_);
  {
    torch::NoGradGuard no_grad;
    module.attr("inner").toModule().attr("weight").toTensor().mul_(2);
  }
  EXPECT_TRUE(torch::equal(model.Forward(x_), before));
}

TEST_F(ScriptModuleModelTest, SubmoduleInTrainingModeAlsoCopies) {
  torch::jit::Module module = MakeLinear(w_, b_);
  module.eval();
  module.attr("inner").toModule().train();
  ScriptModuleModel model(module);
  EXPECT_TRUE(model.owns_copy());
  EXPECT_TRUE(module.attr("inner").toModule().is_training());
}

TEST_F(ScriptModuleModelTest, DoublePrecisionModuleReportsItsDtypeToTheOracle) {
  torch::jit::Module module = MakeLinear(w_.to(torch::kDouble), b_.to(torch::kDouble));
  module.eval();
  auto model = std::make_shared<ScriptModuleModel>(module);
  EXPECT_EQ(model->dtype(), torch::kDouble);
  Oracle oracle(model);
  const torch::Tensor y = oracle.Values(x_, torch::tensor({0, 1}, torch::kLong));
  EXPECT_TRUE(torch::equal(y, torch::tensor({-1.25, 3.0}, torch::kDouble)));
}

TEST_F(ScriptModuleModelTest, MovingToAnotherDeviceCopiesAndLeavesTheCallersModule) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device: the move is not exercised";
  torch::jit::Module module = MakeLinear(w_, b_);
  module.eval();
  ScriptModuleModel model(module);
  model.To(torch::Device(torch::kCUDA));
  EXPECT_TRUE(model.owns_copy());
  for (const torch::Tensor& p : module.parameters()) EXPECT_TRUE(p.device().is_cpu());
  EXPECT_TRUE(torch::equal(model.Forward(x_.cuda()).cpu(),
                           torch::tensor({{-1.25f, 8.0f}, {1.25f, 3.0f}})));
}

}  // namespace
}  // namespace lfa
