// The computation of `lfa reproduce paper` on one of the paper's eight models: explain its 100
// points with every method (LFA composition and classic implementation, the logistic-surrogate
// variants on the classifier), then measure
//   exp1         every classic implementation against every composition (mean L1, cosine);
//   exp1b        the limits sigma -> 0 (SmoothGrad -> gradient) and a -> 1 (IG over U(a, 1) ->
//                gradient x input), medians over the points;
//   exp2         recovery of the models that lie in G (w for the additive methods, w x for the
//                multiplicative ones);
//   exp3         top-k / bottom-k, binary / continuous perturbation tests of the classic
//                attributions, k = 1..11;
//   nfl          every explanation's LFA loss over every composition's neighbourhood and loss;
//   convergence  the distance to the exact (or a reference) solution as the sample count grows.
// Every surrogate is solved exactly (closed form or Ceres); the results come back typed
// (results.h), rounded to their published precision.
//
//   PaperRunSettings settings{.data_dir = dir, .samples = 1000, .seed = 0};
//   PaperModelResults who = RunPaperModel(settings, "who", "ffnnA");
//
// WARNING: the sweep ends that are recipes already (SmoothGrad at sigma 0.1, the gradient at 0.01,
// IG at a = 0, gradient x input at a = 0.95) reuse those explanations; a change to a recipe's
// default moves the sweep with it.
#pragma once

#include <cstdint>
#include <string>

#include "experiments/studies/paper/results.h"

namespace lfa {

struct PaperRunSettings {
  std::string data_dir;    // holds lfa-paper/
  int64_t samples = 1000;  // perturbations per point (> 0)
  uint64_t seed = 0;
};

// The fixed design of the convergence study (reported beside the results).
constexpr int64_t kConvergencePoints = 5;       // the first points of each dataset
constexpr int64_t kMaxEnumeratedFeatures = 19;  // 2^d masks per point are enumerated up to d
constexpr int64_t kReferenceSamples = 100000;   // the Monte Carlo SmoothGrad reference

// Opens what RunPaperModel(settings, dataset, model) reads (the TorchScript model, the points, the
// state dict of a model that lies in G) and throws InvalidInput when one is missing or unreadable:
// checked before the long computation, a bad file fails the run in a second, not after the models
// before it (or on one rank of a job after the others computed their shards).
void CheckPaperModelInputs(const PaperRunSettings& settings, const std::string& dataset,
                           const std::string& model);

// Everything measured on (dataset, model); throws InvalidInput when its files are missing.
PaperModelResults RunPaperModel(const PaperRunSettings& settings, const std::string& dataset,
                                const std::string& model);

}  // namespace lfa
