// Surrogate: the interpretable model class G that approximates f around a point.
//
// Parameters of a point are one row of a [N, p] tensor: the d weights w first, then the intercept
// b when the surrogate has one (p = d + 1). The weights are the explanation's attributions.
//
//   type       g(xi)                     closed form
//   linear     w.xi (+ b)                yes: weighted least squares / weighted mean gradient
//   logistic   sigmoid(w.xi + b)         no: Ceres
//
// Two views of the same function: batched torch evaluation (Predict, InputGradient) for losses and
// metrics, and per-sample double evaluation with parameter Jacobians (Value, InputGradientAt) for
// iterative solvers.
//
// To add a surrogate: subclass, implement the virtuals, FromJson and Examples, and register it in
// explainers/builtin_registry.cc; the surrogate and solver contract suites then run on its
// examples (docs/surrogates.md).
//
// WARNING: with the gradient-matching loss the intercept of a linear g is not identified (its
// gradient does not depend on b); solvers report b = 0.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "framework/local_problem.h"

namespace lfa {

class Surrogate {
 public:
  virtual ~Surrogate() = default;
  virtual std::string type() const = 0;
  virtual bool intercept() const = 0;
  // True when g is linear in its parameters, so the closed-form solver applies.
  virtual bool is_linear() const = 0;
  int64_t NumParameters(int64_t d) const { return d + (intercept() ? 1 : 0); }

  // params [N, p], xi [N, S, d] -> g(xi) [N, S].
  virtual torch::Tensor Predict(const torch::Tensor& params, const torch::Tensor& xi) const = 0;
  // params [N, p], xi [N, S, d] -> grad_xi g(xi) [N, S, d].
  virtual torch::Tensor InputGradient(const torch::Tensor& params, const torch::Tensor& xi) const = 0;

  // One sample: g(xi) and, when dparams is not null, dg/dparams (p values).
  virtual double Value(const double* params, const double* xi, int d, double* dparams) const = 0;
  // One sample: grad_xi g (d values) and, when not null, its Jacobian d(grad)/d(params), d x p
  // row-major.
  virtual void InputGradientAt(const double* params, const double* xi, int d, double* grad,
                               double* dgrad_dparams) const = 0;

  // Single-index surrogates g(xi) = h(w.xi + b) (logistic, probit, ...) give their link here:
  // h(u) and its first two derivatives. Their gradient-matching fits then have normal equations
  // of O(S p^2) cost instead of O(S d p^2) (solvers/single_index.h). Default: not single-index.
  virtual bool is_single_index() const { return false; }
  virtual void Link(double u, double* h, double* h1, double* h2) const {}

  // Starting parameters for iterative solvers (p values) for point `point` of `problem`.
  virtual void InitialParameters(const LocalProblem& problem, int64_t point, double* params) const;

  virtual nlohmann::json ToJson() const = 0;
};

}  // namespace lfa
