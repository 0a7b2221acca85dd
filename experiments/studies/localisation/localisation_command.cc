#include "experiments/studies/localisation/localisation_command.h"

#include <string>

#include "experiments/command/flags.h"
#include "experiments/io/text.h"
#include "experiments/parallel/process_group.h"
#include "experiments/studies/localisation/localisation_study.h"

namespace lfa {
namespace {

class LocalisationStudyCommand : public Command, public ShardsAcrossRanks {
 public:
  std::string name() const override { return "localisation"; }
  std::string description() const override {
    return "ground-truth tasks: how much relevance each method puts on the true source";
  }
  void AddOptions(CLI::App& app) override {
    LocalisationStudyOptions& o = options_;
    app.add_option("--out", o.out, "output directory (default out/localisation)");
    app.add_option("--points", o.points, "test images per task (default 100)");
    app.add_option("--samples", o.samples,
                   "noisy copies / path points of the sampled methods (default 50)");
    app.add_option("--seed", o.seed, "random seed (default 0)")->check(SeedValidator());
    app.add_option("--device", o.device, "cpu (default) or cuda");
    app.add_option("--tasks", tasks_, "tasks (default block,two_blocks,control)");
    app.add_option("--epochs", o.epochs, "training epochs per task (default 3)");
    app.add_option("--cache-dir", o.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
    app.add_option("--fashion-mnist", o.fashion_mnist,
                   "Fashion-MNIST directory (default: Debian's dataset-fashion-mnist)");
  }
  void Run() override {
    options_.tasks = Split(tasks_);
    RunLocalisationStudy(options_);
  }

 private:
  LocalisationStudyOptions options_;
  std::string tasks_ = "block,two_blocks,control";
};

}  // namespace

std::unique_ptr<Command> MakeLocalisationStudyCommand() { return std::make_unique<LocalisationStudyCommand>(); }

}  // namespace lfa
