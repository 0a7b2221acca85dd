#include "solvers/closed_form.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <vector>

#include <ATen/Parallel.h>
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "framework/errors.h"
#include "framework/spec_reader.h"
#include "solvers/fused_normal_equations.h"

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

// The per-point normal equations A_i beta = c_i, factored on the host: a Cholesky factorisation
// per point, redone with a ridge when the pivots say the system is singular. The factors are kept
// for the refinement step.
class NormalSystems {
 public:
  // known_singular: every system's rank is known to be below p (FusedNormalEquations::
  // rank_bound), so the factorisation that would fail or show a vanishing pivot is skipped: the
  // same ridge follows, at half the cost (C-LIME on an image: two 785 x 785 factorisations).
  NormalSystems(const torch::Tensor& normal, const ClosedFormOptions& options,
                bool known_singular = false)
      : factors_(normal.size(0)), ridge_(torch::zeros({normal.size(0)}, torch::kDouble)) {
    const torch::Tensor a = normal.to(torch::kCPU).contiguous();
    const int64_t n = a.size(0), p = a.size(1);
    const double* data = a.data_ptr<double>();
    double* ridge = ridge_.data_ptr<double>();
    at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const Eigen::Map<const Eigen::MatrixXd> system(data + i * p * p, p, p);
        Eigen::LLT<Eigen::MatrixXd>& cholesky = factors_[i];
        bool singular = known_singular;
        if (!singular) {
          cholesky.compute(system);
          singular = cholesky.info() != Eigen::Success;
        }
        if (!singular) {
          const Eigen::VectorXd pivots = cholesky.matrixLLT().diagonal().array().square();
          singular = !(pivots.maxCoeff() > 0) ||
                     !(pivots.minCoeff() / pivots.maxCoeff() >= options.rank_tolerance);
        }
        if (singular) {
          ridge[i] = options.ridge * std::max(system.diagonal().mean(), 1e-300);
          cholesky.compute(system + ridge[i] * Eigen::MatrixXd::Identity(p, p));
        }
      }
    });
  }

  // beta_i = A_i^-1 c_i for rhs [N, p] (any device): [N, p] on the rhs' device.
  torch::Tensor Solve(const torch::Tensor& rhs) const {
    const torch::Tensor c = rhs.to(torch::kCPU).contiguous();
    const int64_t n = c.size(0), p = c.size(1);
    torch::Tensor beta = torch::empty({n, p}, torch::kDouble);
    const double* in = c.data_ptr<double>();
    double* out = beta.data_ptr<double>();
    at::parallel_for(0, n, 64, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        Eigen::Map<Eigen::VectorXd>(out + i * p, p) =
            factors_[i].solve(Eigen::Map<const Eigen::VectorXd>(in + i * p, p));
    });
    return beta.to(rhs.device());
  }

  const torch::Tensor& ridge() const { return ridge_; }

 private:
  std::vector<Eigen::LLT<Eigen::MatrixXd>> factors_;
  torch::Tensor ridge_;
};

// Whether every tensor is float64 on the CPU: the data the fused CPU forms below read directly.
bool CpuFloat64(std::initializer_list<const torch::Tensor*> tensors) {
  for (const torch::Tensor* t : tensors)
    if (!t->device().is_cpu() || t->scalar_type() != torch::kDouble) return false;
  return true;
}

// Z^T v per point for Zw^T [N, p, S] and v [N, S]: [N, p].
torch::Tensor Project(const torch::Tensor& zw_t, const torch::Tensor& v) {
  return torch::bmm(zw_t, v.unsqueeze(2)).squeeze(2);
}

