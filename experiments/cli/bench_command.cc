#include "experiments/cli/bench_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>

#include "experiments/command/flags.h"
#include "experiments/data/model_source.h"
#include "experiments/data/points_input.h"
#include "experiments/data/paper_data.h"
#include "experiments/io/atomic_file.h"
#include "experiments/io/csv.h"
#include "experiments/io/input_files.h"
#include "experiments/io/text.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "framework/lfa_explainer.h"
#include "framework/oracle.h"
#include "framework/unit_threads.h"

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

// The same split into `streams` equal shares run at once on unit threads, one intra-op thread
// each (framework/unit_threads.h): how LfaExplainer fills the cores with a thread-safe CPU model
// (its "Concurrent blocks"), so the bare queries get that chance too.
void BareQueries(Model& model, const torch::Tensor& rows, int64_t values, int64_t gradients,
                 int64_t batch, int64_t streams) {
  if (streams <= 1) return BareQueries(model, rows, values, gradients, batch);
  auto share = [&](int64_t total, int64_t s) {
    return total / streams + (s < total % streams ? 1 : 0);
  };
  RunUnitsOnThreads(streams, [&](int64_t s) {
    BareQueries(model, rows, share(values, s), share(gradients, s), batch);
  });
}

// How the bare queries may use the cores: one stream with every intra-op thread, and, for a model
// that LfaExplainer runs in concurrent blocks, one stream per thread.
std::vector<int64_t> BareStreams(Oracle& oracle) {
  const int64_t threads = at::get_num_threads();
  if (threads > 1 && LfaExplainer::BlocksOnUnitThreads(oracle)) return {1, threads};
  return {1};
}

// The bare queries' batch sizes to try: the override alone, or the Oracle's choices for values and
// gradients and two fixed sizes, so that the ratio is against the model at its best batch size.
std::vector<int64_t> BareBatches(Oracle& oracle, const std::vector<int64_t>& shape,
                                 int64_t override_rows) {
  if (override_rows > 0) return {override_rows};
  std::vector<int64_t> batches = {oracle.BatchRows(shape, QueryKind::kValues),
                                  oracle.BatchRows(shape, QueryKind::kGradients), 1000, 10000};
  std::sort(batches.begin(), batches.end());
  batches.erase(std::unique(batches.begin(), batches.end()), batches.end());
  return batches;
}

}  // namespace

