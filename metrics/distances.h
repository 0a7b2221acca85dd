// Distances between explanations, per point: the numbers of the paper's first two experiments.
//
//   L1Distance(a, b)      sum_j |a_j - b_j|                     (the paper's "mean L1" is its mean)
//   CosineDistance(a, b)  1 - a.b / (||a|| ||b||)               (0 = parallel, 2 = opposite)
//
// Recovery of a known linear or logistic model is a distance to its weights w_f (additive
// neighbourhoods) or to w_f (x - b) (multiplicative ones): RecoveryTarget builds either.
//
//   double l1 = L1Distance(lime.attributions, classic.attributions).mean().item<double>();
//
// WARNING: the cosine distance of a zero vector is undefined; it is reported as 1 (orthogonal),
// not NaN, so that means over points stay finite. Check norms when attributions can vanish.
#pragma once

#include <torch/types.h>

namespace lfa {

// a, b: [N, d] -> [N].
torch::Tensor L1Distance(const torch::Tensor& a, const torch::Tensor& b);
torch::Tensor CosineDistance(const torch::Tensor& a, const torch::Tensor& b);

// w_f broadcast to [N, D] (multiplicative = false) or w_f (x - b) (multiplicative = true).
// weights: [D]; points: [N, D]; baseline: scalar.
torch::Tensor RecoveryTarget(const torch::Tensor& weights, const torch::Tensor& points,
                             bool multiplicative, double baseline = 0.0);

}  // namespace lfa
