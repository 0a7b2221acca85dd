// Perturbation tests: how much the model's output moves when the features an explanation ranks
// as (un)important are perturbed.
//
// Rank the d features of point x by |attribution|, pick a set S of them, build x' by perturbing S
// only, and score
//     gap(x) = E | f(x) - f(x') |,
// averaged over the N points: mean and standard error sem = s / sqrt(N), s the sample standard
// deviation (n - 1) of the per-point gaps (summary.h). The choices of S and x':
//
//   ranking   S                                 perturbation   x'_j for j in S
//   topk      the k largest |attribution|       binary         b_j (the baseline)
//   bottomk   the k smallest |attribution|      continuous     x_j + eps_j, eps ~ N(0, sigma²),
//   non_topk  every feature except the top k                   E estimated by `draws` draws
//                                               road           images only: every pixel with an
//                                                              element in S is ROAD's noisy linear
//                                                              imputation from the other pixels
//                                                              (metrics/road_imputation.h; noise
//                                                              sd road_noise_std, point i's stream
//                                                              RoadImpute's of index first_index +
//                                                              i, the same for every k)
//
// The paper's third experiment (REFERENCE.md, exp3) is topk / bottomk with k = 1..11, binary
// (b = 0) or continuous (sigma = 0.1, 100 draws), over 100 points: binary-neighbourhood methods win
// the binary tests and gradient methods the continuous ones (no free lunch). OpenXAI's prediction
// gaps (Agarwal et al., 2022) are the continuous tests:
//     PGI(k) = E |f(x) - f(x')|, noise on the top-k features                 (higher is better),
//     PGU(k) = E |f(x) - f(x')|, noise on every feature *outside* the top k  (lower is better),
// and their area-under-k variant integrates PGI(k) / PGU(k) over k = 1..K with the trapezoid rule
// on t = (k - 1)/(K - 1) in [0, 1] (OpenXAI's `AUC=True`), i.e. a mean over k that gives half
// weight to k = 1 and k = K. A plain mean over k is reported beside it. Note that PGU perturbs
// the d - k features outside the top k (OpenXAI inverts the top-k mask), which is not the paper's
// bottom-k test; that one is {.ranking = "bottomk", .perturbation = "continuous"}.
//
//   Oracle oracle(LoadModel("who_ffnnA.torchscript.pt"));
//   auto e = MakeExplainer("smoothgrad")->Explain(oracle, MakePointBatch(x, 0), Targets(0, n));
//   PerturbationCurve exp3 = PerturbationGapCurve(oracle, x, e.attributions, Targets(0, n),
//       {.ranking = "topk", .perturbation = "continuous", .k = 11, .sigma = 0.1, .draws = 100});
//   std::cout << exp3.per_k[0].BriefReport() << "\n";          // k = 1: "mean +/- sem (n = ...)"
//
// Conventions:
//   - Ties in |attribution| are broken by feature index, lower index first, for every ranking:
//     topk takes the lowest-index feature among equally large ones, bottomk the lowest-index among
//     equally small ones, and non_topk is exactly the complement of topk. So an all-zero
//     attribution (a constant explainer) perturbs features 0..k-1 under topk and bottomk alike.
//   - Points may have any shape [N, *input_shape]; they are flattened to D elements. Attributions
//     are [N, D] (or [N, *input_shape]), or [N, G] with `groups` (feature groups as in the mask
//     neighbourhoods: perturbing group j perturbs all its elements, each with its own noise).
//     k > d (d = D or G) is an error.
//   - Randomness: point i's noise comes only from StreamSeed(seed, first_index + i, kMetric): one
//     [draws, D] block per point (normal(0, sigma) draws in row-major order), shared by every k
//     and every ranking (common random numbers, so curves over k are smooth and topk/bottomk
//     comparisons are paired). Results do not depend on how points are batched: evaluate point i
//     alone with first_index = i and get the same value.
//   - Model queries: N rows for f(x), plus N * K rows (binary) or N * K * draws rows (continuous)
//     for K values of k, sent through the Oracle in as few calls as `max_perturbed_elements`
//     allows (one call for tabular data), never one call per point.
//
// WARNING: a perturbation test scores an explanation *for one neighbourhood*: the binary test
// favours explanations fitted on binary masks and the continuous test those fitted on Gaussian
// noise. A ranking across methods from one test is not a ranking of faithfulness in general (the
// paper's no-free-lunch point); report both, or the LFA loss over the neighbourhood you care about.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "framework/feature_groups.h"
#include "framework/neighbourhood.h"
#include "framework/oracle.h"
#include "metrics/summary.h"
#include "neighbourhoods/baseline.h"

