// The paper's models and points (experiments/data/paper_data.h), when LFA_DATA_DIR holds lfa-paper/.
//
//   who_linear       f(x) = w_f.x + c: the multiplicative methods return w_f x, the additive ones
//                    w_f (Theory 1; the paper's exp2 reports 0.0000 for every method);
//   heloc_logistic   f(x) = sigmoid(w_f.x + c): the Gaussian neighbourhood with a logistic
//   surrogate
//                    recovers w_f under the squared loss and gradient matching;
//   every model      MlpModel rebuilt from the plain state dict computes what the TorchScript
//                    archive computes.
// w_f is read from the state-dict file directly, not from any model adapter.

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/types.h>

#include "experiments/data/paper_data.h"
#include "explainers/builtin_registry.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "framework/registry.h"
#include "models/mlp_model.h"
#include "models/torchscript_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

std::map<std::string, torch::Tensor> ReadStateDict(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                std::istreambuf_iterator<char>());
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& entry : torch::jit::pickle_load(bytes).toGenericDict())
    tensors[entry.key().toStringRef()] = entry.value().toTensor().to(torch::kDouble);
  return tensors;
}

// Mean over points of the L1 norm of the difference.
double MeanL1(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().sum(1).mean().item<double>();
}

class PaperModels : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = DataDirFromEnvironment();
    if (!dir)
      GTEST_SKIP() << "LFA_DATA_DIR with lfa-paper/ not set: skipping the paper-model tests";
    dir_ = *dir;
  }
  std::string dir_;
};

TEST_F(PaperModels, WhoLinearIsRecoveredByEveryMethod) {
  const auto state = ReadStateDict(PaperModelPath(dir_, "who", "linear", "state"));
  ASSERT_EQ(state.count("linear.weight"), 1u) << "the one-layer checkpoints name it 'linear'";
  const torch::Tensor w = state.at("linear.weight").reshape({-1});
  ASSERT_EQ(w.numel(), 19);
  const torch::Tensor x = LoadPaperPoints(dir_, "who");
  ASSERT_EQ(x.sizes(), (std::vector<int64_t>{100, 19}));
  Oracle oracle(LoadModel(PaperModelPath(dir_, "who", "linear")));
  const PointBatch points = MakePointBatch(x, 0);
  for (const std::string& method : MethodNames()) {
    const bool multiplicative = method == "lime" || method == "kernelshap" ||
                                method == "occlusion" || method == "integrated_gradients" ||
                                method == "gradient_x_input";
    const torch::Tensor expected = multiplicative ? w * x : w.unsqueeze(0).expand_as(x);
    for (Implementation implementation : {Implementation::kLfa, Implementation::kClassic}) {
      if (method == "clime" && implementation == Implementation::kClassic) continue;
      const Explanation e = MakeExplainer(method, {.samples = 500}, implementation)
                                ->Explain(oracle, points, Targets(0, 100));
      EXPECT_LT(MeanL1(e.attributions, expected), 1e-3)
          << method << (implementation == Implementation::kLfa ? " (lfa)" : " (classic)");
    }
  }
}

TEST_F(PaperModels, HelocLogisticIsRecoveredByALogisticSurrogate) {
  const auto state = ReadStateDict(PaperModelPath(dir_, "heloc", "logistic", "state"));
  ASSERT_EQ(state.count("linear.weight"), 1u);
  const torch::Tensor w = state.at("linear.weight").reshape({-1});
  ASSERT_EQ(w.numel(), 23);
  const torch::Tensor x = LoadPaperPoints(dir_, "heloc").slice(0, 0, 20);
  Oracle oracle(LoadModel(PaperModelPath(dir_, "heloc", "logistic")));
  for (const char* loss : {"squared", "gradient_matching"}) {
    const auto explainer =
        DefaultRegistry().Build({{"neighbourhood", {{"type", "gaussian"}, {"sigma", 0.1}}},
                                 {"loss", {{"type", loss}}},
                                 {"surrogate", {{"type", "logistic"}, {"intercept", true}}},
                                 {"samples", 500}});
    const Explanation e = explainer->Explain(oracle, MakePointBatch(x, 1), Targets(0, 20));
    EXPECT_LT(MeanL1(e.attributions, w.unsqueeze(0).expand_as(x)), 0.01) << loss;
  }
  // A linear surrogate cannot: SmoothGrad returns E[s'(u)] w_f, parallel to w_f but much smaller.
  const Explanation sg = MakeExplainer("smoothgrad", {.samples = 200})
                             ->Explain(oracle, MakePointBatch(x, 1), Targets(0, 20));
  EXPECT_GT(MeanL1(sg.attributions, w.unsqueeze(0).expand_as(x)),
            0.5 * w.abs().sum().item<double>());
}

