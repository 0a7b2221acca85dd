#include "experiments/cli/demo_command.h"

#include <cstdio>
#include <filesystem>

#include "experiments/data/paper_data.h"
#include "experiments/io/csv.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "models/analytic_model.h"
#include "models/torchscript_model.h"

namespace lfa {

void RunDemo(const DemoCommandOptions& options) {
  std::filesystem::create_directories(options.out);
  std::shared_ptr<Model> model;
  torch::Tensor points;
  std::vector<std::string> names;
  if (const auto dir = DataDirFromEnvironment()) {
    model = std::make_shared<TorchScriptModel>(PaperModelPath(*dir, "heloc", "ffnnA"));
    CsvTable table = LoadPaperTable(*dir, "heloc");
    points = table.values;
    names = table.header;
    std::printf("lfa demo: heloc_ffnnA (%s), %lld points\n", model->description().c_str(),
                static_cast<long long>(points.size(0)));
  } else {
    std::printf("lfa demo: LFA_DATA_DIR is not set (or lacks lfa-paper/); using the built-in "
                "analytic model f(x) = sum_i sin(3 x_i) + x_0 x_1 on 100 points of [0, 1]^6\n");
    model = std::make_shared<AnalyticModel>(
        std::vector<int64_t>{6},
        [](const torch::Tensor& x) {
          return (torch::sin(3 * x).sum(1) + x.select(1, 0) * x.select(1, 1)).unsqueeze(1);
        },
        "sum of sines");
    torch::manual_seed(options.seed);
    points = torch::rand({100, 6}, torch::kDouble);
    for (int j = 0; j < 6; ++j) names.push_back('x' + std::to_string(j));
  }
  Oracle oracle(model);
  const PointBatch batch = MakePointBatch(points, options.seed);
  const torch::Tensor targets = Targets(0, points.size(0));
  std::vector<std::string> header = names;
  header.insert(header.end(), {"intercept", "loss", "r2"});
  for (const std::string& method : MethodNames()) {
    const RecipeOptions recipe{.samples = options.samples};
    const Explanation lfa = MakeExplainer(method, recipe)->Explain(oracle, batch, targets);
    WriteCsv(options.out + "/" + method + ".csv", header,
                       torch::cat({lfa.attributions, lfa.intercepts.unsqueeze(1),
                                   lfa.loss.unsqueeze(1), lfa.r2.unsqueeze(1)}, 1));
    std::printf("  %s\n", lfa.BriefReport().c_str());
    if (method == "clime") continue;
    const Explanation classic =
        MakeExplainer(method, recipe, Implementation::kClassic)->Explain(oracle, batch, targets);
    WriteCsv(options.out + "/" + method + "_classic.csv", header,
                       torch::cat({classic.attributions, classic.intercepts.unsqueeze(1),
                                   classic.loss.unsqueeze(1), classic.r2.unsqueeze(1)}, 1));
    const double l1 = (classic.attributions - lfa.attributions).abs().sum(1).mean().item<double>();
    std::printf("  %-22s classic vs lfa: mean L1 %.4f\n", method.c_str(), l1);
  }
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
    app.add_option("--seed", options_.seed, "random seed (default 0)");
  }
  void Run() override { RunDemo(options_); }

 private:
  DemoCommandOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeDemoCommand() { return std::make_unique<DemoCommand>(); }

}  // namespace lfa
