// `lfa study localisation`: ground-truth localisation of every image explainer on Fashion-MNIST
// tasks whose signal source is known (experiments/data/ground_truth.h), scored by relevance mass
// accuracy, relevance rank accuracy and the pointing game (metrics/localisation.h).
//
// For each task a zoo cnn is trained on the task's labels (or loaded from the zoo cache), and the
// first `points` test images are explained at the model's predicted class by
//   gradient, smoothgrad (noise 15% of each image's range), smoothgrad_squared, vargrad,
//   integrated_gradients, gradient_x_input (the LFA recipes and image methods, `samples` noisy
//   copies or path points each), occlusion over 4 x 4 patches (baseline 0), gradcam, gradcampp
//   and smoothgradcampp at the cnn's last spatial layer (pool2, 7 x 7), gradcam_relu2 (Grad-CAM
//   at relu2, 14 x 14, to size the cost of the coarse resolution), and a random map (uniform
//   noise: the chance level, |M| / P in expectation).
// Every map is scored against the task's mask with the absolute value (variant "abs") and with the
// absolute value keeping only the top 1% of the pixels (variant "top1pct"); the control task's
// maps are scored against the centre block (task "control") and against the two-block mask (task
// "control_two_blocks"), the references of "block" and "two_blocks".
//
// Writes, each atomically and as soon as its part is done:
//   models.csv        task, test_accuracy, train_seconds
//   localisation.csv  task, method, metric, mean, sem; metric is mass_accuracy, rank_accuracy or
//                     pointing_game, with the suffix _top1pct for the second variant
//   localisation.png  mass and rank accuracy per method and task (when gnuplot is on the PATH)
//   report.md         the tables, and the results set beside the cited study's claims (every
//                     verdict computed from the numbers)
//
// Under MPI (`mpirun -n K lfa study localisation ...`, docs/scaling.md), task by task: rank 0
// trains the task's cnn (or loads it from the zoo cache) and rewrites models.csv, the other ranks
// then load it from the cache (which must be shared by the ranks); the units are the task's
// methods, rank r explains and scores its block of them (BlockShard), and rank 0 gathers the
// scores as raw bytes (localisation_bytes.h) in method order and alone writes every file. A
// method's maps depend on the options and the images only, so the files are those of one
// process whatever K. A failure on any rank ends every rank with one message from rank 0.
//
// The code: localisation_bytes.h (a method's scores as bytes), localisation_methods.h (the
// methods and their maps), localisation_results.h (typed results, the verdict rule, the CSV
// tables), localisation_report.h (report.md and the plot); this file trains or loads each task's model, explains, scores, and writes them in that order.
//
//   LocalisationStudyOptions options;
//   options.points = 50;
//   RunLocalisationStudy(options);   // progress on stderr
//
// WARNING: a low score blames the explanation and the model together (the model may use
// correlated pixels outside the mask); read each task beside its control.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lfa {

struct LocalisationStudyOptions {
  std::string out = "out/localisation";
  int64_t points = 100;        // test images explained per task
  int64_t samples = 50;        // noisy copies / path points of the sampled methods
  uint64_t seed = 0;
  std::string device = "cpu";
  std::vector<std::string> tasks = {"block", "two_blocks", "control"};
  int64_t epochs = 3;          // training epochs of each task's cnn (the zoo's default)
  std::string cache_dir;       // zoo cache (default LFA_CACHE_DIR or ~/.cache/lfa)
  std::string fashion_mnist;   // dataset directory (default: LFA_FASHION_MNIST_DIR or Debian's)

  bool IsValid(std::string* error) const;
};

void RunLocalisationStudy(const LocalisationStudyOptions& options);

}  // namespace lfa
