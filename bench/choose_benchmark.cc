// Google Benchmark suite: `lfa choose` at the sizes its issue budgets (issue 12), end to end.
//
// Each benchmark runs RunChooseStudy once per iteration, as the command does (model and data read
// from files, every candidate explained, every loss evaluated on fresh samples, choose.csv and
// report.md written), and reports the budget next to the time as a counter:
//   ChooseHelocOneNeighbourhood   heloc_ffnnA, its 100 points, every candidate, smoothgrad: 5 s
//   ChooseHelocProfile            the same over an 8-width profile sigma:0.01..1:8:          30 s
//   ChooseCnnOneNeighbourhood     zoo:cnn, 16 Fashion-MNIST test images, every candidate:    60 s
// The paper's files come from LFA_DATA_DIR, the images from Debian's dataset-fashion-mnist; a
// benchmark whose inputs are missing is skipped with a message. The zoo CNN is opened (trained
// and cached when missing) before the clock starts. Budgets are for 2 cores; the machine's load
// is not known here, so they are reported, never asserted.
//
//   build/lfa_benchmarks --benchmark_filter=Choose
#include <benchmark/benchmark.h>

#include <filesystem>
#include <optional>
#include <string>

#include <unistd.h>

#include "experiments/data/fashion_mnist.h"
#include "experiments/data/model_source.h"
#include "experiments/data/paper_data.h"
#include "experiments/studies/choose/choose_study.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;

fs::path BenchmarkOutput(const std::string& name) {
  std::string leaf = "lfa_choose_benchmark_";
  leaf += std::to_string(::getpid());
  leaf += "_";
  leaf += name;
  fs::path out = fs::temp_directory_path() / leaf;
  fs::remove_all(out);
  return out;
}

void RunAndReport(benchmark::State& state, const std::string& name, ChooseOptions options,
                  double budget_seconds) {
  const fs::path out = BenchmarkOutput(name);
  options.progress = false;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(out);
    options.out = out.string();
    state.ResumeTiming();
    RunChooseStudy(options);
  }
  fs::remove_all(out);
  state.counters["budget_s"] = budget_seconds;
}

std::optional<ChooseOptions> HelocOptions(benchmark::State& state) {
  const auto dir = DataDirFromEnvironment();
  if (!dir) {
    state.SkipWithError("LFA_DATA_DIR with lfa-paper/ not set");
    return std::nullopt;
  }
  ChooseOptions o;
  o.model = PaperModelPath(*dir, "heloc", "ffnnA");
  o.data = PaperPointsPath(*dir, "heloc");
  o.label_column = "last";
  o.neighbourhoods = {"smoothgrad"};
  o.candidates = "all";
  o.samples = o.evaluation_samples = 1000;
  return o;
}

void BM_ChooseHelocOneNeighbourhood(benchmark::State& state) {
  if (const auto options = HelocOptions(state)) RunAndReport(state, "heloc", *options, 5.0);
}

void BM_ChooseHelocProfile(benchmark::State& state) {
  auto options = HelocOptions(state);
  if (!options) return;
  options->profile = "sigma:0.01..1:8";
  RunAndReport(state, "heloc_profile", *options, 30.0);
}

void BM_ChooseCnnOneNeighbourhood(benchmark::State& state) {
  if (!FashionMnistPresent()) {
    state.SkipWithError("Fashion-MNIST not installed (Debian package dataset-fashion-mnist)");
    return;
  }
  OpenModel("zoo:cnn");  // from the cache, or trained now: outside the timed part
  ChooseOptions o;
  o.model = "zoo:cnn";
  o.data = FashionMnistDir() + "/t10k-images-idx3-ubyte.gz";
  o.rows = "0:16";
  o.neighbourhoods = {"smoothgrad"};
  RunAndReport(state, "cnn", o, 60.0);
}

BENCHMARK(BM_ChooseHelocOneNeighbourhood)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ChooseHelocProfile)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ChooseCnnOneNeighbourhood)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace lfa
