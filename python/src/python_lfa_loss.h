// LfaLosses: the faithfulness of explanations over one neighbourhood, as lfa.lfa_loss computes it.
//
// Each explanation states an affine local model of f around each point x,
//     g(x') = c + s . (x' - x),
// with input-space slope s = a for additive attributions a and s = a / (x - b) for multiplicative
// ones (per element; for feature groups the minimum-norm slope that states each group's value,
// metrics/lfa_loss.h: InputSpaceSlope, GroupedSlope). Its LFA loss over an evaluation composition
// (neighbourhood Z', loss l') is the empirical loss of g on fresh samples of Z' (a metric stream of
// `seed`), with the intercept chosen optimally when the evaluation's surrogate has one. The model
// is queried once for all the explanations (LfaLossEvaluator), so scoring eight explanations over
// a neighbourhood costs one problem, not eight.
//
// refit_unstated: where a multiplicative explanation states no slope (x_i at, or within 1e-3 of the
// point's spread of, its baseline) that slope takes its best value for Z', as in the paper study's
// no-free-lunch matrix (true, the default); false sets it to 0, as the image study does (there
// half the pixels sit at the baseline). Grouped explanations always use 0 (GroupedSlope).
//
//   std::vector<torch::Tensor> losses = LfaLosses(model, x, {lime, smoothgrad},
//       MakePythonExplainer("smoothgrad", "lfa", {}), std::nullopt, 0, true, {});
//
// WARNING: an explanation's meaning must be known (multiplicative or not) and its baseline must be
// one number; a classic implementation cannot be the evaluation (it has no neighbourhood to sample).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <torch/types.h>

#include "model_call.h"
#include "python_explanation.h"

namespace lfa {

// One [N] float64 tensor of per-point losses per explanation, in order.
std::vector<torch::Tensor> LfaLosses(const PythonModel& model, const torch::Tensor& inputs,
                                     const std::vector<PythonExplanation>& explanations,
                                     const PythonExplainer& evaluation,
                                     const std::optional<torch::Tensor>& targets, uint64_t seed,
                                     bool refit_unstated, const CallOptions& options);

}  // namespace lfa
