// LfaLoss: the faithfulness of any explanation over any neighbourhood, measured with the LFA loss.
//
// Every explanation of the eight methods implies an affine local model of f in input space,
//     g(x') = c + s . (x' - x),
// whose slope s is the attribution itself for the additive methods (gradient, smoothgrad, clime)
// and the attribution divided by (x - b) for the multiplicative ones (lime, kernelshap,
// occlusion, integrated_gradients, gradient_x_input; unstated where x_i is at, or within 1e-3 of
// the point's scale of, the baseline). InputSpaceSlope makes s.
// Over an evaluation composition (neighbourhood Z', loss l') the metric is the empirical LFA loss
// of g, read in Z''s interpretable coordinates, on fresh samples:
//     every Decode of the framework is affine in xi, so g(Decode(xi)) = c' + w'.xi with
//     w' = (d Decode / d xi)^T s   (the pull-back, by autograd, as in gradient matching),
//   - gradient matching: l' = weighted mean of ||J - w'||^2;
//   - squared loss on values: the residual of c' + w'.xi, with the intercept c' chosen optimally
//     when the evaluation's surrogate has one (the explanation is judged by its slope, the one
//     thing it states), else anchored at c = f(x); slopes the explanation does not state (a
//     multiplicative attribution where x_i = b_i) are likewise set to their best values;
//   - squared loss on deltas f(x) - f(x'): the implied response is -(w'.xi + s.(Decode(0) - x)).
// With this convention the evaluation composition's own exact solution has the smallest loss of
// all explanations over its neighbourhood (it is the minimiser), and on a linear f every
// explanation of the eight methods has loss 0: the no-free-lunch matrix is exact on linear models.
// docs/metrics.md gives the reasoning.
//
//   const torch::Tensor s = InputSpaceSlope(lime.attributions, points, /*multiplicative=*/true);
//   torch::Tensor loss = LfaLoss(oracle, *smoothgrad_composition, points, targets, s);   // [N]
//
// WARNING: the samples are fresh (a metric stream), not the evaluation explainer's own, so its
// diagonal cell is its loss on new draws, not its training loss.
#pragma once

#include <string>

#include <torch/types.h>

#include "framework/feature_groups.h"
#include "framework/lfa_explainer.h"

namespace lfa {

// True for the methods whose attributions carry the (x - b) factor.
bool IsMultiplicativeMethod(const std::string& method);

// attributions [N, D] -> input-space slope [N, D] (0 where UnstatedSlopes).
torch::Tensor InputSpaceSlope(const torch::Tensor& attributions, const PointBatch& points,
                              bool multiplicative, double baseline = 0.0);

// Grouped attributions [N, G] (mask methods over feature groups, e.g. image patches) -> the
// minimum-norm input-space slope [N, D] that states them. A group's attribution a_g is the effect
// of moving its elements from b to x, so any slope with sum_{i in g} s_i (x_i - b_i) = a_g states
// it; the smallest is
//     s_i = a_g (x_i - b_i) / sum_{j in g} (x_j - b_j)^2,
// and 0 for a group whose spread is below kUnstatedSpread of the point's largest group spread.
// With one element per group this is InputSpaceSlope(..., multiplicative = true).
torch::Tensor GroupedSlope(const torch::Tensor& attributions, const PointBatch& points,
                           const FeatureGroups& groups, double baseline = 0.0);

// The evaluation side, built once: fresh samples of `evaluation`'s neighbourhood (metric stream of
// points.seed), the model queries of its loss, and f(x). Evaluate() then scores any number of
// slopes without querying the model again, so a row of the no-free-lunch matrix costs one
// problem, not one per explainer.
// WARNING: the evaluator keeps a reference to `evaluation`; keep that explainer alive.
class LfaLossEvaluator {
 public:
  LfaLossEvaluator(Oracle& oracle, const LfaExplainer& evaluation, const PointBatch& points,
                   const torch::Tensor& targets);
  // Per-point LFA loss [N] of the affine model with input-space slope `slope` [N, D]. `unstated`
  // (bool [N, D], optional) marks slopes the explanation does not state (UnstatedSlopes); they
  // take their best value for this neighbourhood, like the intercept.
  torch::Tensor Evaluate(const torch::Tensor& slope, const torch::Tensor& unstated = {}) const;
  // Per-point LFA loss [N] of a logistic explanation g(x') = sigmoid(s . (x' - anchor) + c) (the
  // paper's logistic-surrogate variants): slope s [N, D] of the logit in input space, anchor
  // [N, D] where the logit equals c [N] (x for additive neighbourhoods, the baseline for the scale
  // path). Nothing is re-fitted: a logistic explanation states its intercept. For a delta
  // response the implied response is g(x) - g(x').
  torch::Tensor EvaluateLogistic(const torch::Tensor& slope, const torch::Tensor& anchor,
                                 const torch::Tensor& intercept) const;
  const LocalProblem& problem() const { return problem_; }

 private:
  // w' = (d Decode / d xi)^T v and Decode(0) for the evaluation neighbourhood: [N, d], [N, D].
  std::pair<torch::Tensor, torch::Tensor> PullBack(const torch::Tensor& v) const;
  const LfaExplainer& evaluation_;
  PointBatch points_;
  LocalProblem problem_;
  torch::Tensor fx_;  // [N]
  bool delta_ = false;
  // Gradient matching: the weighted mean m of the pulled-back gradients J [N, D] and their weighted
  // spread around it, E_pi ||J - m||^2 [N]. The loss of any slope w is then
  //     E_pi ||J - w||^2 = E_pi ||J - m||^2 + ||m - w||^2   (exact: the cross term has mean 0),
  // so Evaluate costs O(N D) instead of a pass over the [N, S, D] gradients per explanation.
  torch::Tensor mean_gradient_;
  torch::Tensor gradient_spread_;
};

// One-shot form of LfaLossEvaluator(...).Evaluate(slope, unstated).
torch::Tensor LfaLoss(Oracle& oracle, const LfaExplainer& evaluation, const PointBatch& points,
                      const torch::Tensor& targets, const torch::Tensor& slope,
                      const torch::Tensor& unstated = {});

// The input slopes a multiplicative explanation does not state: where x_i = b_i its attribution
// is 0 whatever f's slope is, and where |x_i - b_i| is tiny the division by it turns the
// attribution's sampling noise into an arbitrary slope. Unstated: |x_i - b_i| <= kUnstatedSpread
// times the point's largest |x_j - b_j|. bool [N, D]; all false for additive methods.
inline constexpr double kUnstatedSpread = 1e-3;
torch::Tensor UnstatedSlopes(const PointBatch& points, bool multiplicative, double baseline = 0.0);

}  // namespace lfa