TEST_F(PaperModels, MlpRebuiltFromTheStateDictMatchesTheTorchScriptModel) {
  for (const auto& [dataset, name] : lfa::PaperModels()) {
    const torch::Tensor x = LoadPaperPoints(dir_, dataset);
    MlpModel mlp(PaperModelPath(dir_, dataset, name, "state"), PaperArchitecture(dataset));
    TorchScriptModel script(PaperModelPath(dir_, dataset, name));
    EXPECT_EQ(mlp.input_shape(), script.input_shape()) << dataset << "_" << name;
    torch::NoGradGuard no_grad;
    const torch::Tensor ours = mlp.Forward(x.to(mlp.dtype()));
    const torch::Tensor theirs = script.Forward(x.to(script.dtype()));
    EXPECT_TRUE(test::AllClose(ours, theirs, 1e-6)) << dataset << "_" << name;
    // Classifiers output probabilities.
    if (dataset == "heloc") {
      EXPECT_TRUE(((ours >= 0) & (ours <= 1)).all().item<bool>()) << name;
    }
  }
}

// ---- State-dict files written here (no data needed) ---------------------------------------------

std::string WriteStateDict(const std::string& name,
                           const std::vector<std::pair<std::string, torch::Tensor>>& entries) {
  c10::Dict<std::string, torch::Tensor> dict;
  for (const auto& [key, tensor] : entries) dict.insert(key, tensor);
  const std::vector<char> bytes = torch::jit::pickle_save(dict);
  const std::string path = ::testing::TempDir() + "lfa_state_" + name + ".pt";
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

TEST(MlpModelFile, LayersAreOrderedByTheirNumberAndASingleLayerNeedsNone) {
  const torch::Tensor w1 = torch::tensor({{1.0, -1.0}, {0.5, 2.0}}, torch::kDouble);
  const torch::Tensor b1 = torch::tensor({0.1, -0.2}, torch::kDouble);
  const torch::Tensor w2 = torch::tensor({{2.0, -3.0}}, torch::kDouble);
  const torch::Tensor b2 = torch::tensor({0.5}, torch::kDouble);
  const torch::Tensor x = torch::tensor({{0.3, -0.4}, {1.0, 2.0}}, torch::kDouble);
  // 2 tanh(W1 x + b1) - ..., by hand; stored in reverse order to show the number decides.
  const torch::Tensor hidden = torch::tanh(x.matmul(w1.t()) + b1);
  const torch::Tensor two_layers = hidden.matmul(w2.t()) + b2;
  for (const auto& [name, first, second] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"paper", "linear1", "linear2"}, {"sequential", "0", "2"}}) {
    MlpModel mlp(WriteStateDict(name, {{second + ".weight", w2},
                                       {second + ".bias", b2},
                                       {first + ".weight", w1},
                                       {first + ".bias", b1}}),
                 MlpArchitecture::Parse("tanh"));
    EXPECT_TRUE(test::AllClose(mlp.Forward(x), two_layers, 1e-14)) << name;
  }
  // The paper's linear and logistic checkpoints: "linear.weight", "linear.bias".
  MlpModel single(WriteStateDict("single", {{"linear.weight", w2}, {"linear.bias", b2}}),
                  MlpArchitecture::Parse("relu:sigmoid"));
  EXPECT_TRUE(test::AllClose(single.Forward(hidden), torch::sigmoid(two_layers), 1e-14));
}

TEST(MlpModelFile, AmbiguousLayerNamesAreRejected) {
  const torch::Tensor w = torch::ones({2, 2}, torch::kDouble),
                      b = torch::zeros({2}, torch::kDouble);
  EXPECT_THROW(MlpModel(WriteStateDict(
                            "two_unnumbered",
                            {{"fc.weight", w}, {"fc.bias", b}, {"out.weight", w}, {"out.bias", b}}),
                        MlpArchitecture{}),
               InvalidInput);
  EXPECT_THROW(MlpModel(WriteStateDict("mixed", {{"linear.weight", w},
                                                 {"linear.bias", b},
                                                 {"linear2.weight", w},
                                                 {"linear2.bias", b}}),
                        MlpArchitecture{}),
               InvalidInput);
  EXPECT_THROW(MlpModel(WriteStateDict("no_bias", {{"linear1.weight", w}}), MlpArchitecture{}),
               InvalidInput);
  EXPECT_THROW(MlpModel(::testing::TempDir() + "lfa_state_missing.pt", MlpArchitecture{}),
               InvalidInput);
}

}  // namespace
}  // namespace lfa
