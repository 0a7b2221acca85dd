#include "experiments/cli/bench_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>

#include "experiments/cli/model_source.h"
#include "experiments/cli/points_input.h"
#include "experiments/data/paper_data.h"
#include "experiments/io/atomic_file.h"
#include "experiments/io/csv.h"
#include "experiments/io/input_files.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/feature_groups.h"

namespace lfa {
namespace {

double Seconds(const std::function<void()>& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The model's own cost for `values` forward rows and `gradients` forward+backward rows.
void BareQueries(Model& model, const torch::Tensor& rows, int64_t values, int64_t gradients,
                 int64_t batch) {
  const int64_t available = rows.size(0);
  auto run = [&](int64_t count, bool with_gradient) {
    for (int64_t begin = 0; begin < count; begin += batch) {
      const int64_t size = std::min(batch, count - begin);
      const int64_t start = begin % std::max<int64_t>(1, available - size + 1);
      torch::Tensor chunk = rows.slice(0, start, start + size);
      if (with_gradient) {
        chunk = chunk.detach().requires_grad_(true);
        torch::Tensor out = model.Forward(chunk).sum();
        torch::autograd::grad({out}, {chunk});
      } else {
        torch::NoGradGuard no_grad;
        model.Forward(chunk);
      }
    }
  };
  run(values, false);
  run(gradients, true);
  // CUDA kernels run asynchronously: wait for them, or the bare time is only the launch time.
  if (rows.is_cuda()) torch::cuda::synchronize();
}

}  // namespace

void RunBench(const BenchCommandOptions& options) {
  std::string model_path = options.model, data_path = options.data;
  if (model_path.empty() || data_path.empty()) {
    const auto dir = DataDirFromEnvironment();
    if (!dir) Fail("lfa bench: no --model/--data given and LFA_DATA_DIR does not hold lfa-paper/");
    if (model_path.empty()) model_path = PaperModelPath(*dir, "heloc", "ffnnA");
    if (data_path.empty()) data_path = PaperPointsPath(*dir, "heloc");
  }
  if (options.samples < 1) Fail("--samples must be > 0, got ", options.samples);
  if (options.repeats < 1) Fail("--repeats must be > 0, got ", options.repeats);
  if (options.patch < 0) Fail("--patch must be >= 0 (0: no groups), got ", options.patch);
  if (model_path.rfind("zoo:", 0) != 0) NoteInputFile(model_path, "model file");
  NoteInputFile(data_path, "data file");
  if (!options.out.empty()) CheckOutputPath(options.out, "--out");
  std::vector<Implementation> implementations;
  if (options.implementation == "both") {
    implementations = {Implementation::kLfa, Implementation::kClassic};
  } else {
    implementations = {ParseImplementation(options.implementation)};
  }

  const OpenedModel opened = OpenModel(model_path, {.cache_dir = options.cache_dir});
  const std::shared_ptr<Model> model = opened.model;
  const Points data = ReadPoints({.path = data_path, .rows = options.rows,
                                  .label_column = options.label_column,
                                  .label_column_csv_only = true},
                                 model->input_shape());
  CheckPointsFinite(data, model->dtype(), "data file '" + data_path + "'");
  const torch::Tensor& points = data.values;  // [n, *shape]
  const int64_t n = points.size(0);
  const FeatureGroups groups =
      options.patch > 0 ? FeatureGroups::Patches(options.patch) : FeatureGroups();
  Oracle oracle(model, OracleOptions{.device = options.device, .max_batch_rows = options.batch_size});
  const PointBatch batch = MakePointBatch(points, /*seed=*/0, data.first_row);
  const torch::Tensor targets = Targets(0, n);
  // Rows for the bare queries: the points with a little noise, on the device, in the model dtype.
  const int64_t pool = std::min<int64_t>(n * options.samples, 200000);
  std::vector<int64_t> pool_shape = {pool};
  pool_shape.insert(pool_shape.end(), data.shape.begin(), data.shape.end());
  const torch::Tensor flat = batch.flat;
  const torch::Tensor rows =
      (flat.repeat({(pool + n - 1) / n, 1}).slice(0, 0, pool) +
       0.01 * torch::randn({pool, flat.size(1)}, torch::kDouble))
          .reshape(pool_shape)
          .to(oracle.device(), model->dtype());

  std::printf("lfa bench: %s, %lld points x %lld samples, batch %lld, median of %lld, %d thread(s)\n",
              opened.description.c_str(), static_cast<long long>(n), static_cast<long long>(options.samples),
              static_cast<long long>(options.batch_size), static_cast<long long>(options.repeats),
              at::get_num_threads());
  std::printf("%-28s %10s %12s %12s %12s %8s\n", "explainer", "seconds", "value_rows",
              "grad_rows", "bare_secs", "ratio");
  std::vector<std::string> names;
  std::vector<double> rows_out;
  double total = 0;
  for (Implementation implementation : implementations) {
    for (const std::string& method : MethodNames()) {
      if (implementation == Implementation::kClassic && method == "clime") continue;
      RecipeOptions recipe;
      recipe.samples = options.samples;
      if (method == "lime" || method == "kernelshap" || method == "occlusion") recipe.groups = groups;
      const auto explainer = MakeExplainer(method, recipe, implementation);
      oracle.ResetQueries();
      explainer->Explain(oracle, batch, targets);  // warm-up, and the query counts
      const int64_t values = oracle.value_queries(), gradients = oracle.gradient_queries();
      std::vector<double> explain_times, bare_times;
      for (int64_t r = 0; r < options.repeats; ++r) {
        explain_times.push_back(Seconds([&] { explainer->Explain(oracle, batch, targets); }));
        bare_times.push_back(Seconds([&] {
          BareQueries(*model, rows, values, gradients, options.batch_size);
        }));
      }
      const double seconds = Median(explain_times), bare = Median(bare_times);
      total += seconds;
      std::printf("%-28s %10.4f %12lld %12lld %12.4f %8.2f\n", explainer->name().c_str(), seconds,
                  static_cast<long long>(values), static_cast<long long>(gradients), bare,
                  seconds / bare);
      std::fflush(stdout);
      names.push_back(explainer->name());
      rows_out.insert(rows_out.end(), {seconds, static_cast<double>(values),
                                       static_cast<double>(gradients), bare, seconds / bare});
    }
  }
  std::printf("%-28s %10.4f\n", "total", total);
  if (!options.out.empty()) {
    WriteCsv(options.out,
                       {"explainer", "seconds", "value_rows", "gradient_rows", "bare_seconds", "ratio"},
                       torch::tensor(rows_out, torch::kDouble).reshape({-1, 5}), names);
  }
}

namespace {

class BenchCommand : public Command {
 public:
  std::string name() const override { return "bench"; }
  std::string description() const override {
    return "time the explainers against bare model queries";
  }
  void AddOptions(CLI::App& app) override {
    BenchCommandOptions& o = options_;
    app.add_option("--model", o.model, "TorchScript model or zoo:ARCH (default: heloc_ffnnA)");
    app.add_option("--data", o.data, "CSV or IDX points (default: the paper's 100 heloc points)");
    app.add_option("--rows", o.rows, "row range BEGIN:END (default all)");
    app.add_option("--label-column", o.label_column, "CSV column to drop (default last)");
    app.add_option("--patch", o.patch, "P x P patch groups for the mask methods (images)");
    app.add_option("--cache-dir", o.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
    app.add_option("--samples", o.samples, "perturbations per point (default 1000)");
    app.add_option("--repeats", o.repeats, "timed runs, median reported (default 5)");
    app.add_option("--batch-size", o.batch_size, "rows per model call (default 10000)");
    app.add_option("--implementation", o.implementation, "lfa, classic or both");
    app.add_option("--device", o.device, "cpu (default) or cuda");
    app.add_option("--out", o.out, "optional CSV of the table");
  }
  void Run() override { RunBench(options_); }

 private:
  BenchCommandOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeBenchCommand() { return std::make_unique<BenchCommand>(); }

}  // namespace lfa