namespace lfa {

struct PerturbationTestOptions {
  // Which features are perturbed: "topk", "bottomk" or "non_topk" (all but the top k).
  std::string ranking = "topk";
  // How: "binary" (set to the baseline), "continuous" (add N(0, sigma²) noise) or "road" (images
  // [N, C, H, W]: ROAD's imputation of the selected pixels from the others; S may not be every
  // pixel).
  std::string perturbation = "binary";
  // road: standard deviation of ROAD's noise, in input units (>= 0; ROAD: 0.01).
  double road_noise_std = 0.01;
  // Number of features ranked in (>= 1, <= d). PerturbationGapCurve runs k = 1..k.
  int64_t k = 1;
  // Standard deviation of the continuous noise, absolute, in input units (> 0).
  double sigma = 0.1;
  // Noise draws per point for the continuous test (>= 1); the binary test is deterministic.
  int64_t draws = 100;
  // Value of a perturbed feature in the binary test: a scalar or one value per input element.
  Baseline baseline = 0.0;
  // Feature groups the attributions refer to; default: one attribution per input element.
  FeatureGroups groups;
  // Seed of the per-point noise streams, and global index of the first point (for batches).
  uint64_t seed = 0;
  int64_t first_index = 0;
  // Memory bound: most float64 elements of perturbed input built at once (default 8 MiB, the
  // Oracle's CPU budget kCpuBatchBytes; larger blocks only cost page faults). Each block of
  // points (or, for huge inputs, of k values) is one Oracle call; results do not change.
  int64_t max_perturbed_elements = int64_t{1} << 20;

  bool IsValid(std::string* error) const;
};

// The gap of every point for one k.
//   points        [N, *input_shape], any dtype (used as float64)
//   attributions  [N, d] or [N, *input_shape], finite
//   targets       int64 [N] or a scalar: the output explained for each point
MetricSummary PerturbationGap(Oracle& oracle, const torch::Tensor& points,
                              const torch::Tensor& attributions, const torch::Tensor& targets,
                              const PerturbationTestOptions& options);

// The gaps for k = 1..K at once (f(x) is queried once, the noise is shared across k).
struct PerturbationCurve {
  std::vector<int64_t> ks;            // 1..K
  torch::Tensor per_point;            // [N, K] float64: gap of point i at k = ks[j]
  std::vector<MetricSummary> per_k;   // summary of each column
  MetricSummary area;                 // per point: trapezoid over t = (k-1)/(K-1); K = 1: the gap
  MetricSummary mean_over_k;          // per point: plain mean over k = 1..K
};

// Runs k = 1..options.k (K = options.k).
PerturbationCurve PerturbationGapCurve(Oracle& oracle, const torch::Tensor& points,
                                       const torch::Tensor& attributions,
                                       const torch::Tensor& targets,
                                       const PerturbationTestOptions& options);

// OpenXAI's prediction gaps: continuous tests with ranking topk (PGI) or non_topk (PGU).
struct PredictionGapOptions {
  int64_t k = 1;            // top-k features (>= 1, <= d); the curves run k = 1..k
  double sigma = 0.1;       // Gaussian noise std (OpenXAI's NormalPerturbation defaults to 0.05)
  int64_t draws = 100;      // noise draws per point (OpenXAI: n_samples = 100)
  FeatureGroups groups;     // as in PerturbationTestOptions
  uint64_t seed = 0;
  int64_t first_index = 0;
  int64_t max_perturbed_elements = int64_t{1} << 20;  // as in PerturbationTestOptions

  bool IsValid(std::string* error) const;
  // The equivalent perturbation test ("topk" for PGI, "non_topk" for PGU).
  PerturbationTestOptions AsPerturbationTest(const std::string& ranking) const;
};

// Prediction Gap on Important features: noise on the top-k features.
MetricSummary Pgi(Oracle& oracle, const torch::Tensor& points, const torch::Tensor& attributions,
                  const torch::Tensor& targets, const PredictionGapOptions& options = {});
// Prediction Gap on Unimportant features: noise on every feature outside the top k.
MetricSummary Pgu(Oracle& oracle, const torch::Tensor& points, const torch::Tensor& attributions,
                  const torch::Tensor& targets, const PredictionGapOptions& options = {});
// PGI / PGU for k = 1..options.k; `area` is OpenXAI's area-under-k variant.
PerturbationCurve PgiCurve(Oracle& oracle, const torch::Tensor& points,
                           const torch::Tensor& attributions, const torch::Tensor& targets,
                           const PredictionGapOptions& options = {});
PerturbationCurve PguCurve(Oracle& oracle, const torch::Tensor& points,
                           const torch::Tensor& attributions, const torch::Tensor& targets,
                           const PredictionGapOptions& options = {});

// The features S of each point for ranking `ranking` and each k = 1..max_k: bool [N, max_k, d]
// (true = perturbed), with ties broken by lower index first. Exposed for tests and studies.
torch::Tensor SelectedFeatures(const torch::Tensor& attributions, const std::string& ranking,
                               int64_t max_k);

}  // namespace lfa
