// Google Benchmark suite: each explainer's wall time next to the bare model queries it needs.
//
// Uses an in-process MLP shaped like the paper's HELOC network (23-8-8-1, ReLU, sigmoid) with
// fixed random weights, so it runs without the paper's data. For each explainer the benchmark
// reports the time per batch of points and, as counters, the rows sent to the model; the
// BM_BareForward / BM_BareGradient benchmarks time the same number of rows through the model
// alone, so the framework's overhead is the ratio of the two (lfa bench prints that ratio directly).
//
//   build/lfa_benchmarks --benchmark_filter=Explainer
#include <benchmark/benchmark.h>

#include <torch/csrc/autograd/autograd.h>

#include "explainers/recipes.h"
#include "models/mlp_model.h"
#include "framework/oracle.h"

namespace lfa {
namespace {

std::shared_ptr<MlpModel> HelocLikeMlp() {
  torch::manual_seed(0);
  std::vector<torch::Tensor> weights = {torch::randn({8, 23}) * 0.5, torch::randn({8, 8}) * 0.5,
                                        torch::randn({1, 8}) * 0.5};
  std::vector<torch::Tensor> biases = {torch::randn({8}) * 0.1, torch::randn({8}) * 0.1,
                                       torch::randn({1}) * 0.1};
  return std::make_shared<MlpModel>(weights, biases,
                                    MlpArchitecture{.activation = "relu", .output_activation = "sigmoid"});
}

void BM_Explainer(benchmark::State& state, const std::string& method, Implementation implementation) {
  const int64_t points = state.range(0), samples = state.range(1);
  auto model = HelocLikeMlp();
  Oracle oracle(model);
  torch::manual_seed(1);
  const PointBatch batch = MakePointBatch(torch::rand({points, 23}, torch::kDouble), 0);
  const auto explainer = MakeExplainer(method, RecipeOptions{.samples = samples}, implementation);
  const torch::Tensor targets = Targets(0, points);
  for (auto _ : state) {
    oracle.ResetQueries();
    benchmark::DoNotOptimize(explainer->Explain(oracle, batch, targets).attributions);
  }
  state.counters["value_rows"] = static_cast<double>(oracle.value_queries());
  state.counters["gradient_rows"] = static_cast<double>(oracle.gradient_queries());
}

void BM_BareForward(benchmark::State& state) {
  auto model = HelocLikeMlp();
  const int64_t rows = state.range(0) * state.range(1);
  const torch::Tensor x = torch::rand({rows, 23});
  for (auto _ : state) {
    torch::NoGradGuard no_grad;
    for (int64_t begin = 0; begin < rows; begin += 10000)
      benchmark::DoNotOptimize(model->Forward(x.slice(0, begin, begin + 10000)));
  }
}

void BM_BareGradient(benchmark::State& state) {
  auto model = HelocLikeMlp();
  const int64_t rows = state.range(0) * state.range(1);
  const torch::Tensor x = torch::rand({rows, 23});
  for (auto _ : state) {
    for (int64_t begin = 0; begin < rows; begin += 10000) {
      torch::Tensor chunk = x.slice(0, begin, begin + 10000).detach().requires_grad_(true);
      torch::Tensor out = model->Forward(chunk).sum();
      benchmark::DoNotOptimize(torch::autograd::grad({out}, {chunk}));
    }
  }
}


int Register() {
  for (const std::string& method : MethodNames()) {
    benchmark::RegisterBenchmark(("Explainer/lfa/" + method).c_str(), BM_Explainer, method,
                                 Implementation::kLfa)
        ->ArgsProduct({{100}, {100, 1000}})->Unit(benchmark::kMillisecond);
    if (method == "clime") continue;
    benchmark::RegisterBenchmark(("Explainer/classic/" + method).c_str(), BM_Explainer, method,
                                 Implementation::kClassic)
        ->ArgsProduct({{100}, {100, 1000}})->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BareForward", BM_BareForward)
      ->ArgsProduct({{100}, {100, 1000}})->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BareGradient", BM_BareGradient)
      ->ArgsProduct({{100}, {100, 1000}})->Unit(benchmark::kMillisecond);
  return 0;
}

const int kRegistered = Register();

}  // namespace
}  // namespace lfa
