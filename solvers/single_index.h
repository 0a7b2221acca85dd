// Levenberg-Marquardt for gradient matching with a single-index surrogate g(xi) = h(w.xi + b).
//
// The gradient-matching residual of a sample is r_s = sqrt(pi_s) (h'(u_s) w - J_s), u = w.xi + b,
// with Jacobian sqrt(pi_s) (h''(u_s) w xi~' + h'(u_s) E), xi~ = [xi, 1], E = [I_d | 0]. Its
// Gauss-Newton matrix sums to
//     J'J = sum pi h''^2 ||w||^2 xi~ xi~'  +  c w~' + w~ c'  +  (sum pi h'^2) E'E,
//     c = sum pi h' h'' xi~,   w~ = [w, 0],
// which costs O(S p^2) per iteration instead of the O(S d p^2) of the dense d x p Jacobian a
// general solver forms (for the paper's HELOC problems, 23 times less). The iteration is a
// textbook Levenberg-Marquardt with Marquardt's diagonal scaling.
//
//   FitResult fit = FitSingleIndexGradientMatching(problem, LogisticSurrogate(), {});
//
// WARNING: only for LocalProblem::Response::kGradients and surrogates with is_single_index().
#pragma once

#include "framework/solver.h"
#include "solvers/ceres_solver.h"

namespace lfa {

FitResult FitSingleIndexGradientMatching(const LocalProblem& problem, const Surrogate& surrogate,
                                         const CeresSolverOptions& options);

}  // namespace lfa
