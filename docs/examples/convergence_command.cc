#include "docs/examples/convergence_command.h"

#include <string>

#include "docs/examples/convergence_study.h"
#include "experiments/command/flags.h"
#include "framework/errors.h"

namespace lfa {
namespace {

class ConvergenceStudyCommand : public Command {
 public:
  std::string name() const override { return "convergence"; }
  std::string description() const override {
    return "SmoothGrad and C-LIME against the smoothed gradient as the samples grow";
  }
  void AddOptions(CLI::App& app) override {
    app.add_option("--out", out_, "output directory")->required();
    app.add_option("--samples", samples_, "sample counts, increasing (default 10,100,1000)");
    app.add_option("--points", options_.points, "points explained (default 20)");
    app.add_option("--sigma", options_.sigma, "noise of both methods (default 0.3)");
    app.add_option("--seed", options_.seed, "random seed (default 0)");
  }
  void Run() override {
    options_.samples.clear();
    for (double s : ParseNumbers(samples_, "--samples", "10,100,1000"))
      options_.samples.push_back(static_cast<int64_t>(s));
    std::string error;
    if (!options_.IsValid(&error)) throw InvalidInput(error);
    WriteConvergenceReport(RunConvergenceStudy(options_), out_);
  }

 private:
  ConvergenceStudyOptions options_;
  std::string samples_ = "10,100,1000";
  std::string out_;
};

}  // namespace

std::unique_ptr<Command> MakeConvergenceStudyCommand() {
  return std::make_unique<ConvergenceStudyCommand>();
}

}  // namespace lfa
