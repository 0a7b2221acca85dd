#include "experiments/studies/roar/roar_command.h"

#include <string>

#include "experiments/command/flags.h"
#include "experiments/io/text.h"
#include "experiments/parallel/process_group.h"
#include "experiments/studies/roar/roar_study.h"

namespace lfa {
namespace {

class RoarStudyCommand : public Command, public ShardsAcrossRanks {
 public:
  std::string name() const override { return "roar"; }
  std::string description() const override {
    return "ROAR and KAR: remove or keep each estimator's top pixels, retrain, test (resumable)";
  }
  void AddOptions(CLI::App& app) override {
    RoarStudyOptions& o = options_;
    app.add_option("--out", o.out, "output directory (default out/roar; rerun to resume)");
    app.add_option("--fractions", fractions_, "fractions t (default 0.1,0.3,0.5,0.7,0.9)");
    app.add_option("--retrains", o.retrains, "trainings per cell, seeds S..S+R-1 (default 2)");
    app.add_option("--train-subset", o.train_subset, "training images (default 8000)");
    app.add_option("--test-subset", o.test_subset, "test images (default 0: all 10000)");
    app.add_option("--epochs", o.epochs, "epochs per training (default 2)");
    app.add_option("--seed", o.seed, "seed (default 0)")->check(SeedValidator());
    app.add_option("--methods", methods_,
                   "estimators (default gradient,integrated_gradients,smoothgrad,"
                   "smoothgrad_squared,vargrad,random,sobel)");
    app.add_option("--removal", removals_,
                   "removals: mean (channel mean), road (ROAD's noisy linear imputation); "
                   "default mean,road");
    app.add_option("--device", o.device, "device of the estimators' queries (default cpu)");
    app.add_option("--cache-dir", o.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
    app.add_option("--fashion-mnist", o.fashion_mnist,
                   "Fashion-MNIST directory (default: Debian's dataset-fashion-mnist)");
  }
  void Run() override {
    options_.fractions = ParseNumbers(fractions_, "--fractions", "0.1,0.5,0.9");
    if (!methods_.empty()) options_.methods = Split(methods_);
    options_.removals = Split(removals_);
    RunRoarStudy(options_);
  }

 private:
  RoarStudyOptions options_;
  std::string fractions_ = "0.1,0.3,0.5,0.7,0.9";
  std::string methods_;
  std::string removals_ = "mean,road";
};

}  // namespace

std::unique_ptr<Command> MakeRoarStudyCommand() { return std::make_unique<RoarStudyCommand>(); }

}  // namespace lfa
