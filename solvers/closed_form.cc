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

std::pair<torch::Tensor, torch::Tensor> WeightedLeastSquares(const torch::Tensor& x,
                                                             const torch::Tensor& w,
                                                             const torch::Tensor& y, bool intercept,
                                                             const ClosedFormOptions& options) {
  // Normal equations of z = [x, 1] formed blockwise, without materialising z:
  //   A = [[x'Wx, x'W1], [1'Wx, 1'W1]],  rhs = [x'Wy, 1'Wy].
  const int64_t n = x.size(0), d = x.size(2), p = d + (intercept ? 1 : 0);
  const torch::Tensor wx = x * w.unsqueeze(2);                          // [N, S, d]
  const torch::Tensor wxt = wx.transpose(1, 2);
  torch::Tensor a = torch::empty({n, p, p}, torch::kDouble);
  torch::Tensor rhs = torch::empty({n, p, 1}, torch::kDouble);
  a.slice(1, 0, d).slice(2, 0, d).copy_(torch::bmm(wxt, x));
  rhs.slice(1, 0, d).copy_(torch::bmm(wxt, y.unsqueeze(2)));
  if (intercept) {
    const torch::Tensor column = wx.sum(1);                             // [N, d]
    a.slice(1, 0, d).select(2, d).copy_(column);
    a.select(1, d).slice(1, 0, d).copy_(column);
    a.select(1, d).select(1, d).copy_(w.sum(1));
    rhs.select(1, d).select(1, 0).copy_((w * y).sum(1));
  }
  const torch::Tensor scale = a.diagonal(0, 1, 2).mean(1).clamp_min(1e-300);  // [N]
  auto [factor, info] = torch::linalg_cholesky_ex(a);
  const torch::Tensor pivots = factor.diagonal(0, 1, 2).square();     // [N, p]
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
    std::tie(result.params, result.ridge) = WeightedLeastSquares(
        problem.xi, problem.weights, problem.responses, surrogate.intercept(), options_);
  }
  result.iterations = torch::zeros({n}, torch::kLong);
  Diagnose(problem, surrogate, &result);
  return result;
}

}  // namespace lfa
