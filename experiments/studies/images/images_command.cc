#include "experiments/studies/images/images_command.h"

#include <string>

#include "experiments/command/flags.h"
#include "experiments/io/text.h"
#include "experiments/parallel/process_group.h"
#include "experiments/studies/images/image_study.h"
#include "framework/errors.h"

namespace lfa {
namespace {

class ImageStudyCommand : public Command, public ShardsAcrossRanks {
 public:
  std::string name() const override { return "images"; }
  std::string description() const override {
    return "every explainer on Fashion-MNIST zoo models: metrics, no-free-lunch, heatmaps";
  }
  void AddOptions(CLI::App& app) override {
    ImageStudyOptions& o = options_;
    app.add_option("--out", o.out, "output directory (default out/images)");
    app.add_option("--points", o.points, "test images per model (default 16)");
    app.add_option("--samples", o.samples, "perturbations per image (default 1000)");
    app.add_option("--seed", o.seed, "random seed (default 0)")->check(SeedValidator());
    app.add_option("--device", o.device, "cpu (default) or cuda");
    app.add_option("--models", models_, "zoo architectures (default cnn,mlp)");
    app.add_option("--patch", o.patch, "patch size of the mask methods (default 4)");
    app.add_option("--heatmap-images", o.heatmap_images, "images with a montage per model (default 4)");
    app.add_option("--noisy-copies", o.noisy_copies,
                   "samples of the noisy-gradient ensembles and Smooth Grad-CAM++ (default 50)");
    app.add_option("--cache-dir", o.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
    app.add_option("--fashion-mnist", o.fashion_mnist,
                   "Fashion-MNIST directory (default: Debian's dataset-fashion-mnist)");
    app.add_option("--nfl-samples", nfl_samples_,
                   "sample sweep of the no-free-lunch matrix, e.g. 1000,4000,16000 (default: none)");
    app.add_option("--nfl-sweep-methods", nfl_sweep_methods_,
                   "rows the sweep re-explains (default clime,smoothgrad)");
  }
  void Run() override {
    options_.models = Split(models_);
    options_.nfl_sweep_methods = Split(nfl_sweep_methods_);
    options_.nfl_samples.clear();
    if (!nfl_samples_.empty())
      for (const std::string& count : Split(nfl_samples_)) {
        const auto n = ParseInteger(count);
        if (!n) Fail("lfa study images: --nfl-samples: '", count, "' is not an integer");
        options_.nfl_samples.push_back(*n);
      }
    RunImageStudy(options_);
  }

 private:
  ImageStudyOptions options_;
  std::string models_ = "cnn,mlp";
  std::string nfl_samples_;
  std::string nfl_sweep_methods_ = "clime,smoothgrad";
};

}  // namespace

std::unique_ptr<Command> MakeImageStudyCommand() { return std::make_unique<ImageStudyCommand>(); }

}  // namespace lfa
