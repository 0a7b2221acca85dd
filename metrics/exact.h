// Exact neighbourhood expectations: the population solutions of the mask explainers, by
// enumerating all 2^G masks, so that sampled estimates can be compared with the truth.
//
// LIME and KernelSHAP, as LFA compositions, minimise over a linear g(xi) = w.xi + c
//     L(w, c) = E_{xi ~ Bernoulli(p)^G} [ pi(xi) (f(b + xi (x - b)) - w.xi - c)^2 ] / E[pi(xi)].
// For small G the expectation is a finite sum over the 2^G masks with probabilities
// P(xi) = p^k (1 - p)^(G - k), k = sum xi, so the minimiser solves the normal equations
//     sum_xi P(xi) pi(xi) z z^T beta = sum_xi P(xi) pi(xi) f(xi) z,   z = [xi, 1],  beta = [w, c],
// which ExactMaskExplanation forms in float64 and solves by Cholesky. Because the masks are 0/1,
// the entry for groups j, k is the total weight of the masks that keep both, so the whole matrix
// comes from one superset-sum pass over a point's 2^G weights (G 2^(G-1) additions) instead of 2^G
// outer products. The reported loss is L at the solution (the population analogue of
// Explanation::loss, which the sampled composition's in-sample loss approaches from below as S
// grows).
//
// ExactShapleyValues is the other reference: phi_j = sum_{S not containing j} |S|! (G - |S| - 1)! /
// G! (v(S + j) - v(S)), v(S) = f(x on S, b elsewhere). With p = 0.5 and the shapley kernel, the
// exact KernelSHAP solution tends to it as the anchor weight of the empty and full masks (1e6 in
// ShapleyKernel, standing in for infinity) grows: w_j - phi_j = (e0 - eN) / G for every j, with
// e0, eN the fit's residuals at the two anchors, which are O(interior residuals / 1e6) (the
// derivation is in exact_test.cc; about 1e-8 relative on its test function, 2e-9 on who_ffnnA).
// ExactOcclusion is Occlusion's population solution, f(x) - f(x with group j at the baseline).
//
//   BernoulliMaskNeighbourhood shap({.kernel = "shapley", .baseline = 0.0});
//   Explanation truth = ExactMaskExplanation(oracle, points, Targets(0, n), shap);
//   Explanation sampled = MakeExplainer("kernelshap", {.samples = 2000})->Explain(oracle, points,
//                                                                                Targets(0, n));
//   double error = (sampled.attributions - truth.attributions).abs().max().item<double>();
//
// Cost: 2^G model rows per point, queried in chunks of at most `max_chunk_rows` rows (and 2^24
// decoded values) across points and masks; the fit adds O(G 2^G) per point. Memory besides a chunk:
// the responses and weights of the points in flight, 16 * 2^G bytes per point (the points of one
// chunk when 2^G fits in it, else one point: 256 MiB at G = 24), kept so that the loss and one
// refinement step use exact residuals instead of cancelling sums. Never all points at once.
// Measured on two shared cores (Debian LibTorch, one thread): exact KernelSHAP of the paper's
// who_ffnnA (G = 19) takes 0.27 s per point, 27 s for its 100 points, about half of it the model.
//
// WARNING: the cost doubles with every group: G = 19 with 100 points is 52 million model rows,
// G = 24 is 1.7 billion. Use feature groups to bring G down, and note that with p != 0.5 the
// Bernoulli probabilities reweight the masks, so the shapley kernel no longer gives Shapley values.
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "framework/neighbourhood.h"
#include "framework/oracle.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/bernoulli_mask.h"
#include "solvers/closed_form.h"

namespace lfa {

struct ExactOptions {
  // Most feature groups G enumerated (2^G masks per point); more is an InvalidInput error. At most
  // 40.
  int64_t max_groups = 24;
  // Most (point, mask) rows decoded and sent to the Oracle in one call; reduced further so that one
  // call holds at most 2^24 decoded values. The Oracle splits each call into its own batches.
  int64_t max_chunk_rows = int64_t{1} << 20;
  // Rank test and ridge fallback of the Cholesky solve, with the closed-form solver's conventions.
  ClosedFormOptions solver;

  bool IsValid(std::string* error) const;
};

// The exact solution of the composition (neighbourhood, squared loss on values, linear surrogate
// with or without intercept) for every point: attributions [N, G], intercepts [N] (0 without),
// loss (the exact expected loss, normalised by E[pi]), r2, ridge and the model rows queried
// (N * 2^G). `progress` is called with (points done, points total).
Explanation ExactMaskExplanation(Oracle& oracle, const PointBatch& points,
                                 const torch::Tensor& targets,
                                 const BernoulliMaskNeighbourhood& neighbourhood,
                                 bool intercept = true, const ExactOptions& options = {},
                                 const ProgressCallback& progress = {});

// Shapley values [N, G] of the games v(S) = f_target(x on the groups in S, b elsewhere), from all
// 2^G coalitions (queried once each, in chunks).
torch::Tensor ExactShapleyValues(Oracle& oracle, const PointBatch& points,
                                 const torch::Tensor& targets, const Baseline& baseline,
                                 const FeatureGroups& groups = {},
                                 const ExactOptions& options = {},
                                 const ProgressCallback& progress = {});

// Occlusion's exact solution, w_j = f(x) - f(x with group j at the baseline) (G + 1 rows per
// point): the occlusion composition with every one-hot row enumerated once, so loss 0 and r2 1.
Explanation ExactOcclusion(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                           const Baseline& baseline, const FeatureGroups& groups = {},
                           const ProgressCallback& progress = {});

}  // namespace lfa
