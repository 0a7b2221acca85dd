#include "experiments/cli/demo_command.h"

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "experiments/command/flags.h"
#include "experiments/data/paper_data.h"
#include "experiments/io/atomic_file.h"
#include "experiments/io/csv.h"
#include "experiments/io/input_files.h"
#include "experiments/studies/common/study_output.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "models/analytic_model.h"
#include "models/torchscript_model.h"

namespace lfa {

namespace {

// The demo's model and points: the paper's HELOC network, or the built-in analytic model.
struct DemoTask {
  std::shared_ptr<Model> model;
  torch::Tensor points;
  std::vector<std::string> names;
};

DemoTask LoadDemoTask(const DemoCommandOptions& options) {
  DemoTask task;
  if (const auto dir = DataDirFromEnvironment()) {
    NoteInputFile(PaperModelPath(*dir, "heloc", "ffnnA"), "model file");
    task.model = std::make_shared<TorchScriptModel>(PaperModelPath(*dir, "heloc", "ffnnA"));
    CsvTable table = LoadPaperTable(*dir, "heloc");
    task.points = table.values;
    task.names = table.header;
    std::printf("lfa demo: heloc_ffnnA (%s), %lld points\n", task.model->description().c_str(),
                static_cast<long long>(task.points.size(0)));
    return task;
  }
  std::printf("lfa demo: LFA_DATA_DIR is not set (or lacks lfa-paper/); using the built-in "
              "analytic model f(x) = sum_i sin(3 x_i) + x_0 x_1 on 100 points of [0, 1]^6\n");
  task.model = std::make_shared<AnalyticModel>(
      std::vector<int64_t>{6},
      [](const torch::Tensor& x) {
        return (torch::sin(3 * x).sum(1) + x.select(1, 0) * x.select(1, 1)).unsqueeze(1);
      },
      "sum of sines");
  torch::manual_seed(options.seed);
  task.points = torch::rand({100, 6}, torch::kDouble);
  for (int j = 0; j < 6; ++j) task.names.push_back('x' + std::to_string(j));
  return task;
}

torch::Tensor Table(const Explanation& e) {
  return torch::cat({e.attributions, e.intercepts.unsqueeze(1), e.loss.unsqueeze(1),
                     e.r2.unsqueeze(1)}, 1);
}

}  // namespace

void RunDemo(const DemoCommandOptions& options) {
  // Created now, removed again if the run fails; every file is checked before any work.
  StudyDirectory out(options.out);
  std::vector<std::pair<std::string, bool>> files;  // (method, classic)
  for (const std::string& method : MethodNames()) {
    files.emplace_back(method, false);
    if (method != "clime") files.emplace_back(method, true);
  }
  const auto path = [&out](const std::string& method, bool classic) {
    return out.File(method + (classic ? "_classic.csv" : ".csv"));
  };
  const DemoTask task = LoadDemoTask(options);
  for (const auto& [method, classic] : files) CheckOutputPath(path(method, classic), "--out file");
  Oracle oracle(task.model);
  const PointBatch batch = MakePointBatch(task.points, options.seed);
  const torch::Tensor targets = Targets(0, task.points.size(0));
  std::vector<std::string> header = task.names;
  header.insert(header.end(), {"intercept", "loss", "r2"});
  // Every explanation first, the files last: an interrupted run writes none of them.
  std::vector<torch::Tensor> tables;
  for (const std::string& method : MethodNames()) {
    const RecipeOptions recipe{.samples = options.samples};
    const Explanation lfa = MakeExplainer(method, recipe)->Explain(oracle, batch, targets);
    tables.push_back(Table(lfa));
    std::printf("  %s\n", lfa.BriefReport().c_str());
    if (method == "clime") continue;
    const Explanation classic =
        MakeExplainer(method, recipe, Implementation::kClassic)->Explain(oracle, batch, targets);
    tables.push_back(Table(classic));
    const double l1 = (classic.attributions - lfa.attributions).abs().sum(1).mean().item<double>();
    std::printf("  %-22s classic vs lfa: mean L1 %.4f\n", method.c_str(), l1);
  }
  for (size_t i = 0; i < files.size(); ++i)
    WriteCsv(path(files[i].first, files[i].second), header, tables[i]);
  out.Keep();
  std::printf("lfa demo: CSVs written to %s\n", options.out.c_str());
}

namespace {

class DemoCommand : public Command {
 public:
  std::string name() const override { return "demo"; }
  std::string description() const override {
    return "the built-in default job: all eight explainers";
  }
  void AddOptions(CLI::App& app) override {
    app.add_option("--out", options_.out, "output directory (default out/demo)");
    app.add_option("--samples", options_.samples, "perturbations per point (default 1000)");
    app.add_option("--seed", options_.seed, "random seed (default 0)")->check(SeedValidator());
  }
  void Run() override { RunDemo(options_); }

 private:
  DemoCommandOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeDemoCommand() { return std::make_unique<DemoCommand>(); }

}  // namespace lfa
