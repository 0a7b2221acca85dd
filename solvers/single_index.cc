#include "solvers/single_index.h"

#include <cmath>

#include <ATen/Parallel.h>
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "framework/errors.h"

namespace lfa {
namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct PointData {
  Eigen::Map<const RowMajor> xi;        // S x d
  Eigen::Map<const RowMajor> gradients;  // S x d (J)
  Eigen::Map<const Eigen::VectorXd> weights;
};

// Half the weighted sum of squared residuals at theta; with normal != nullptr also J'J and J'r.
double Evaluate(const PointData& data, const Surrogate& surrogate, bool intercept,
                const Eigen::VectorXd& theta, Eigen::MatrixXd* normal, Eigen::VectorXd* gradient) {
  const int64_t s = data.xi.rows(), d = data.xi.cols(), p = theta.size();
  const Eigen::VectorXd w = theta.head(d);
  const double b = intercept ? theta(d) : 0.0;
  const double ww = w.squaredNorm();
  const Eigen::VectorXd u = (data.xi * w).array() + b;
  const Eigen::VectorXd wj = data.gradients * w;
  const Eigen::VectorXd jj = data.gradients.rowwise().squaredNorm();
  Eigen::VectorXd h1(s), h2(s);
  double cost = 0;
  for (int64_t k = 0; k < s; ++k) {
    double h;
    surrogate.Link(u(k), &h, &h1(k), &h2(k));
    cost += data.weights(k) * (h1(k) * h1(k) * ww - 2 * h1(k) * wj(k) + jj(k));
  }
  if (!normal) return 0.5 * cost;
  // xi~ rows scaled for the rank update: sqrt(pi) |h''| ||w|| xi~.
  RowMajor scaled(s, p);
  Eigen::VectorXd c = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd g = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd h1_j = Eigen::VectorXd::Zero(d);  // sum pi h' J_s
  double a2 = 0;                                     // sum pi h'^2
  for (int64_t k = 0; k < s; ++k) {
    const double pi = data.weights(k);
    const double factor = std::sqrt(pi) * std::abs(h2(k)) * std::sqrt(ww);
    scaled.row(k).head(d) = factor * data.xi.row(k);
    if (intercept) scaled(k, d) = factor;
    const double cross = pi * h1(k) * h2(k);
    c.head(d) += cross * data.xi.row(k).transpose();
    if (intercept) c(d) += cross;
    // J_s' r_s / sqrt(pi)^2 = h'' (w'v) xi~ + h' E' v,  v = h' w - J_s,  w'v = h' ||w||^2 - w'J_s.
    const double wv = h1(k) * ww - wj(k);
    const double along = pi * h2(k) * wv;
    g.head(d) += along * data.xi.row(k).transpose();
    if (intercept) g(d) += along;
    h1_j += pi * h1(k) * data.gradients.row(k).transpose();
    a2 += pi * h1(k) * h1(k);
  }
  g.head(d) += a2 * w - h1_j;  // E' sum pi h' v_s
  normal->setZero(p, p);
  normal->selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose());
  *normal = normal->selfadjointView<Eigen::Lower>();
  Eigen::VectorXd w_tilde = Eigen::VectorXd::Zero(p);
  w_tilde.head(d) = w;
  *normal += c * w_tilde.transpose() + w_tilde * c.transpose();
  normal->topLeftCorner(d, d).diagonal().array() += a2;
  *gradient = g;
  return 0.5 * cost;
}

}  // namespace

FitResult FitSingleIndexGradientMatching(const LocalProblem& problem, const Surrogate& surrogate,
                                         const CeresSolverOptions& options) {
  if (problem.response != LocalProblem::Response::kGradients || !surrogate.is_single_index())
    Fail("single-index solver: needs a gradient-matching problem and a single-index surrogate");
  const int64_t n = problem.points(), s = problem.samples(), d = problem.dimension();
  const int64_t p = surrogate.NumParameters(d);
  const bool intercept = surrogate.intercept();
  const torch::Tensor xi = problem.xi.contiguous(), responses = problem.responses.contiguous(),
                      weights = problem.weights.contiguous();
  FitResult result = ZeroFitResult(n, p);
  double* params = result.params.data_ptr<double>();
  int64_t* iterations = result.iterations.data_ptr<int64_t>();
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const PointData data{Eigen::Map<const RowMajor>(xi.data_ptr<double>() + i * s * d, s, d),
                           Eigen::Map<const RowMajor>(responses.data_ptr<double>() + i * s * d, s, d),
                           Eigen::Map<const Eigen::VectorXd>(weights.data_ptr<double>() + i * s, s)};
      Eigen::VectorXd theta(p);
      surrogate.InitialParameters(problem, i, theta.data());
      Eigen::MatrixXd normal;
      Eigen::VectorXd gradient;
      double cost = Evaluate(data, surrogate, intercept, theta, &normal, &gradient);
      double lambda = 1e-4;
      int iteration = 0;
      for (; iteration < options.max_iterations; ++iteration) {
        if (gradient.lpNorm<Eigen::Infinity>() <= 1e-16 * (1 + cost)) break;
        Eigen::MatrixXd damped = normal;
        damped.diagonal() += lambda * normal.diagonal().cwiseMax(1e-12);
        const Eigen::VectorXd step = damped.ldlt().solve(-gradient);
        const Eigen::VectorXd candidate = theta + step;
        const double candidate_cost = Evaluate(data, surrogate, intercept, candidate, nullptr, nullptr);
        if (std::isfinite(candidate_cost) && candidate_cost < cost) {
          const double decrease = cost - candidate_cost;
          theta = candidate;
          const bool small_step =
              step.norm() <= options.parameter_tolerance * (theta.norm() + options.parameter_tolerance);
          cost = Evaluate(data, surrogate, intercept, theta, &normal, &gradient);
          lambda = std::max(lambda / 3, 1e-12);
          if (small_step || decrease <= options.function_tolerance * (cost + decrease)) break;
        } else {
          lambda *= 4;
          if (lambda > 1e16) break;
        }
      }
      Eigen::Map<Eigen::VectorXd>(params + i * p, p) = theta;
      iterations[i] = iteration;
    }
  });
  Diagnose(problem, surrogate, &result);
  return result;
}

}  // namespace lfa