// Diagnostics from the weighted sums [N, 4] of FitSums (sum w, sum w y, sum w y², sum w r² for
// the final residual r): SSE = mean_w r², SST = mean_w y² - (mean_w y)².
FitResult WeightedFitResult(const torch::Tensor& beta, const torch::Tensor& ridge,
                            const torch::Tensor& sums) {
  const torch::Tensor total = sums.select(1, 0).clamp_min(1e-300);
  const torch::Tensor wy = sums.select(1, 1) / total, yy = sums.select(1, 2) / total;
  const torch::Tensor sse = sums.select(1, 3) / total;
  const torch::Tensor sst = (yy - wy * wy).clamp_min(0);
  FitResult result;
  result.params = beta;
  result.ridge = ridge.to(sums.device());
  result.iterations = torch::zeros({sums.size(0)}, torch::kLong);
  result.loss = sse;
  result.r2 = R2(sse, sst, yy);
  return result;
}

// The ridge fit of antithetic Gaussian pairs (x_q and -x_q with weight w_q, q < P) in fewer pairs
// than features, on the CPU: C-LIME on an image (500 pairs, 784 pixels). There A = Z'WZ =
// [[2 X'X, 0], [0, 2 g0]] (X = diag(sqrt w) [x_q], g0 = sum w) has rank at most P + 1 < p, so the
// primal form would find it singular and solve (A + lambda I) beta = c with the ridge lambda =
// ridge * mean diag A. The same solution, in the P-dimensional space of the pairs: since
// c_x = X'u with u_q = sqrt(w_q) (y_{2q} - y_{2q+1}),
//     beta_x = (2 X'X + lambda I)^-1 X'u = X' (2 XX' + lambda I)^-1 u,
//     beta_1 = sum_q w_q (y_{2q} + y_{2q+1}) / (2 g0 + lambda),
// a P x P Gram and factorisation instead of two p x p ones (98 + 42 million multiply-adds a
// point instead of 154 + 161). One refinement step against the data's residual, as the primal.
FitResult DualPairsRidgeFit(const FusedNormalEquations& fused, const torch::Tensor& y,
                            const ClosedFormOptions& options) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Strided = Eigen::Map<const RowMajor, 0, Eigen::OuterStride<>>;
  const torch::Tensor& x = fused.samples();
  const torch::Tensor yc = y.contiguous();
  const bool intercept = fused.intercept();
  const int64_t n = x.size(0), s = x.size(1), d = x.size(2), pairs = s / 2;
  const int64_t p = d + (intercept ? 1 : 0);
  torch::Tensor beta = torch::zeros({n, p}, torch::kDouble);
  torch::Tensor ridge = torch::empty({n}, torch::kDouble);
  const double* xs = x.data_ptr<double>();
  const double* ws = fused.weights().data_ptr<double>();
  const double* ys = yc.data_ptr<double>();
  double* beta_out = beta.data_ptr<double>();
  double* ridge_out = ridge.data_ptr<double>();
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const Strided first(xs + i * s * d, pairs, d, Eigen::OuterStride<>(2 * d));
      Eigen::VectorXd root(pairs), y0(pairs), y1(pairs);
      for (int64_t q = 0; q < pairs; ++q) {
        root(q) = std::sqrt(ws[i * s + 2 * q]);
        y0(q) = ys[i * s + 2 * q];
        y1(q) = ys[i * s + 2 * q + 1];
      }
      const Eigen::MatrixXd scaled = root.asDiagonal() * first;  // X, P x d
      Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(pairs, pairs);
      gram.selfadjointView<Eigen::Lower>().rankUpdate(scaled, 2.0);  // 2 XX'
      const double g0 = root.squaredNorm();
      const double mean_diagonal =
          (gram.trace() + (intercept ? 2 * g0 : 0.0)) / static_cast<double>(p);
      const double lambda = options.ridge * std::max(mean_diagonal, 1e-300);
      gram.diagonal().array() += lambda;
      const Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> cholesky(gram);
      Eigen::Map<Eigen::VectorXd> b(beta_out + i * p, p);
      // Adds the solution for the responses (v0, v1) of the pairs to b.
      auto add_solution = [&](const Eigen::VectorXd& v0, const Eigen::VectorXd& v1) {
        const Eigen::VectorXd u = root.cwiseProduct(v0 - v1);
        b.head(d) += scaled.transpose() * cholesky.solve(u);
        if (intercept) b(d) += root.cwiseAbs2().dot(v0 + v1) / (2 * g0 + lambda);
      };
      add_solution(y0, y1);
      const Eigen::VectorXd fitted = first * b.head(d);  // x_q.beta_x; the partner's is minus it
      const double b1 = intercept ? b(d) : 0.0;
      add_solution(y0 - fitted - Eigen::VectorXd::Constant(pairs, b1),
                   y1 + fitted - Eigen::VectorXd::Constant(pairs, b1));
      ridge_out[i] = lambda;
    }
  });
  return WeightedFitResult(beta, ridge, fused.FitSums(y, beta));
}

