// `lfa study roar`: RemOve And Retrain (ROAR) and Keep And Retrain (KAR) on Fashion-MNIST
// (Hooker, Erhan, Kindermans & Kim, NeurIPS 2019), metrics/roar.h for the removal.
//
//   lfa study roar --out OUT [--fractions 0.1,0.3,0.5,0.7,0.9] [--retrains R] [--train-subset N]
//                  [--test-subset M] [--epochs E] [--seed S] [--methods a,b,...]
//                  [--removal mean,road] [--device D] [--cache-dir DIR] [--fashion-mnist DIR]
//
// 1. The base model (zoo "cnn", trained on the first N training images for E epochs, seed S; from
//    the zoo cache when there) explains the N training images and the first M test images at its
//    predicted class with each estimator:
//      gradient              classic gradient of the class logit
//      integrated_gradients  classic IG from the black image, 16 Gauss-Legendre steps
//      smoothgrad            classic SmoothGrad, 15 noisy copies, noise 15% of each image's range
//      smoothgrad_squared    mean squared gradient over 15 noisy copies (noise 15%)
//      vargrad               variance of the gradient over 15 noisy copies (noise 15%)
//      random                i.i.d. uniform relevance per pixel (control)
//      sobel                 Sobel edge magnitude (control; never looks at the model)
//    (Hooker et al.: 15 noisy copies with noise 15% of the range; SG-SQ and VarGrad ensembles of
//    plain gradients). Pixels are ranked by sum_c |map_c|, ties by pixel index (metrics/roar.h).
// 2. For each removal, mode (roar, kar), estimator, fraction t and retrain r < R, the N training
//    and M test images get the top-t (ROAR) or all but the top-t (KAR) of their pixels replaced:
//    removal "mean" by the per-channel mean of the unmodified training subset, removal "road" by
//    ROAD's noisy linear imputation (metrics/road_imputation.h; noise sd kRoarRoadNoise, each
//    image's stream from S and its index, test images after the training set's); a fresh cnn is
//    trained on the modified
//    training set (same N, E; seed RetrainSeed(S, r), shared by all cells so that they pair) and
//    its accuracy on the modified test set recorded. Retrain r on the unmodified data gives the
//    reference ("unmodified", fraction 0).
// 3. Mask leakage (metrics/mask_leakage.h): for each estimator and fraction t, a logistic
//    regression trained on the N training images' removal masks (top-t pixels, no pixel values)
//    and labels predicts the M test images' labels; its accuracy is recorded in the journal too
//    (mode "mask"), the same for ROAR and KAR (complementary masks).
//
// Output in OUT:
//   roar.csv    removal, mode, fraction, method, metric, mean, sem, n: metric "test_accuracy", mean and
//               standard error (n - 1) over the R retrains; the unmodified model as mode "none",
//               method "unmodified", fraction 0
//   runs.csv    every retrain: removal, mode, fraction, method, retrain, seed, test_accuracy, seconds
//   leakage.csv method, fraction, mask_test_accuracy, chance
//   roar.png    accuracy against fraction, a ROAR and a KAR panel (when gnuplot is installed)
//   report.md   the scale, the tables, the plot, and the paper's claims set against the results
//   state.csv   the resume journal (below); maps/  the estimator rankings (below)
//
// Resume. Each finished retrain appends one line to OUT/state.csv (roar_journal.h: one write,
// fsync'ed; a torn last line is ignored on reading). Its key is a hash of everything that defines
// the result: the study key (architecture, N, M, E, S, estimator settings, format version, data
// fingerprint) and the cell (mode, method, fraction, retrain). A rerun with the same options skips
// every finished retrain; changed options have other keys and never reuse a stale line. Retrained
// models also go through the zoo cache (LoadOrTrain), keyed by their training data.
// The rankings of the model-based estimators are cached in OUT/maps/<method>.pt (roar_rankings.h:
// a LibTorch archive of the int16 pixel order under its key; a corrupt, stale or misshapen file is
// reported on one line and recomputed).
//
// Under MPI (`mpirun -n K lfa study roar ...`, docs/scaling.md). The units are the retrains (cell x
// retrain) and then the mask-leakage fits, in the order above. Rank 0 alone reads the journal,
// computes (or reads from maps/) the rankings the remaining units need and broadcasts both
// (roar_bytes.h); the remaining units run in rounds of one unit per rank (BlockShard within the
// round), rank 0 gathers each round's results as raw bytes and alone appends them to the journal,
// and at the end alone writes the outputs, from the journal. A unit's seeds come from its cell
// and retrain, never from its rank, so the outputs are those of one process whatever K, and an
// interrupted job resumes from its finished rounds with any K. A failure on any rank ends every
// rank with one message from rank 0 (experiments/parallel/rank_failure.h) and no output file.
//
// The code: roar_journal.h (the journal), roar_bytes.h (the units and the plan as bytes),
// roar_rankings.h (the estimators and their cached orders), roar_results.h (typed results, the comparison with random, the CSV tables),
// roar_report.h (report.md and roar.png); this file runs them in that order.
//
// Default scale: 8000 training images, all 10000 test images, 2 epochs, 2 retrains, both removals:
// 2 x (1 + 2 x 7 x 5 x 2) = 282 trainings (142 with --removal mean). Measured for the mean removal
// alone on 2 shared cores: 1677 s in all (about 12.5 min for the five model-based rankings over
// 18000 images, 142 trainings of 6.3 s each); the road removal adds 140 trainings and one exact
// imputation of the 18000 images per cell (docs/roar.md has the measured times). Progress on stderr: the rankings with an ETA, then one
// line per training with the time left.
//
// WARNING: with R = 2 retrains the standard errors are crude; read differences smaller than a few
// points of accuracy as noise.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "experiments/data/fashion_mnist.h"

