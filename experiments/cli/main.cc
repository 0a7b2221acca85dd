// The `lfa` program: the user's front door. Subcommands: explain, bench, demo.
// Errors print one line on stderr ("lfa: error: ...") and exit non-zero: 2 for bad input (a flag,
// a file, a spec key), 1 for anything else. --help on any subcommand lists its options.
#include <cstdio>
#include <exception>
#include <sstream>
#include <thread>

#include <ATen/Parallel.h>

#include <CLI/CLI.hpp>

#include "experiments/cli/bench_command.h"
#include "experiments/cli/demo_command.h"
#include "experiments/cli/explain_command.h"
#include "experiments/io/text.h"
#include "experiments/studies/images/image_study.h"
#include "experiments/studies/localisation/localisation_study.h"
#include "experiments/studies/paper/paper_study.h"
#include "experiments/studies/roar/roar_study.h"
#include "framework/errors.h"

namespace {

std::vector<int64_t> ParseShape(const std::string& text, const std::string& flag = "--input-shape") {
  std::vector<int64_t> shape;
  for (const std::string& part : lfa::Split(text)) {
    const std::optional<int64_t> size = lfa::ParseInteger(part);
    if (!size) lfa::Fail(flag, ": '", part, "' is not an integer (expected e.g. 1,28,28)");
    if (*size < 1) lfa::Fail(flag, ": sizes must be >= 1, got ", *size);
    shape.push_back(*size);
  }
  return shape;
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

int main(int argc, char** argv) {
  // LibTorch's intra-op pool may start with one thread; use every core unless told otherwise.
  const char* threads = std::getenv("LFA_NUM_THREADS");
  at::set_num_threads(threads ? std::max(1, std::atoi(threads))
                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  CLI::App app{"lfa: post-hoc explanations as local function approximations"};
  app.require_subcommand(1);

  lfa::ExplainCommandOptions explain;
  std::string input_shape;
  auto* explain_cmd =
      app.add_subcommand("explain", "explain every row of a CSV table or an IDX image file");
  explain_cmd->add_option("--model", explain.model, "TorchScript model file or zoo:cnn|cnn_gap|mlp")
      ->required();
  explain_cmd->add_option("--data", explain.data, "CSV file with a header row, or an IDX file")
      ->required();
  explain_cmd->add_option("--rows", explain.rows, "row range BEGIN:END (END exclusive; default all)");
  explain_cmd->add_option("--label-column", explain.label_column, "CSV column to drop: NAME or 'last'");
  explain_cmd->add_option("--input-shape", input_shape, "shape of one row, e.g. 1,28,28");
  explain_cmd->add_option("--pixel-scale", explain.pixel_scale,
                          "multiply the data (default 1/255 for uint8 IDX, else 1)");
  explain_cmd->add_option("--explainer", explain.explainer,
                          "lime, kernelshap, occlusion, clime, smoothgrad, gradient, "
                          "integrated_gradients, gradient_x_input; images also smoothgrad_squared, "
                          "vargrad, gradcam, gradcampp, smoothgradcampp");
  explain_cmd->add_option("--implementation", explain.implementation, "lfa (default) or classic");
  explain_cmd->add_option("--spec", explain.spec, "JSON spec composing an explainer");
  explain_cmd->add_option("--groups", explain.groups, "feature groups of the mask methods: patch:P");
  explain_cmd->add_option("--samples", explain.samples, "perturbations per point (default 1000)");
  explain_cmd->add_option("--seed", explain.seed, "random seed (default 0)");
  explain_cmd->add_option("--sigma", explain.sigma, "noise of clime/smoothgrad (default 0.1)");
  explain_cmd->add_option("--kernel-width", explain.kernel_width, "LIME kernel width (default 1)");
  explain_cmd->add_option("--baseline", explain.baseline,
                          "removed-feature value: a number (default 0), mean or blur:SIGMA");
  std::string window, strides;
  explain_cmd->add_option("--window", window, "classic occlusion: sliding window H,W or C,H,W");
  explain_cmd->add_option("--strides", strides, "classic occlusion: window strides (default 1)");
  explain_cmd->add_option("--noise-fraction", explain.noise_fraction,
                          "smoothgrad, clime, image methods: noise sigma / each point's range");
  explain_cmd->add_option("--layer", explain.layer, "CAM layer (default: the last spatial layer)");
  explain_cmd->add_option("--output-index", explain.output_index, "model output explained (default 0)");
  explain_cmd->add_option("--device", explain.device, "cpu (default) or cuda");
  explain_cmd->add_option("--batch-size", explain.batch_size, "rows per model call (default 10000)");
  explain_cmd->add_option("--heatmaps", explain.heatmaps, "directory for one PNG montage per row");
  explain_cmd->add_option("--cache-dir", explain.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
  explain_cmd->add_option("--out", explain.out, "output CSV file")->required();

  lfa::BenchCommandOptions bench;
  auto* bench_cmd = app.add_subcommand("bench", "time the explainers against bare model queries");
  bench_cmd->add_option("--model", bench.model, "TorchScript model or zoo:ARCH (default: heloc_ffnnA)");
  bench_cmd->add_option("--data", bench.data, "CSV or IDX points (default: the paper's 100 heloc points)");
  bench_cmd->add_option("--rows", bench.rows, "row range BEGIN:END (default all)");
  bench_cmd->add_option("--label-column", bench.label_column, "CSV column to drop (default last)");
  bench_cmd->add_option("--patch", bench.patch, "P x P patch groups for the mask methods (images)");
  bench_cmd->add_option("--cache-dir", bench.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
  bench_cmd->add_option("--samples", bench.samples, "perturbations per point (default 1000)");
  bench_cmd->add_option("--repeats", bench.repeats, "timed runs, median reported (default 5)");
  bench_cmd->add_option("--batch-size", bench.batch_size, "rows per model call (default 10000)");
  bench_cmd->add_option("--implementation", bench.implementation, "lfa, classic or both");
  bench_cmd->add_option("--device", bench.device, "cpu (default) or cuda");
  bench_cmd->add_option("--out", bench.out, "optional CSV of the table");

  lfa::DemoCommandOptions demo;
  auto* demo_cmd = app.add_subcommand("demo", "the built-in default job: all eight explainers");
  demo_cmd->add_option("--out", demo.out, "output directory (default out/demo)");
  demo_cmd->add_option("--samples", demo.samples, "perturbations per point (default 1000)");
  demo_cmd->add_option("--seed", demo.seed, "random seed (default 0)");

  lfa::ReproduceOptions reproduce;
  auto* reproduce_cmd = app.add_subcommand("reproduce", "reproduce a paper's experiments");
  auto* paper_cmd = reproduce_cmd->add_subcommand("paper", "Han, Srinivas & Lakkaraju (NeurIPS 2022)");
  reproduce_cmd->require_subcommand(1);
  paper_cmd->add_option("--data-dir", reproduce.data_dir, "directory holding lfa-paper/ (default LFA_DATA_DIR)");
  paper_cmd->add_option("--out", reproduce.out, "output directory (default out/reproduce)");
  paper_cmd->add_option("--samples", reproduce.samples, "perturbations per point (default 1000)");
  paper_cmd->add_option("--seed", reproduce.seed, "random seed (default 0)");
  paper_cmd->add_option("--reference-dir", reproduce.reference_dir,
                        "released CSVs (default DATA_DIR/../reference/lfa-paper)");

  lfa::ImageStudyOptions images;
  std::string study_models = "cnn,mlp";
  auto* study_cmd = app.add_subcommand("study", "run a study: tables, plots and a report");
  study_cmd->require_subcommand(1);
  auto* images_cmd = study_cmd->add_subcommand(
      "images", "every explainer on Fashion-MNIST zoo models: metrics, no-free-lunch, heatmaps");
  images_cmd->add_option("--out", images.out, "output directory (default out/images)");
  images_cmd->add_option("--points", images.points, "test images per model (default 16)");
  images_cmd->add_option("--samples", images.samples, "perturbations per image (default 1000)");
  images_cmd->add_option("--seed", images.seed, "random seed (default 0)");
  images_cmd->add_option("--device", images.device, "cpu (default) or cuda");
  images_cmd->add_option("--models", study_models, "zoo architectures (default cnn,mlp)");
  images_cmd->add_option("--patch", images.patch, "patch size of the mask methods (default 4)");
  images_cmd->add_option("--heatmap-images", images.heatmap_images,
                         "images with a montage per model (default 4)");
  images_cmd->add_option("--noisy-copies", images.noisy_copies,
                         "samples of the noisy-gradient ensembles and Smooth Grad-CAM++ (default 50)");
  images_cmd->add_option("--cache-dir", images.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
  images_cmd->add_option("--fashion-mnist", images.fashion_mnist,
                         "Fashion-MNIST directory (default: Debian's dataset-fashion-mnist)");

  lfa::LocalisationStudyOptions localisation;
  std::string localisation_tasks = "block,two_blocks,control";
  auto* localisation_cmd = study_cmd->add_subcommand(
      "localisation", "ground-truth tasks: how much relevance each method puts on the true source");
  localisation_cmd->add_option("--out", localisation.out, "output directory (default out/localisation)");
  localisation_cmd->add_option("--points", localisation.points, "test images per task (default 100)");
  localisation_cmd->add_option("--samples", localisation.samples,
                               "noisy copies / path points of the sampled methods (default 50)");
  localisation_cmd->add_option("--seed", localisation.seed, "random seed (default 0)");
  localisation_cmd->add_option("--device", localisation.device, "cpu (default) or cuda");
  localisation_cmd->add_option("--tasks", localisation_tasks, "tasks (default block,two_blocks,control)");
  localisation_cmd->add_option("--epochs", localisation.epochs, "training epochs per task (default 3)");
  localisation_cmd->add_option("--cache-dir", localisation.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
  localisation_cmd->add_option("--fashion-mnist", localisation.fashion_mnist,
                               "Fashion-MNIST directory (default: Debian's dataset-fashion-mnist)");

  lfa::RoarStudyOptions roar;
  std::string roar_fractions = "0.1,0.3,0.5,0.7,0.9";
  std::string roar_methods;
  auto* roar_cmd = study_cmd->add_subcommand(
      "roar", "ROAR and KAR: remove or keep each estimator's top pixels, retrain, test (resumable)");
  roar_cmd->add_option("--out", roar.out, "output directory (default out/roar; rerun to resume)");
  roar_cmd->add_option("--fractions", roar_fractions, "fractions t (default 0.1,0.3,0.5,0.7,0.9)");
  roar_cmd->add_option("--retrains", roar.retrains, "trainings per cell, seeds S..S+R-1 (default 2)");
  roar_cmd->add_option("--train-subset", roar.train_subset, "training images (default 8000)");
  roar_cmd->add_option("--test-subset", roar.test_subset, "test images (default 0: all 10000)");
  roar_cmd->add_option("--epochs", roar.epochs, "epochs per training (default 2)");
  roar_cmd->add_option("--seed", roar.seed, "seed (default 0)");
  roar_cmd->add_option("--methods", roar_methods,
                       "estimators (default gradient,integrated_gradients,smoothgrad,"
                       "smoothgrad_squared,vargrad,random,sobel)");
  roar_cmd->add_option("--device", roar.device, "device of the estimators' queries (default cpu)");
  roar_cmd->add_option("--cache-dir", roar.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
  roar_cmd->add_option("--fashion-mnist", roar.fashion_mnist,
                       "Fashion-MNIST directory (default: Debian's dataset-fashion-mnist)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help: CLI11 prints it. Parse errors: one line, like every other error (CLI11's own
    // message is two lines and uses its own exit codes).
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    std::string command = "lfa";
    for (const auto* sub : app.get_subcommands()) command += " " + sub->get_name();
    std::fprintf(stderr, "lfa: error: %s (see %s --help)\n", FirstLine(e.what()).c_str(),
                 command.c_str());
    return 2;
  }
  try {
    if (*explain_cmd) {
      if (!input_shape.empty()) explain.input_shape = ParseShape(input_shape);
      if (!window.empty()) explain.window = ParseShape(window, "--window");
      if (!strides.empty()) explain.strides = ParseShape(strides, "--strides");
      lfa::RunExplain(explain);
    } else if (*bench_cmd) {
      lfa::RunBench(bench);
    } else if (*demo_cmd) {
      lfa::RunDemo(demo);
    } else if (*paper_cmd) {
      lfa::RunReproducePaper(reproduce);
    } else if (*images_cmd) {
      images.models = lfa::Split(study_models);
      lfa::RunImageStudy(images);
    } else if (*localisation_cmd) {
      localisation.tasks = lfa::Split(localisation_tasks);
      lfa::RunLocalisationStudy(localisation);
    } else if (*roar_cmd) {
      roar.fractions.clear();
      for (const std::string& item : lfa::Split(roar_fractions)) {
        const std::optional<double> value = lfa::ParseDouble(item);
        if (!value) lfa::Fail("--fractions: '", item, "' is not a number (expected e.g. 0.1,0.5,0.9)");
        roar.fractions.push_back(*value);
      }
      if (!roar_methods.empty()) roar.methods = lfa::Split(roar_methods);
      lfa::RunRoarStudy(roar);
    }
  } catch (const lfa::InvalidInput& e) {
    std::fprintf(stderr, "lfa: error: %s\n", FirstLine(e.what()).c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lfa: error: %s\n", FirstLine(e.what()).c_str());
    return 1;
  }
  return 0;
}
