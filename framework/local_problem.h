// LocalProblem: the per-point fitting problems an explainer hands to its Solver.
//
// A Loss turns neighbourhood samples and model queries into a LocalProblem; a Solver minimises
//     L_i(g) = sum_s pi_is r_is(g)^2 / sum_s pi_is
// for every point i at once, where the residual r is
//     kValues:    y_is - g(xi_is)                       (squared loss; y = f(x') or f(x) - f(x'))
//     kGradients: || J_is - grad_xi g(xi_is) ||         (gradient matching; J = grad_xi f(x (+) xi))
// All tensors are float64 on one device (the explainer's Oracle's), batch of points first.
//
// EmpiricalLoss and WeightedR2 are the one definition of "achieved loss" and "fit quality" used by
// solvers, explanations and metrics alike.
#pragma once

#include <torch/types.h>

namespace lfa {

class Surrogate;

struct LocalProblem {
  enum class Response { kValues, kGradients };
  Response response = Response::kValues;
  torch::Tensor xi;         // [N, S, d]
  torch::Tensor weights;    // [N, S]
  torch::Tensor responses;  // [N, S] (kValues) or [N, S, d] (kGradients)

  int64_t points() const { return xi.size(0); }
  int64_t samples() const { return xi.size(1); }
  int64_t dimension() const { return xi.size(2); }
  LocalProblem Slice(int64_t begin, int64_t end) const;
  // The same problem on `device` (no copy of the tensors already there).
  LocalProblem To(const torch::Device& device) const;
};

// Residuals r [N, S] (values) or [N, S, d] (gradients) of surrogate `params` [N, p].
torch::Tensor Residuals(const LocalProblem& problem, const Surrogate& surrogate,
                        const torch::Tensor& params);
// Weighted mean squared residual per point: [N].
torch::Tensor EmpiricalLoss(const LocalProblem& problem, const Surrogate& surrogate,
                            const torch::Tensor& params);
// 1 - SSE / SST with weights; [N]. For values SST is taken about the weighted mean response; for
// gradients about zero (the share of the gradient energy explained: a linear g has a constant
// gradient, so a centred R² would be 0 by construction). A point whose SST vanishes gets 1 when
// its fit is exact and 0 otherwise.
torch::Tensor WeightedR2(const LocalProblem& problem, const Surrogate& surrogate,
                         const torch::Tensor& params);

}  // namespace lfa
