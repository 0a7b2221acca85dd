#include "experiments/studies/choose/choose_command.h"

#include <string>
#include <vector>

#include "experiments/command/flags.h"
#include "experiments/studies/choose/choose_study.h"

namespace lfa {
namespace {

class ChooseCommand : public Command {
 public:
  std::string name() const override { return "choose"; }
  std::string description() const override {
    return "which explanation should I choose? every candidate's LFA loss over your neighbourhood";
  }
  void AddOptions(CLI::App& app) override;
  void Run() override {
    if (!input_shape_.empty()) options_.input_shape = ParseShape(input_shape_, "--input-shape");
    RunChooseStudy(options_);
  }

 private:
  ChooseOptions options_;
  std::string input_shape_;
};

void ChooseCommand::AddOptions(CLI::App& app) {
  ChooseOptions& o = options_;
  ModelAndDataFlags flags = ModelAndDataFieldsOf(o);
  flags.activations = &o.activations;
  flags.input_shape = &input_shape_;
  flags.pixel_scale = &o.pixel_scale;
  AddModelAndDataOptions(app, flags);
  app.add_option("--neighbourhood", o.neighbourhoods,
                 "neighbourhood of interest (repeatable): lime, kernelshap, occlusion, clime, "
                 "smoothgrad, gradient, integrated_gradients, gradient_x_input, with parameters "
                 "NAME:key=value,... (e.g. smoothgrad:sigma=0.2), or a JSON spec FILE.json")
      ->required();
  app.add_option("--candidates", o.candidates,
                 "comma-separated: all (default), lfa, classic, image, or names (lime, "
                 "lime_classic, vargrad, ...)");
  app.add_option("--spec", o.candidate_specs,
                 "a JSON composition added as a candidate (repeatable)");
  app.add_option("--profile", o.profile,
                 "sweep a width: sigma:A..B:K, sigma:v1,v2,..., patch:2,4,7 or length:A..B:K");
  app.add_option("--samples", o.samples,
                 "perturbations per point of the compositions (default 1000)");
  app.add_option("--evaluation-samples", o.evaluation_samples,
                 "fresh samples per point of every loss (default 1000)");
  app.add_option("--seed", o.seed, "random seed (default 0)")->check(SeedValidator());
  app.add_option("--level", o.level, "confidence level of the intervals (default 0.95)");
  app.add_option("--output-index", o.output_index,
                 "model output explained (default: 0 for one output, else the predicted class)");
  app.add_option("--batch-size", o.batch_size, "rows per model call (default 0: sized from a byte budget)");
  app.add_option("--out", o.out, "output directory: choose.csv, report.md, PNGs")->required();
}

}  // namespace

std::unique_ptr<Command> MakeChooseCommand() { return std::make_unique<ChooseCommand>(); }

}  // namespace lfa