// The gradient-matching fit of float64 CPU problems in two passes over each point's gradients J
// [S, d] and no temporaries: the weighted mean m (the coefficients), then the loss
// mean_w ||J_k - m||² and the energy mean_w ||J_k||² together. The tensor form
// (BatchedGradientMatchFit) makes about seven passes and five [N, S, d] temporaries (6 MB each per
// Fashion-MNIST image). For float64 CPU problems (CpuFloat64).
FitResult FusedGradientMatch(const LocalProblem& problem, int64_t parameters) {
  FitResult result = ZeroFitResult(problem.points(), parameters, torch::kCPU);
  const torch::Tensor j = problem.responses.contiguous(), w = problem.weights.contiguous();
  const int64_t n = j.size(0), s = j.size(1), d = j.size(2);
  torch::Tensor loss = torch::empty({n}, torch::kDouble);
  torch::Tensor energy = torch::empty({n}, torch::kDouble);
  const torch::Tensor params = result.params;  // [N, p], contiguous; the first d columns
  const int64_t p = params.size(1);
  const double* js = j.data_ptr<double>();
  const double* ws = w.data_ptr<double>();
  double* mean_out = params.data_ptr<double>();
  double* loss_out = loss.data_ptr<double>();
  double* energy_out = energy.data_ptr<double>();
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const double* __restrict ji = js + i * s * d;
      const double* __restrict wi = ws + i * s;
      double* __restrict m = mean_out + i * p;
      double total = 0;
      for (int64_t k = 0; k < s; ++k) {
        total += wi[k];
        for (int64_t c = 0; c < d; ++c) m[c] += wi[k] * ji[k * d + c];
      }
      total = std::max(total, 1e-300);
      for (int64_t c = 0; c < d; ++c) m[c] /= total;
      double spread = 0, norm = 0;
      for (int64_t k = 0; k < s; ++k) {
        double row_spread = 0, row_norm = 0;
        for (int64_t c = 0; c < d; ++c) {
          const double v = ji[k * d + c];
          row_spread += (v - m[c]) * (v - m[c]);
          row_norm += v * v;
        }
        spread += wi[k] * row_spread;
        norm += wi[k] * row_norm;
      }
      loss_out[i] = spread / total;
      energy_out[i] = norm / total;
    }
  });
  result.loss = loss;
  result.r2 = R2(loss, energy, energy);
  return result;
}

}  // namespace

