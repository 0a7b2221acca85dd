// ClosedFormSolver: exact minimisers for linear surrogates, batched over points, in float64.
//
//   squared loss:        w = argmin sum_s pi_s (y_s - w.z_s)^2,  z = [xi, 1]:  (Z'WZ) w = Z'Wy
//   gradient matching:   w = sum_s pi_s J_s / sum_s pi_s          (intercept reported as 0)
//
// The normal equations of all N points are formed on the samples' device with one batched matrix
// product (Z'WZ and Z'Wy for every point at once; on the CPU per point, without the [N, S, p]
// copies a product needs: WeightedGram's AVX2 kernel for small p, solvers/weighted_gram.h, and
// Eigen's blocked rank update for large p); only the small p x p systems go to the host,
// where each is solved by a Cholesky factorisation and refined once against the data's residual.
// A point whose system is singular or nearly so (a feature never varied, fewer distinct samples
// than parameters) is solved again with a ridge lambda = ridge * trace(A) / p added to the
// diagonal; lambda is reported in FitResult::ridge. Results stay on the samples' device.
// Samples in antithetic pairs (C-LIME, KernelSHAP) are summed from the pairs' first members on
// the CPU (solvers/fused_normal_equations.h); Gaussian pairs fewer than the features (C-LIME on an
// image) are singular by construction and solved in the pairs' space, X'(2XX' + lambda I)^-1 u,
// with the same ridge (DualPairsRidgeFit in closed_form.cc).
//
//   ClosedFormSolver solver({.rank_tolerance = 1e-12});
//   FitResult fit = solver.Fit(problem, LinearSurrogate());
//
// WARNING: asked to fit a non-linear surrogate, it throws; use AutoSolver or CeresSolver.
#pragma once

#include <vector>

#include "framework/part_example.h"
#include "framework/solver.h"

namespace lfa {

struct ClosedFormOptions {
  // A Cholesky pivot ratio (min/max diagonal of L, squared) below this marks a system singular.
  double rank_tolerance = 1e-12;
  // Ridge strength for singular systems, relative to the mean diagonal of the normal matrix.
  double ridge = 1e-8;
};

class ClosedFormSolver : public Solver {
 public:
  explicit ClosedFormSolver(ClosedFormOptions options = {});
  static std::unique_ptr<Solver> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<PartExample> Examples();

  std::string type() const override { return "closed_form"; }
  FitResult Fit(const LocalProblem& problem, const Surrogate& surrogate) const override;
  nlohmann::json ToJson() const override;

 private:
  ClosedFormOptions options_;
};

// Batched weighted least squares of y on [x, 1] (or x alone without intercept): x [N, S, d],
// w [N, S], y [N, S] (float64, any device) -> coefficients [N, d (+1)], ridge added, loss and R²,
// on the same device (iterations on the CPU).
FitResult WeightedLeastSquares(const torch::Tensor& x, const torch::Tensor& w,
                               const torch::Tensor& y, bool intercept,
                               const ClosedFormOptions& options = {});

// The same fit by batched tensor products (torch::bmm) on any device: what WeightedLeastSquares
// runs off the CPU, where it cannot use its fused CPU loops. Exposed so that the CPU tests cover
// the form CUDA runs; results agree with WeightedLeastSquares' to rounding.
FitResult BatchedWeightedLeastSquares(const torch::Tensor& x, const torch::Tensor& w,
                                      const torch::Tensor& y, bool intercept,
                                      const ClosedFormOptions& options = {});

// The gradient-matching fit (LocalProblem::Response::kGradients, a linear surrogate): the
// coefficients are the weighted mean m of the pulled-back gradients J (the rest of the `parameters`
// zero), loss = mean_w ||J - m||², R² uncentred (local_problem.h). Float64 CPU problems go
// through two fused passes per point; everything else through BatchedGradientMatchFit.
FitResult GradientMatchFit(const LocalProblem& problem, int64_t parameters);

// The same fit by tensor operations on any device (what CUDA runs), exposed for the CPU tests.
FitResult BatchedGradientMatchFit(const LocalProblem& problem, int64_t parameters);

}  // namespace lfa
