// `lfa study images`: every explainer on Fashion-MNIST classifiers of the model zoo, judged by the
// image metrics and by the no-free-lunch matrix, with heatmaps and a report.
//
//   lfa study images --out OUT [--points N] [--samples S] [--seed S] [--device cpu|cuda]
//                    [--models cnn,mlp] [--patch P] [--heatmap-images K] [--cache-dir DIR]
//                    [--fashion-mnist DIR] [--nfl-samples N1,N2,...] [--nfl-sweep-methods M1,...]
//
// For each zoo model (trained deterministically, or loaded from the zoo cache) the first N test
// images are explained at the model's predicted class by
//   - the eight recipes: lime, kernelshap and occlusion over P x P patches (baseline 0), clime and
//     smoothgrad with Gaussian noise sigma = 0.15 (15% of the [0, 1] pixel range, Smilkov et al.'s
//     advice), gradient, integrated_gradients and gradient_x_input per pixel;
//   - smoothgrad_squared and vargrad (noise 15% of each image's range), and on convolutional
//     models gradcam, gradcampp and smoothgradcampp at the last convolutional block.
// and writes
//   models.csv   model, test_accuracy, train_seconds (of the training that produced the cached model)
//   metrics.csv  model, explainer, metric, mean, sem: deletion and insertion AUC of the predicted
//                class's softmax probability (RISE: zero baseline for deletion, blurred image for
//                insertion), infidelity (Yeh et al., Gaussian perturbations, optimal scale), the
//                top-k and bottom-k binary perturbation gaps at k = 10% of the pixels (logits)
//   nfl.csv      dataset, model, explainer, neighbourhood, loss, mean, sem: the LFA loss of every
//                linear explanation over every evaluation composition: LIME masks over patches of
//                2, 4 and 7 pixels, C-LIME and SmoothGrad Gaussians at sigma 0.05, 0.1 and 0.2,
//                the gradient's sigma -> 0 and the IG path (docs/images.md, "no free lunch")
//   heatmaps/    one montage per model and image for the first K images (input, every method)
//   nfl_sweep.csv, nfl_sweep_matrix.csv  with --nfl-samples only: the no-free-lunch matrix again
//                for each sample count N, the rows of the swept methods (default clime and
//                smoothgrad) explained with N samples; per model, count and C-LIME column: the
//                diagonal, the column's best row, their ratio, the columns the diagonal wins, the
//                time of the point (nfl_sweep.csv), and every cell (nfl_sweep_matrix.csv)
//   report.md    the tables, the montages, and what they show
// Runs show progress on stderr; each file is written atomically when its part is done.
//
// `mpirun -n K lfa study images ...` shards the models over the ranks (a contiguous block of
// --models each; ranks beyond the model count stay idle); rank 0 gathers every model's results,
// draws the montages and writes every file: the CSVs and PNGs of one process, byte for byte
// (docs/scaling.md). A model the cache lacks is trained by rank 0 before the others load it.
//
// The study is four steps, one file each: run.h computes (per model: maps, metrics, the
// no-free-lunch matrix, the montages' maps) into the typed results of results.h; tables.h
// writes the CSVs and report.h the report from those results; verdicts.h computes every sentence
// of the report that states a finding from the numbers it talks about.
//
//   ImageStudyOptions options;
//   options.out = "out/images";
//   options.points = 4;                      // a quick look: ~20 s with cached zoo models
//   RunImageStudy(options);                  // throws InvalidInput for bad options
//
// WARNING: the zoo models are trained on first use (about 40 s for cnn and mlp on 2 cores) and
// cached; the training time counts into report.md's total but not into the CSVs, except
// models.csv's train_seconds, which is the time of the training that produced the cached model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lfa {

struct ImageStudyOptions {
  std::string out = "out/images";
  int64_t points = 16;           // test images explained per model
  int64_t samples = 1000;        // perturbations per image for the recipes and evaluations
  uint64_t seed = 0;
  std::string device = "cpu";
  std::vector<std::string> models = {"cnn", "mlp"};
  int64_t patch = 4;             // patch size of the mask recipes
  int64_t heatmap_images = 4;    // images with a montage, per model
  int64_t noisy_copies = 50;     // samples of smoothgrad_squared, vargrad, smoothgradcampp
  std::string cache_dir;         // zoo cache (default LFA_CACHE_DIR or ~/.cache/lfa)
  std::string fashion_mnist;     // dataset directory (default: Debian's)
  // The sample sweep of the no-free-lunch matrix (nfl.h): sample counts, ascending, each >= 10;
  // empty (the default) runs no sweep and writes exactly the files of a run without it.
  std::vector<int64_t> nfl_samples;
  // The methods whose rows the sweep re-explains: sampled ones among lime, clime, smoothgrad,
  // integrated_gradients. C-LIME's column compares clime with smoothgrad at the same sigma.
  std::vector<std::string> nfl_sweep_methods = {"clime", "smoothgrad"};

  bool IsValid(std::string* error) const;
  bool NflSweepIsValid(std::string* error) const;  // the two nfl sweep fields (part of IsValid)
};

void RunImageStudy(const ImageStudyOptions& options);

}  // namespace lfa
