#include "metrics/lfa_loss.h"

#include <torch/csrc/autograd/autograd.h>

#include "framework/errors.h"
#include "framework/random.h"
#include "surrogates/linear.h"

namespace lfa {

bool IsMultiplicativeMethod(const std::string& method) {
  return method == "lime" || method == "kernelshap" || method == "occlusion" ||
         method == "integrated_gradients" || method == "gradient_x_input";
}

torch::Tensor InputSpaceSlope(const torch::Tensor& attributions, const PointBatch& points,
                              bool multiplicative, double baseline) {
  const torch::Tensor a = attributions.to(torch::kDouble);
  if (a.sizes() != points.flat.sizes())
    Fail("input-space slope: attributions ", a.sizes(), " do not match the points ",
         points.flat.sizes(), " (grouped attributions have no per-element slope)");
  if (!multiplicative) return a;
  const torch::Tensor spread = points.flat - baseline;
  const torch::Tensor defined = spread.abs() > 1e-12;
  return torch::where(defined, a / torch::where(defined, spread, torch::ones_like(spread)),
                      torch::zeros_like(a));
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
}

torch::Tensor LfaLossEvaluator::Evaluate(const torch::Tensor& slope) const {
  const int64_t n = points_.size(), d = problem_.dimension();
  if (slope.sizes() != points_.flat.sizes())
    Fail("LFA loss: slope ", slope.sizes(), " does not match the points ", points_.flat.sizes());
  // Decode is affine in xi: its value at 0 and its pulled-back slope w' = J^T s.
  torch::Tensor w_prime, offset;  // offset = s . (Decode(0) - x)
  {
    torch::AutoGradMode enable_grad(true);
    torch::Tensor zero = torch::zeros({n, 1, d}, torch::kDouble).requires_grad_(true);
    torch::Tensor decoded = evaluation_.neighbourhood().Decode(points_, zero);  // [N, 1, D]
    const torch::Tensor s = slope.to(torch::kDouble);
    w_prime = torch::autograd::grad({decoded}, {zero}, {s.unsqueeze(1)}, false, false, true)[0];
    w_prime = w_prime.defined() ? w_prime.squeeze(1) : torch::zeros({n, d}, torch::kDouble);
    offset = (s * (decoded.detach().squeeze(1) - points_.flat)).sum(1);
  }
  if (problem_.response == LocalProblem::Response::kGradients) {
    return EmpiricalLoss(problem_, LinearSurrogate(LinearSurrogateOptions{.intercept = false}),
                         w_prime);
  }
  const torch::Tensor w = delta_ ? -w_prime : w_prime;
  torch::Tensor intercept;
  if (evaluation_.surrogate().intercept()) {
    // Optimal c': weighted mean of y - w.xi.
    const torch::Tensor rest =
        problem_.responses - torch::bmm(problem_.xi, w.unsqueeze(2)).squeeze(2);
    intercept = (rest * problem_.weights).sum(1) / problem_.weights.sum(1).clamp_min(1e-300);
  } else if (delta_) {
    intercept = -offset;
  } else {
    intercept = fx_ + offset;
  }
  return EmpiricalLoss(problem_, LinearSurrogate(LinearSurrogateOptions{.intercept = true}),
                       torch::cat({w, intercept.unsqueeze(1)}, 1));
}

torch::Tensor LfaLoss(Oracle& oracle, const LfaExplainer& evaluation, const PointBatch& points,
                      const torch::Tensor& targets, const torch::Tensor& slope) {
  return LfaLossEvaluator(oracle, evaluation, points, targets).Evaluate(slope);
}

}  // namespace lfa