namespace {

// One row of the table: the explainer's median time and its bare queries' at the best batch size.
struct BenchRow {
  std::string explainer;
  double seconds = 0;
  int64_t value_rows = 0, gradient_rows = 0;
  // The best bare time in one stream with every intra-op thread (the model called as a plain
  // batched loop would call it), and its batch size.
  double bare_seconds = 0;
  int64_t bare_batch = 0;
  // The best bare time over every way of BareStreams (equal to bare_seconds with one way): the
  // stricter baseline, where the model is run in concurrent streams as LfaExplainer runs it.
  double best_bare_seconds = 0;
  int64_t best_bare_streams = 1;
};

// What every measurement shares: the model, the points and the bare queries' input rows.
struct BenchSetup {
  std::shared_ptr<Model> model;
  std::string description;
  std::vector<int64_t> shape;
  PointBatch batch;
  torch::Tensor rows;  // [pool, *shape] on the device, in the model's dtype
};

BenchSetup LoadBenchSetup(const BenchCommandOptions& options) {
  std::string model_path = options.model, data_path = options.data;
  if (model_path.empty() || data_path.empty()) {
    const auto dir = DataDirFromEnvironment();
    if (!dir) Fail("lfa bench: no --model/--data given and LFA_DATA_DIR does not hold lfa-paper/");
    if (model_path.empty()) model_path = PaperModelPath(*dir, "heloc", "ffnnA");
    if (data_path.empty()) data_path = PaperPointsPath(*dir, "heloc");
  }
  if (model_path.rfind("zoo:", 0) != 0) NoteInputFile(model_path, "model file");
  NoteInputFile(data_path, "data file");
  const OpenedModel opened = OpenModel(model_path, {.cache_dir = options.cache_dir});
  const Points data = ReadPoints({.path = data_path, .rows = options.rows,
                                  .label_column = options.label_column,
                                  .label_column_csv_only = true},
                                 opened.model->input_shape());
  CheckPointsFinite(data, opened.model->dtype(), "data file '" + data_path + "'");
  BenchSetup setup{opened.model, opened.description, data.shape,
                   MakePointBatch(data.values, /*seed=*/0, data.first_row), {}};
  // Rows for the bare queries: the points with a little noise (RunBench moves them to the device).
  const int64_t n = data.values.size(0);
  const int64_t pool = std::min<int64_t>(n * options.samples, 200000);
  std::vector<int64_t> pool_shape = {pool};
  pool_shape.insert(pool_shape.end(), data.shape.begin(), data.shape.end());
  const torch::Tensor& flat = setup.batch.flat;
  setup.rows = (flat.repeat({(pool + n - 1) / n, 1}).slice(0, 0, pool) +
                0.01 * torch::randn({pool, flat.size(1)}, torch::kDouble))
                   .reshape(pool_shape)
                   .to(setup.model->dtype());
  return setup;
}

// Times `explainer` and its bare queries, interleaved: the explainer, then the bare queries at
// each candidate batch size and stream count, `repeats` times; medians, the best bare time.
BenchRow BenchExplainer(const Explainer& explainer, Oracle& oracle, const BenchSetup& setup,
                        const std::vector<int64_t>& bare_batches,
                        const std::vector<int64_t>& bare_streams, int64_t repeats) {
  const torch::Tensor targets = Targets(0, setup.batch.size());
  oracle.ResetQueries();
  explainer.Explain(oracle, setup.batch, targets);  // warm-up, and the query counts
  BenchRow row{explainer.name(), 0, oracle.value_queries(), oracle.gradient_queries(), 0, 0};
  std::vector<std::pair<int64_t, int64_t>> ways;  // (batch, streams)
  for (const int64_t batch : bare_batches)
    for (const int64_t streams : bare_streams) ways.emplace_back(batch, streams);
  std::vector<double> explain_times;
  std::vector<std::vector<double>> bare_times(ways.size());
  for (int64_t r = 0; r < repeats; ++r) {
    explain_times.push_back(Seconds([&] { explainer.Explain(oracle, setup.batch, targets); }));
    for (size_t w = 0; w < ways.size(); ++w)
      bare_times[w].push_back(Seconds([&] {
        BareQueries(*setup.model, setup.rows, row.value_rows, row.gradient_rows, ways[w].first,
                    ways[w].second);
      }));
  }
  row.seconds = Median(explain_times);
  for (size_t w = 0; w < ways.size(); ++w) {
    const double median = Median(bare_times[w]);
    const auto [batch, streams] = ways[w];
    if (streams == 1 && (row.bare_batch == 0 || median < row.bare_seconds))
      std::tie(row.bare_seconds, row.bare_batch) = std::make_pair(median, batch);
    if (w == 0 || median < row.best_bare_seconds)
      std::tie(row.best_bare_seconds, row.best_bare_streams) = std::make_pair(median, streams);
  }
  return row;
}

// --sweep: the model's bare cost per row at batch sizes 2^4 .. 2^16, for both query kinds, with
// the bytes of the batch as the Oracle counts them: the measurement behind kCpuBatchBytes.
void Sweep(Oracle& oracle, const BenchSetup& setup, int64_t repeats) {
  const int64_t value_bytes = oracle.RowBytes(setup.shape, QueryKind::kValues);
  const int64_t gradient_bytes = oracle.RowBytes(setup.shape, QueryKind::kGradients);
  std::printf("row bytes: %lld values, %lld gradients\n", static_cast<long long>(value_bytes),
              static_cast<long long>(gradient_bytes));
  std::printf("%10s %12s %12s %12s %12s\n", "batch", "value_MiB", "value_us", "grad_MiB",
              "grad_us");
  const int64_t rows = std::min<int64_t>(setup.rows.size(0), 65536);
  for (int64_t batch = 16; batch <= rows; batch *= 4) {
    std::vector<double> values, gradients;
    for (int64_t r = 0; r < repeats; ++r) {
      values.push_back(Seconds([&] { BareQueries(*setup.model, setup.rows, rows, 0, batch); }));
      gradients.push_back(
          Seconds([&] { BareQueries(*setup.model, setup.rows, 0, rows, batch); }));
    }
    const double mib = static_cast<double>(batch) / (1 << 20);
    std::printf("%10lld %12.2f %12.3f %12.2f %12.3f\n", static_cast<long long>(batch),
                mib * static_cast<double>(value_bytes), Median(values) / rows * 1e6,
                mib * static_cast<double>(gradient_bytes), Median(gradients) / rows * 1e6);
  }
}

void PrintRow(const BenchRow& row) {
  std::printf("%-28s %10.4f %12lld %12lld %12.4f %10lld %8.2f %12.4f %7lld %8.2f\n",
              row.explainer.c_str(), row.seconds, static_cast<long long>(row.value_rows),
              static_cast<long long>(row.gradient_rows), row.bare_seconds,
              static_cast<long long>(row.bare_batch), row.seconds / row.bare_seconds,
              row.best_bare_seconds, static_cast<long long>(row.best_bare_streams),
              row.seconds / row.best_bare_seconds);
  std::fflush(stdout);
}

void WriteBenchCsv(const std::string& path, const std::vector<BenchRow>& rows) {
  std::vector<std::string> names;
  std::vector<double> values;
  for (const BenchRow& row : rows) {
    names.push_back(row.explainer);
    values.insert(values.end(), {row.seconds, static_cast<double>(row.value_rows),
                                 static_cast<double>(row.gradient_rows), row.bare_seconds,
                                 static_cast<double>(row.bare_batch),
                                 row.seconds / row.bare_seconds, row.best_bare_seconds,
                                 static_cast<double>(row.best_bare_streams),
                                 row.seconds / row.best_bare_seconds});
  }
  WriteCsv(path,
           {"explainer", "seconds", "value_rows", "gradient_rows", "bare_seconds", "bare_batch",
            "ratio", "streams_bare_seconds", "streams", "streams_ratio"},
           torch::tensor(values, torch::kDouble).reshape({-1, 9}), names);
}

}  // namespace

