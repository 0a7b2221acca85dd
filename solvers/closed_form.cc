#include "solvers/closed_form.h"

#include "framework/errors.h"
#include "framework/spec_reader.h"

namespace lfa {

ClosedFormSolver::ClosedFormSolver(ClosedFormOptions options) : options_(options) {
  if (!(options_.rank_tolerance >= 0)) Fail("closed_form solver: rank_tolerance must be >= 0");
  if (!(options_.ridge > 0)) Fail("closed_form solver: ridge must be > 0, got ", options_.ridge);
}

std::unique_ptr<Solver> ClosedFormSolver::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "solver 'closed_form'");
  ClosedFormOptions options;
  options.rank_tolerance = reader.Number("rank_tolerance", options.rank_tolerance);
  options.ridge = reader.Number("ridge", options.ridge);
  reader.Finish();
  return std::make_unique<ClosedFormSolver>(options);
}

nlohmann::json ClosedFormSolver::ToJson() const {
  return {{"type", type()}, {"rank_tolerance", options_.rank_tolerance}, {"ridge", options_.ridge}};
}

std::pair<torch::Tensor, torch::Tensor> WeightedLeastSquares(const torch::Tensor& z,
                                                             const torch::Tensor& w,
                                                             const torch::Tensor& y,
                                                             const ClosedFormOptions& options) {
  const int64_t n = z.size(0), p = z.size(2);
  const torch::Tensor wz = z * w.unsqueeze(2);
  torch::Tensor a = torch::bmm(wz.transpose(1, 2), z);              // [N, p, p]
  const torch::Tensor rhs = torch::bmm(wz.transpose(1, 2), y.unsqueeze(2));  // [N, p, 1]
  const torch::Tensor scale = a.diagonal(0, 1, 2).mean(1).clamp_min(1e-300);  // [N]
  auto [factor, info] = torch::linalg_cholesky_ex(a);
  const torch::Tensor pivots = factor.diagonal(0, 1, 2).square();   // [N, p]
  const torch::Tensor ratio = pivots.amin(1) / pivots.amax(1).clamp_min(1e-300);
  const torch::Tensor singular = (info != 0) | (ratio < options.rank_tolerance) |
                                 ratio.isnan() | (pivots.amax(1) <= 0);
  torch::Tensor ridge = torch::zeros({n}, torch::kDouble);
  if (singular.any().item<bool>()) {
    ridge = torch::where(singular, options.ridge * scale, ridge);
    a = a + ridge.view({n, 1, 1}) * torch::eye(p, torch::kDouble).unsqueeze(0);
    factor = torch::linalg_cholesky(a);
  }
  return {torch::cholesky_solve(rhs, factor).squeeze(2), ridge};
}

FitResult ClosedFormSolver::Fit(const LocalProblem& problem, const Surrogate& surrogate) const {
  if (!surrogate.is_linear())
    Fail("closed_form solver: surrogate '", surrogate.type(),
         "' is not linear in its parameters; use solver 'ceres' or 'auto'");
  const int64_t n = problem.points();
  FitResult result;
  if (problem.response == LocalProblem::Response::kGradients) {
    const torch::Tensor w = problem.weights.unsqueeze(2);
    torch::Tensor mean = (problem.responses * w).sum(1) / w.sum(1).clamp_min(1e-300);
    result.params = surrogate.intercept()
                        ? torch::cat({mean, torch::zeros({n, 1}, torch::kDouble)}, 1)
                        : mean;
    result.ridge = torch::zeros({n}, torch::kDouble);
  } else {
    torch::Tensor z = problem.xi;
    if (surrogate.intercept())
      z = torch::cat({z, torch::ones({n, problem.samples(), 1}, torch::kDouble)}, 2);
    std::tie(result.params, result.ridge) =
        WeightedLeastSquares(z, problem.weights, problem.responses, options_);
  }
  result.iterations = torch::zeros({n}, torch::kLong);
  Diagnose(problem, surrogate, &result);
  return result;
}

}  // namespace lfa
