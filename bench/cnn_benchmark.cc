// Google Benchmark suite: the explainers on an image model (the zoo CNN), next to its bare queries.
//
// The network is the zoo's "cnn" architecture (two 3x3 convolutions, 16 and 32 channels, max
// pooling, one linear layer) with its untrained initial parameters: the time of a query does not
// depend on the weights, so the suite needs neither Fashion-MNIST nor a trained cache entry. Each
// explainer explains 4 images with 256 samples (the image methods: 25 noisy copies) through an
// Oracle at its own choice of batch size; BareForward/BareGradient send the same number of rows
// through the model alone at the Oracle's batch size for that kind of query. The framework's
// overhead is the ratio of the two (`lfa bench --model zoo:cnn` prints it directly). With a CUDA
// build and a visible GPU the same benchmarks run on "cuda" too, synchronised before the clock
// stops (kernels run asynchronously).
//
//   build/lfa_benchmarks --benchmark_filter=Cnn
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>

#include "experiments/zoo/model_zoo.h"
#include "explainers/recipes.h"
#include "framework/oracle.h"

namespace lfa {
namespace {

constexpr int64_t kImages = 4;
constexpr int64_t kSamples = 256;

void Synchronise(const std::string& device) {
  if (device != "cpu") torch::cuda::synchronize();
}

// The points stay on the host, as `lfa explain` gives them; the Oracle moves what it queries.
PointBatch Images() {
  const torch::Tensor images = torch::rand({kImages, 1, 28, 28}, torch::kDouble);
  return MakePointBatch(images, /*seed=*/0);
}

void BM_CnnExplainer(benchmark::State& state, const std::string& method, const std::string& device) {
  torch::manual_seed(1);
  auto model = std::make_shared<ZooModel>("cnn", /*seed=*/0);
  Oracle oracle(model, OracleOptions{.device = device});
  const PointBatch batch = Images();
  const int64_t samples = DefaultSamples(method) == 1000 ? kSamples : DefaultSamples(method);
  const auto explainer = MakeExplainer(method, RecipeOptions{.samples = samples});
  const torch::Tensor targets = Targets(0, kImages);
  for (auto _ : state) {
    oracle.ResetQueries();
    benchmark::DoNotOptimize(explainer->Explain(oracle, batch, targets).attributions);
    Synchronise(device);
  }
  state.counters["value_rows"] = static_cast<double>(oracle.value_queries());
  state.counters["gradient_rows"] = static_cast<double>(oracle.gradient_queries());
}

// kImages * kSamples rows through the model alone, at the Oracle's batch size for `kind`.
void BM_CnnBare(benchmark::State& state, QueryKind kind, const std::string& device) {
  torch::manual_seed(1);
  auto model = std::make_shared<ZooModel>("cnn", /*seed=*/0);
  Oracle oracle(model, OracleOptions{.device = device});
  const int64_t rows = kImages * kSamples;
  const int64_t batch = oracle.BatchRows({1, 28, 28}, kind);
  model->To(torch::Device(device));
  const torch::Tensor x = torch::rand({rows, 1, 28, 28}).to(torch::Device(device));
  for (auto _ : state) {
    for (int64_t begin = 0; begin < rows; begin += batch) {
      torch::Tensor chunk = x.slice(0, begin, begin + batch);
      if (kind == QueryKind::kGradients) {
        chunk = chunk.detach().requires_grad_(true);
        torch::Tensor out = model->Forward(chunk).select(1, 0).sum();
        benchmark::DoNotOptimize(torch::autograd::grad({out}, {chunk}));
      } else {
        torch::NoGradGuard no_grad;
        benchmark::DoNotOptimize(model->Forward(chunk));
      }
    }
    Synchronise(device);
  }
  state.counters["batch_rows"] = static_cast<double>(batch);
}

int RegisterCnnBenchmarks() {
  std::vector<std::string> devices = {"cpu"};
  if (torch::cuda::is_available()) devices.push_back("cuda");
  for (const std::string& device : devices) {
    for (const char* method : {"gradient", "smoothgrad", "integrated_gradients", "lime",
                                      "kernelshap", "occlusion"}) {
      std::string name = "Cnn/" + device + "/";
      name += method;
      benchmark::RegisterBenchmark(name.c_str(), BM_CnnExplainer, method, device)
          ->Unit(benchmark::kMillisecond);
    }
    std::string forward = "Cnn/" + device + "/BareForward";
    std::string gradient = "Cnn/" + device + "/BareGradient";
    benchmark::RegisterBenchmark(forward.c_str(), BM_CnnBare, QueryKind::kValues, device)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(gradient.c_str(), BM_CnnBare, QueryKind::kGradients, device)
        ->Unit(benchmark::kMillisecond);
  }
  return 0;
}

const int kCnnRegistered = RegisterCnnBenchmarks();

}  // namespace
}  // namespace lfa
