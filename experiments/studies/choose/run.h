// The computation of `lfa choose`: every candidate's LFA loss over every neighbourhood of
// interest, on fresh samples, scored and ranked (results.h).
//
// For points x_1..x_N and targets:
//   1. each candidate explains the points once (a candidate that depends on the neighbourhood,
//      e.g. an analytic slope in a test, once per neighbourhood) and states a local model
//      (candidate.h);
//   2. for each neighbourhood of interest (profiles expanded), LfaLossEvaluator draws fresh samples
//      of its composition (the metric stream of `seed`, independent of every explainer's draws)
//      with `evaluation_samples` per point, queries the model once, and scores every candidate's
//      local model and the constant one (slope 0) without querying it again;
//   3. the neighbourhood's own composition is always a candidate: the named candidate that is the
//      same composition when there is one (e.g. `smoothgrad` over `smoothgrad`), otherwise it is
//      explained with `samples` perturbations as "<neighbourhood> (own)".
//
//   ChooseSettings settings{.samples = 1000, .evaluation_samples = 1000, .seed = 0};
//   std::vector<NeighbourhoodResult> r = RunChoose(oracle, MakePointBatch(x, 0), Targets(0, n),
//                                                  {ParseNamedNeighbourhood("lime", {23})},
//                                                  {NamedCandidate("lime", {23}, 1000)}, settings);
//
// WARNING: the points' seed (PointBatch::seed) drives every draw; the same seed and points give
// the same results whatever the order of the candidates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/studies/choose/candidate.h"
#include "experiments/studies/choose/neighbourhood_of_interest.h"
#include "experiments/studies/choose/results.h"
#include "framework/oracle.h"

namespace lfa {

struct ChooseSettings {
  int64_t samples = 1000;             // perturbations per point of the compositions (>= 1)
  int64_t evaluation_samples = 1000;  // fresh samples per point of every loss (>= 1)
  double level = 0.95;                // of every confidence interval, in (0, 1)
  // The slopes a multiplicative explanation does not state (x_i = b_i) take their best value for
  // each neighbourhood, as in `reproduce paper`; off, they stay 0, as in `study images` (on images
  // the background sits at the baseline, and re-fitting hundreds of pixels would fit the
  // evaluation's own samples).
  bool refit_unstated = true;
  bool progress = true;  // a progress line on stderr for long runs

  bool IsValid(std::string* error) const;
};

// The scored neighbourhoods in the order given. InvalidInput for invalid settings, fewer than 2
// points, or a candidate whose loss is not finite.
std::vector<NeighbourhoodResult> RunChoose(
    Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
    const std::vector<NeighbourhoodOfInterest>& neighbourhoods,
    const std::vector<Candidate>& candidates, const ChooseSettings& settings);

}  // namespace lfa