FitResult WeightedLeastSquares(const torch::Tensor& x, const torch::Tensor& w,
                               const torch::Tensor& y, bool intercept,
                               const ClosedFormOptions& options) {
  // On the samples' device, for all points at once: the normal equations of z = [x, 1],
  // A = Z'WZ and c = Z'Wy, by one batched product (fused loops on the CPU, FusedNormalEquations).
  // On the host: the small p x p systems. Then one step
  // of iterative refinement with the residual computed from the data (not from the rounded normal
  // matrix): the semi-normal-equations fix that brings the accuracy of ill-conditioned fits (LIME
  // kernels spanning many magnitudes) close to a QR solve. Diagnostics: SSE from the weighted
  // residuals (the expansion through the normal equations would lose the small losses of
  // near-exact fits to cancellation), SST = y'Wy - (1'Wy)^2 / 1'W1.
  if (CpuFloat64({&x, &w, &y})) {
    const FusedNormalEquations fused(x, w, intercept);
    const int64_t p = x.size(2) + (intercept ? 1 : 0);
    if (fused.paired() && fused.pair_constant() == 0.0 && x.size(1) % 2 == 0 &&
        x.size(1) / 2 < x.size(2))
      return DualPairsRidgeFit(fused, y, options);
    const NormalSystems systems(fused.Matrices(), options,
                                /*known_singular=*/fused.rank_bound() < p);
    torch::Tensor beta = systems.Solve(fused.Project(y));
    beta += systems.Solve(fused.ProjectResidual(y, beta));
    return WeightedFitResult(beta, systems.ridge(), fused.FitSums(y, beta));
  }
  return BatchedWeightedLeastSquares(x, w, y, intercept, options);
}

FitResult BatchedWeightedLeastSquares(const torch::Tensor& x, const torch::Tensor& w,
                                      const torch::Tensor& y, bool intercept,
                                      const ClosedFormOptions& options) {
  const int64_t n = x.size(0), s = x.size(1);
  const torch::Tensor z =
      intercept ? torch::cat({x, torch::ones({n, s, 1}, x.options())}, 2) : x;
  const torch::Tensor zw_t = (z * w.unsqueeze(2)).transpose(1, 2);  // [N, p, S]
  const NormalSystems systems(torch::bmm(zw_t, z), options);
  torch::Tensor beta = systems.Solve(Project(zw_t, y));
  const auto residual = [&] { return y - torch::bmm(z, beta.unsqueeze(2)).squeeze(2); };
  beta += systems.Solve(Project(zw_t, residual()));
  const torch::Tensor r = residual();
  return WeightedFitResult(
      beta, systems.ridge(),
      torch::stack({w.sum(1), (w * y).sum(1), (w * y * y).sum(1), (w * r * r).sum(1)}, 1));
}

FitResult GradientMatchFit(const LocalProblem& problem, int64_t parameters) {
  if (CpuFloat64({&problem.responses, &problem.weights}))
    return FusedGradientMatch(problem, parameters);
  return BatchedGradientMatchFit(problem, parameters);
}

FitResult BatchedGradientMatchFit(const LocalProblem& problem, int64_t parameters) {
  FitResult result = ZeroFitResult(problem.points(), parameters, problem.responses.device());
  const torch::Tensor w = problem.weights.unsqueeze(2);
  const torch::Tensor total_weight = problem.weights.sum(1).clamp_min(1e-300);
  const torch::Tensor mean = (problem.responses * w).sum(1) / total_weight.unsqueeze(1);
  const torch::Tensor energy = (problem.responses.square() * w).sum({1, 2}) / total_weight;
  result.params.slice(1, 0, problem.dimension()).copy_(mean);
  result.loss = ((problem.responses - mean.unsqueeze(1)).square() * w).sum({1, 2}) / total_weight;
  result.r2 = R2(result.loss, energy, energy);
  return result;
}

FitResult ClosedFormSolver::Fit(const LocalProblem& problem, const Surrogate& surrogate) const {
  if (!surrogate.is_linear())
    Fail("closed_form solver: surrogate '", surrogate.type(),
         "' is not linear in its parameters; use solver 'ceres' or 'auto'");
  if (problem.response == LocalProblem::Response::kGradients)
    return GradientMatchFit(problem, surrogate.NumParameters(problem.dimension()));
  return WeightedLeastSquares(problem.xi, problem.weights, problem.responses,
                              surrogate.intercept(), options_);
}

}  // namespace lfa