void RunBench(const BenchCommandOptions& options) {
  if (options.samples < 1) Fail("--samples must be > 0, got ", options.samples);
  if (options.repeats < 1) Fail("--repeats must be > 0, got ", options.repeats);
  if (options.patch < 0) Fail("--patch must be >= 0 (0: no groups), got ", options.patch);
  if (options.batch_size < 0)
    Fail("--batch-size must be >= 0 (0: the Oracle's choice), got ", options.batch_size);
  if (!options.out.empty()) CheckOutputPath(options.out);
  const std::vector<std::string> all_methods = MethodNames();
  for (const std::string& method : options.explainers)
    if (std::find(all_methods.begin(), all_methods.end(), method) == all_methods.end())
      Fail("--explainers: unknown explainer '", method, "' (known: ", Join(all_methods, ", "), ")");
  const std::vector<std::string>& methods =
      options.explainers.empty() ? all_methods : options.explainers;
  std::vector<Implementation> implementations = {Implementation::kLfa, Implementation::kClassic};
  if (options.implementation != "both")
    implementations = {ParseImplementation(options.implementation)};
  BenchSetup setup = LoadBenchSetup(options);
  Oracle oracle(setup.model, {.device = options.device, .max_batch_rows = options.batch_size});
  setup.rows = setup.rows.to(oracle.device());
  const std::vector<int64_t> bare_batches = BareBatches(oracle, setup.shape, options.batch_size);
  const std::vector<int64_t> bare_streams = BareStreams(oracle);
  std::printf("lfa bench: %s, %lld points x %lld samples, batch %lld values / %lld gradients,"
              " median of %lld, %d thread(s), %s\n",
              setup.description.c_str(), static_cast<long long>(setup.batch.size()),
              static_cast<long long>(options.samples),
              static_cast<long long>(oracle.BatchRows(setup.shape, QueryKind::kValues)),
              static_cast<long long>(oracle.BatchRows(setup.shape, QueryKind::kGradients)),
              static_cast<long long>(options.repeats), at::get_num_threads(),
              oracle.device().str().c_str());
  if (options.sweep) Sweep(oracle, setup, options.repeats);
  std::printf("%-28s %10s %12s %12s %12s %10s %8s %12s %7s %8s\n", "explainer", "seconds",
              "value_rows", "grad_rows", "bare_secs", "bare_batch", "ratio", "streams_secs",
              "streams", "s_ratio");
  const FeatureGroups groups =
      options.patch > 0 ? FeatureGroups::Patches(options.patch) : FeatureGroups();
  std::vector<BenchRow> rows;
  double total = 0;
  for (Implementation implementation : implementations) {
    for (const std::string& method : methods) {
      if (implementation == Implementation::kClassic && method == "clime") continue;
      RecipeOptions recipe;
      recipe.samples = options.samples;
      if (method == "lime" || method == "kernelshap" || method == "occlusion") recipe.groups = groups;
      const auto explainer = MakeExplainer(method, recipe, implementation);
      rows.push_back(
          BenchExplainer(*explainer, oracle, setup, bare_batches, bare_streams, options.repeats));
      PrintRow(rows.back());
      total += rows.back().seconds;
    }
  }
  std::printf("%-28s %10.4f\n", "total", total);
  if (!options.out.empty()) WriteBenchCsv(options.out, rows);
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
    ModelAndDataFlags flags = ModelAndDataFieldsOf(o);
    flags.default_model = "heloc_ffnnA";
    flags.default_data = "the paper's 100 heloc points";
    flags.default_label_column = "last";
    AddModelAndDataOptions(app, flags);
    app.add_option("--patch", o.patch, "P x P patch groups for the mask methods (images)");
    app.add_option("--samples", o.samples, "perturbations per point (default 1000)");
    app.add_option("--repeats", o.repeats, "timed runs, median reported (default 5)");
    app.add_option("--batch-size", o.batch_size,
                   "rows per model call (default 0: the Oracle's choice; bare queries: the best of"
                   " it, 1000 and 10000)");
    app.add_option("--implementation", o.implementation, "lfa, classic or both");
    app.add_option("--out", o.out, "optional CSV of the table");
    app.add_option("--explainers", o.explainers, "comma-separated methods to time (default all)")
        ->delimiter(',');
    app.add_flag("--sweep", o.sweep, "first print the bare cost per row at batch sizes 16..65536");
  }
  void Run() override { RunBench(options_); }

 private:
  BenchCommandOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeBenchCommand() { return std::make_unique<BenchCommand>(); }

}  // namespace lfa
