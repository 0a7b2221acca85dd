#include "metrics/lfa_loss.h"

#include <torch/csrc/autograd/autograd.h>

#include "framework/errors.h"
#include "framework/random.h"
#include "solvers/closed_form.h"
#include "surrogates/linear.h"
#include "surrogates/logistic.h"

namespace lfa {

bool IsMultiplicativeMethod(const std::string& method) {
  return method == "lime" || method == "kernelshap" || method == "occlusion" ||
         method == "integrated_gradients" || method == "gradient_x_input";
}

torch::Tensor UnstatedSlopes(const PointBatch& points, bool multiplicative, double baseline) {
  if (!multiplicative) return torch::zeros_like(points.flat, torch::kBool);
  const torch::Tensor spread = (points.flat - baseline).abs();
  const torch::Tensor scale = spread.amax(1, /*keepdim=*/true);
  return spread <= kUnstatedSpread * scale + 1e-300;
}

torch::Tensor InputSpaceSlope(const torch::Tensor& attributions, const PointBatch& points,
                              bool multiplicative, double baseline) {
  const torch::Tensor a = attributions.to(torch::kDouble);
  if (a.sizes() != points.flat.sizes())
    Fail("input-space slope: attributions ", a.sizes(), " do not match the points ",
         points.flat.sizes(), " (grouped attributions have no per-element slope)");
  if (!multiplicative) return a;
  const torch::Tensor spread = points.flat - baseline;
  const torch::Tensor unstated = UnstatedSlopes(points, multiplicative, baseline);
  return torch::where(unstated, torch::zeros_like(a),
                      a / torch::where(unstated, torch::ones_like(spread), spread));
}

torch::Tensor GroupedSlope(const torch::Tensor& attributions, const PointBatch& points,
                           const FeatureGroups& groups, double baseline) {
  const int64_t count = groups.Count(points.input_shape);
  const torch::Tensor a = attributions.to(torch::kDouble);
  if (a.dim() != 2 || a.size(0) != points.size() || a.size(1) != count)
    Fail("grouped slope: attributions ", a.sizes(), " do not match ", points.size(), " points of ",
         count, " group(s)");
  const torch::Tensor spread = points.flat - baseline;                     // [N, D]
  const torch::Tensor ids = groups.Resolve(points.input_shape);             // [D]
  const torch::Tensor norms = torch::zeros({points.size(), count}, torch::kDouble)
                                  .index_add_(1, ids, spread * spread);     // [N, G]
  const torch::Tensor scale = norms.amax(1, /*keepdim=*/true);
  const torch::Tensor unstated = norms <= kUnstatedSpread * kUnstatedSpread * scale + 1e-300;
  const torch::Tensor per_group =
      torch::where(unstated, torch::zeros_like(a), a / torch::where(unstated, torch::ones_like(norms), norms));
  return per_group.index_select(1, ids) * spread;
}

LfaLossEvaluator::LfaLossEvaluator(Oracle& oracle, const LfaExplainer& evaluation,
                                   const PointBatch& points, const torch::Tensor& targets)
    : evaluation_(evaluation), points_(points) {
  const int64_t n = points.size();
  PointBatch fresh = points;
  fresh.seed = StreamSeed(points.seed, 0, Component::kMetric);
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  problem_ = evaluation.BuildProblem(oracle, fresh, all_targets);
  delta_ = evaluation.loss().ToJson().value("response", "value") == "delta";
  if (problem_.response == LocalProblem::Response::kValues && !delta_ &&
      !evaluation.surrogate().intercept()) {
    fx_ = oracle.Values(AsModelInputs(points.flat.unsqueeze(1), points.input_shape), all_targets);
  }
  if (problem_.response == LocalProblem::Response::kGradients) {
    const torch::Tensor weights = problem_.weights;                   // [N, S]
    const torch::Tensor total = weights.sum(1).clamp_min(1e-300);     // [N]
    mean_gradient_ = (problem_.responses * weights.unsqueeze(2)).sum(1) / total.unsqueeze(1);
    const torch::Tensor centred = problem_.responses - mean_gradient_.unsqueeze(1);
    gradient_spread_ = (centred.square().sum(2) * weights).sum(1) / total;
  }
}

torch::Tensor LfaLossEvaluator::Evaluate(const torch::Tensor& slope,
                                        const torch::Tensor& unstated) const {
  const int64_t n = points_.size(), d = problem_.dimension();
  if (slope.sizes() != points_.flat.sizes())
    Fail("LFA loss: slope ", slope.sizes(), " does not match the points ", points_.flat.sizes());
  const torch::Tensor s = slope.to(torch::kDouble);
  const torch::Tensor free_input =
      unstated.defined() ? unstated.to(torch::kDouble) : torch::zeros_like(s);
  // Decode is affine in xi: its value at 0 and its pulled-back slope w' = J^T s. The pull-back of
  // the unstated input slopes marks the interpretable coordinates they would move.
  torch::Tensor w_prime, free, offset;  // offset = s . (Decode(0) - x)
  {
    torch::AutoGradMode enable_grad(true);
    torch::Tensor zero = torch::zeros({n, 1, d}, torch::kDouble).requires_grad_(true);
    torch::Tensor decoded = evaluation_.neighbourhood().Decode(points_, zero);  // [N, 1, D]
    const auto pulled = torch::autograd::grad({decoded}, {zero}, {s.unsqueeze(1)},
                                              /*retain_graph=*/true, false, true)[0];
    w_prime = pulled.defined() ? pulled.squeeze(1) : torch::zeros({n, d}, torch::kDouble);
    const auto marked = torch::autograd::grad({decoded}, {zero}, {free_input.unsqueeze(1)}, false,
                                              false, true)[0];
    free = marked.defined() ? (marked.squeeze(1).abs() > 0).to(torch::kDouble)
                            : torch::zeros({n, d}, torch::kDouble);
    offset = (s * (decoded.detach().squeeze(1) - points_.flat)).sum(1);
  }
  w_prime = w_prime * (1 - free);
  const bool any_free = free.sum().item<double>() > 0;
  const torch::Tensor weights = problem_.weights;
  const torch::Tensor total = weights.sum(1).clamp_min(1e-300);

  if (problem_.response == LocalProblem::Response::kGradients) {
    // Unstated coordinates take their best value, the weighted mean m of J there, so they add
    // nothing to ||m - w||^2 (see mean_gradient_).
    // A point without weight has loss 0, as EmpiricalLoss gives it.
    const torch::Tensor weighted = (weights.sum(1) > 0).to(torch::kDouble);
    return gradient_spread_ + weighted * ((mean_gradient_ - w_prime) * (1 - free)).square().sum(1);
  }
  torch::Tensor w = delta_ ? -w_prime : w_prime;
  const bool free_intercept = evaluation_.surrogate().intercept();
  torch::Tensor intercept;
  if (!free_intercept) intercept = delta_ ? -offset : fx_ + offset;
  // What the explanation does not state (the intercept, unstated slopes) is set to its best value
  // for this neighbourhood: a weighted least-squares fit of what the stated part leaves over.
  torch::Tensor rest = problem_.responses - torch::bmm(problem_.xi, w.unsqueeze(2)).squeeze(2);
  if (!free_intercept) rest = rest - intercept.unsqueeze(1);
  if (any_free) {
    const FitResult fit = WeightedLeastSquares(problem_.xi * free.unsqueeze(1), weights, rest,
                                               free_intercept);
    w = w + free * fit.params.slice(1, 0, d);
    if (free_intercept) intercept = fit.params.select(1, d);
  } else if (free_intercept) {
    intercept = (rest * weights).sum(1) / total;
  }
  return EmpiricalLoss(problem_, LinearSurrogate(LinearSurrogateOptions{.intercept = true}),
                       torch::cat({w, intercept.unsqueeze(1)}, 1));
}

std::pair<torch::Tensor, torch::Tensor> LfaLossEvaluator::PullBack(const torch::Tensor& v) const {
  const int64_t n = points_.size(), d = problem_.dimension();
  torch::AutoGradMode enable_grad(true);
  torch::Tensor zero = torch::zeros({n, 1, d}, torch::kDouble).requires_grad_(true);
  torch::Tensor decoded = evaluation_.neighbourhood().Decode(points_, zero);  // [N, 1, D]
  const auto pulled = torch::autograd::grad({decoded}, {zero}, {v.to(torch::kDouble).unsqueeze(1)},
                                            false, false, true)[0];
  return {pulled.defined() ? pulled.squeeze(1) : torch::zeros({n, d}, torch::kDouble),
          decoded.detach().squeeze(1)};
}

torch::Tensor LfaLossEvaluator::EvaluateLogistic(const torch::Tensor& slope,
                                                 const torch::Tensor& anchor,
                                                 const torch::Tensor& intercept) const {
  if (slope.sizes() != points_.flat.sizes() || anchor.sizes() != points_.flat.sizes())
    Fail("LFA loss (logistic): slope ", slope.sizes(), " and anchor ", anchor.sizes(),
         " must match the points ", points_.flat.sizes());
  const torch::Tensor s = slope.to(torch::kDouble);
  const auto [w, origin] = PullBack(s);
  // u(Decode(xi)) = c + s.(Decode(0) - anchor) + w.xi
  const torch::Tensor b = intercept.to(torch::kDouble) + (s * (origin - anchor)).sum(1);
  const torch::Tensor params = torch::cat({w, b.unsqueeze(1)}, 1);
  const LogisticSurrogate logistic(LogisticSurrogateOptions{.intercept = true});
  if (!delta_) return EmpiricalLoss(problem_, logistic, params);
  // Delta response: f(x) - f(x') is matched by g(x) - g(x').
  const torch::Tensor gx = torch::sigmoid(intercept.to(torch::kDouble) +
                                          (s * (points_.flat - anchor)).sum(1));
  const torch::Tensor residual =
      problem_.responses - (gx.unsqueeze(1) - logistic.Predict(params, problem_.xi));
  return (residual.square() * problem_.weights).sum(1) / problem_.weights.sum(1).clamp_min(1e-300);
}

torch::Tensor LfaLoss(Oracle& oracle, const LfaExplainer& evaluation, const PointBatch& points,
                      const torch::Tensor& targets, const torch::Tensor& slope,
                      const torch::Tensor& unstated) {
  return LfaLossEvaluator(oracle, evaluation, points, targets).Evaluate(slope, unstated);
}

}  // namespace lfa
