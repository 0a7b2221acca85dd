#include "experiments/studies/paper/paper_command.h"

#include <string>

#include "experiments/command/flags.h"
#include "experiments/parallel/process_group.h"
#include "experiments/studies/paper/paper_study.h"

namespace lfa {
namespace {

class ReproducePaperCommand : public Command, public ShardsAcrossRanks {
 public:
  std::string name() const override { return "paper"; }
  std::string description() const override {
    return "Han, Srinivas & Lakkaraju (NeurIPS 2022)";
  }
  void AddOptions(CLI::App& app) override {
    ReproduceOptions& o = options_;
    app.add_option("--data-dir", o.data_dir, "directory holding lfa-paper/ (default LFA_DATA_DIR)");
    app.add_option("--out", o.out, "output directory (default out/reproduce)");
    app.add_option("--samples", o.samples, "perturbations per point (default 1000)");
    app.add_option("--seed", o.seed, "random seed (default 0)")->check(SeedValidator());
    app.add_option("--reference-dir", o.reference_dir,
                   "released CSVs (default DATA_DIR/../reference/lfa-paper)");
  }
  void Run() override {
    RunReproducePaper(options_);
  }

 private:
  ReproduceOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeReproducePaperCommand() { return std::make_unique<ReproducePaperCommand>(); }

}  // namespace lfa
