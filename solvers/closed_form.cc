#include "solvers/closed_form.h"

#include <ATen/Parallel.h>
#include <Eigen/Cholesky>
#include <Eigen/Core>

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

std::vector<PartExample> ClosedFormSolver::Examples() {
  return {
      {.name = "", .spec = nlohmann::json::parse(R"({"type": "closed_form"})")},
      {.name = "ridge",
       .spec = nlohmann::json::parse(
           R"({"type": "closed_form", "rank_tolerance": 1e-10, "ridge": 1e-6})")},
  };
}

nlohmann::json ClosedFormSolver::ToJson() const {
  return {{"type", type()}, {"rank_tolerance", options_.rank_tolerance}, {"ridge", options_.ridge}};
}

namespace {

// R² from the weighted sums of squares, with the convention of WeightedR2 (local_problem.h) for a
// vanishing total: 1 when the fit is exact, 0 otherwise.
torch::Tensor R2(const torch::Tensor& sse, const torch::Tensor& sst, const torch::Tensor& scale) {
  const torch::Tensor tiny = 1e-12 * (1 + scale);
  return torch::where(sst <= tiny, (sse <= tiny).to(torch::kDouble), 1 - sse / sst.clamp_min(1e-300));
}

}  // namespace

FitResult WeightedLeastSquares(const torch::Tensor& x, const torch::Tensor& w,
                               const torch::Tensor& y, bool intercept,
                               const ClosedFormOptions& options) {
  // Per point, in parallel: the normal equations of z = [x, 1] by a symmetric rank-S update
  // (half the flops of a general product, no [N, S, p] copy of the design), a Cholesky solve,
  // and the diagnostics: SSE from the weighted residuals (one S x p product; the expansion through
  // the normal equations would lose the small losses of near-exact fits to cancellation),
  //   SST = y'Wy - (1'Wy)^2 / 1'W1.
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const torch::Tensor xc = x.contiguous(), wc = w.contiguous(), yc = y.contiguous();
  const int64_t n = xc.size(0), s = xc.size(1), d = xc.size(2), p = d + (intercept ? 1 : 0);
  FitResult result = ZeroFitResult(n, p);
  result.loss = torch::empty({n}, torch::kDouble);
  result.r2 = torch::empty({n}, torch::kDouble);
  const double* xp = xc.data_ptr<double>();
  const double* wp = wc.data_ptr<double>();
  const double* yp = yc.data_ptr<double>();
  double* params = result.params.data_ptr<double>();
  double* ridge = result.ridge.data_ptr<double>();
  double* loss = result.loss.data_ptr<double>();
  double* r2 = result.r2.data_ptr<double>();
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    RowMajor weighted(s, p);
    for (int64_t i = begin; i < end; ++i) {
      const Eigen::Map<const RowMajor> xi(xp + i * s * d, s, d);
      const Eigen::Map<const Eigen::VectorXd> wi(wp + i * s, s), yi(yp + i * s, s);
      const Eigen::VectorXd root = wi.cwiseSqrt();
      weighted.leftCols(d) = root.asDiagonal() * xi;
      if (intercept) weighted.col(d) = root;
      Eigen::MatrixXd normal = Eigen::MatrixXd::Zero(p, p);
      normal.selfadjointView<Eigen::Lower>().rankUpdate(weighted.transpose());
      normal = normal.selfadjointView<Eigen::Lower>();
      const Eigen::VectorXd root_y = root.cwiseProduct(yi);
      const Eigen::VectorXd rhs = weighted.transpose() * root_y;
      Eigen::LLT<Eigen::MatrixXd> cholesky(normal);
      bool singular = cholesky.info() != Eigen::Success;
      if (!singular) {
        const Eigen::VectorXd pivots = cholesky.matrixLLT().diagonal().array().square();
        singular = !(pivots.maxCoeff() > 0) ||
                   !(pivots.minCoeff() / pivots.maxCoeff() >= options.rank_tolerance);
      }
      if (singular) {
        ridge[i] = options.ridge * std::max(normal.diagonal().mean(), 1e-300);
        cholesky.compute(normal + ridge[i] * Eigen::MatrixXd::Identity(p, p));
      }
      // One step of iterative refinement with the residual computed from the data (not from the
      // rounded normal matrix): the semi-normal-equations fix that brings the accuracy of
      // ill-conditioned fits (LIME kernels spanning many magnitudes) close to a QR solve.
      Eigen::VectorXd beta = cholesky.solve(rhs);
      Eigen::VectorXd residual = root_y - weighted * beta;
      beta += cholesky.solve(weighted.transpose() * residual);
      residual = root_y - weighted * beta;
      Eigen::Map<Eigen::VectorXd>(params + i * p, p) = beta;
      const double total = std::max(wi.sum(), 1e-300);
      const double yy = root_y.squaredNorm(), wy = wi.dot(yi);
      const double sse = residual.squaredNorm() / total;
      const double sst = std::max(0.0, yy - wy * wy / total) / total;
      const double tiny = 1e-12 * (1 + yy / total);
      loss[i] = sse;
      r2[i] = sst <= tiny ? (sse <= tiny ? 1.0 : 0.0) : 1 - sse / sst;
    }
  });
  return result;
}

FitResult ClosedFormSolver::Fit(const LocalProblem& problem, const Surrogate& surrogate) const {
  if (!surrogate.is_linear())
    Fail("closed_form solver: surrogate '", surrogate.type(),
         "' is not linear in its parameters; use solver 'ceres' or 'auto'");
  const int64_t n = problem.points();
  FitResult result;
  if (problem.response == LocalProblem::Response::kGradients) {
    // w = weighted mean of J; loss = weighted mean of ||J - w||^2; R² uncentred
    // (see local_problem.h).
    const torch::Tensor w = problem.weights.unsqueeze(2);
    const torch::Tensor total_weight = problem.weights.sum(1).clamp_min(1e-300);
    const torch::Tensor mean = (problem.responses * w).sum(1) / total_weight.unsqueeze(1);
    const torch::Tensor energy = (problem.responses.square() * w).sum({1, 2}) / total_weight;
    result = ZeroFitResult(n, surrogate.NumParameters(problem.dimension()));
    result.params.slice(1, 0, problem.dimension()).copy_(mean);
    result.loss = ((problem.responses - mean.unsqueeze(1)).square() * w).sum({1, 2}) / total_weight;
    result.r2 = R2(result.loss, energy, energy);
    return result;
  }
  return WeightedLeastSquares(problem.xi, problem.weights, problem.responses,
                              surrogate.intercept(), options_);
}

}  // namespace lfa