namespace lfa {

struct RoarStudyOptions {
  std::string out = "out/roar";
  // Fractions t of the pixels ranked top, each in (0, 1).
  std::vector<double> fractions = {0.1, 0.3, 0.5, 0.7, 0.9};
  // Models trained from scratch per cell (>= 1; >= 2 for a standard error).
  int64_t retrains = 2;
  // Training images (the first N of the training set); every model, base and retrained, uses them.
  int64_t train_subset = 8000;
  // Test images (the first M of the test set); 0 = all 10000.
  int64_t test_subset = 0;
  // Passes over the training subset per model.
  int64_t epochs = 2;
  // Seeds the base model, the estimators' noise, the random ranking and the retrain seeds.
  uint64_t seed = 0;
  // Estimators (RoarMethods() order is the default).
  std::vector<std::string> methods = {"gradient", "integrated_gradients", "smoothgrad",
                                      "smoothgrad_squared", "vargrad", "random", "sobel"};
  // Removals: "mean" (channel mean) and / or "road" (ROAD's noisy linear imputation).
  std::vector<std::string> removals = {"mean", "road"};
  std::string device = "cpu";   // device of the estimators' model queries (training is on the CPU)
  std::string cache_dir;        // zoo cache (default LFA_CACHE_DIR or ~/.cache/lfa)
  std::string fashion_mnist;    // dataset directory (default: Debian's)

  bool IsValid(std::string* error) const;
  // The options that define the results (not out, device, cache_dir, fractions, retrains,
  // methods, removals: those pick which cells run, not what a cell gives), as canonical text.
  // The road cells' keys add RoarRoadKeyText() (so the mean cells keep the keys they had before
  // the road removal existed).
  std::string CacheKeyText() const;
};

// ROAD's noise standard deviation in image units (Fashion-MNIST pixels are in [0, 1]): ROAD's 0.01.
inline constexpr double kRoarRoadNoise = 0.01;

// What the road cells' keys add to the study key: the imputation and its noise.
std::string RoarRoadKeyText();

// Every estimator the study knows, in report order.
const std::vector<std::string>& RoarMethods();

// Trains a fresh model on data.train_images / train_labels (all of them) with `seed` and returns
// its accuracy on data.test_images / test_labels. Injectable for tests.
using RoarTrainer = std::function<double(const FashionMnist& data, uint64_t seed)>;

// The seed of retrain r: the same for every cell.
uint64_t RoarRetrainSeed(uint64_t seed, int64_t retrain);

// Loads Fashion-MNIST and runs the study with the zoo trainer (cnn, options.epochs, zoo cache).
void RunRoarStudy(const RoarStudyOptions& options);

// The study on `data` (already the dataset, options.train_subset / test_subset still apply) with
// `trainer` for every retrain. The model-based estimators train the base model with the zoo
// (LoadOrTrain) whatever the trainer; a study of only "random" and "sobel" never does.
void RunRoarStudy(const RoarStudyOptions& options, const FashionMnist& data,
                  const RoarTrainer& trainer);

}  // namespace lfa
