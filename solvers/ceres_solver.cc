#include "solvers/ceres_solver.h"

#include <ATen/Parallel.h>
#include <ceres/ceres.h>

#include "framework/errors.h"
#include "framework/spec_reader.h"
#include "solvers/closed_form.h"
#include "solvers/single_index.h"

namespace lfa {
namespace {

// sqrt(pi_s) (g(xi_s) - y_s)  or  sqrt(pi_s) (grad g(xi_s) - J_s), for one point.
class PointCost : public ceres::CostFunction {
 public:
  PointCost(const LocalProblem& problem, int64_t point, const Surrogate& surrogate)
      : surrogate_(surrogate),
        values_(problem.response == LocalProblem::Response::kValues),
        samples_(problem.samples()),
        d_(static_cast<int>(problem.dimension())),
        p_(static_cast<int>(surrogate.NumParameters(problem.dimension()))),
        xi_(problem.xi[point].contiguous()),
        root_weights_(problem.weights[point].sqrt().contiguous()),
        responses_(problem.responses[point].contiguous()) {
    set_num_residuals(static_cast<int>(values_ ? samples_ : samples_ * d_));
    mutable_parameter_block_sizes()->push_back(p_);
  }

  bool Evaluate(double const* const* parameters, double* residuals,
                double** jacobians) const override {
    const double* params = parameters[0];
    double* jacobian = jacobians ? jacobians[0] : nullptr;
    const double* xi = xi_.data_ptr<double>();
    const double* sw = root_weights_.data_ptr<double>();
    const double* y = responses_.data_ptr<double>();
    std::vector<double> grad(d_);
    for (int64_t s = 0; s < samples_; ++s) {
      const double* xs = xi + s * d_;
      if (values_) {
        double* row = jacobian ? jacobian + s * p_ : nullptr;
        residuals[s] = sw[s] * (surrogate_.Value(params, xs, d_, row) - y[s]);
        if (row)
          for (int k = 0; k < p_; ++k) row[k] *= sw[s];
      } else {
        double* rows = jacobian ? jacobian + s * d_ * p_ : nullptr;
        surrogate_.InputGradientAt(params, xs, d_, grad.data(), rows);
        for (int j = 0; j < d_; ++j) residuals[s * d_ + j] = sw[s] * (grad[j] - y[s * d_ + j]);
        if (rows)
          for (int k = 0; k < d_ * p_; ++k) rows[k] *= sw[s];
      }
    }
    return true;
  }

 private:
  const Surrogate& surrogate_;
  bool values_;
  int64_t samples_;
  int d_, p_;
  torch::Tensor xi_, root_weights_, responses_;
};

}  // namespace

CeresSolver::CeresSolver(CeresSolverOptions options) : options_(options) {
  if (options_.max_iterations < 1)
    Fail("ceres solver: max_iterations must be >= 1, got ", options_.max_iterations);
}

std::unique_ptr<Solver> CeresSolver::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "solver 'ceres'");
  CeresSolverOptions options;
  options.max_iterations = static_cast<int>(reader.Integer("max_iterations", options.max_iterations));
  options.function_tolerance = reader.Number("function_tolerance", options.function_tolerance);
  options.parameter_tolerance = reader.Number("parameter_tolerance", options.parameter_tolerance);
  reader.Finish();
  return std::make_unique<CeresSolver>(options);
}

std::vector<PartExample> CeresSolver::Examples() {
  return {
      {.name = "", .spec = nlohmann::json::parse(R"({"type": "ceres"})")},
      {.name = "tolerances",
       .spec = nlohmann::json::parse(R"({"type": "ceres", "max_iterations": 500,
                                         "function_tolerance": 1e-15,
                                         "parameter_tolerance": 1e-14})")},
  };
}

nlohmann::json CeresSolver::ToJson() const {
  return {{"type", type()},
          {"max_iterations", options_.max_iterations},
          {"function_tolerance", options_.function_tolerance},
          {"parameter_tolerance", options_.parameter_tolerance}};
}

FitResult CeresSolver::Fit(const LocalProblem& problem, const Surrogate& surrogate) const {
  const torch::Device device = problem.xi.device();
  if (!device.is_cpu()) {  // Ceres works on host memory: solve there, answer on the device
    FitResult result = Fit(problem.To(torch::kCPU), surrogate);
    for (torch::Tensor* t : {&result.params, &result.loss, &result.r2, &result.ridge})
      *t = t->to(device);
    return result;
  }
  if (problem.response == LocalProblem::Response::kGradients && surrogate.is_single_index())
    return FitSingleIndexGradientMatching(problem, surrogate, options_);
  const int64_t n = problem.points(), p = surrogate.NumParameters(problem.dimension());
  FitResult result = ZeroFitResult(n, p);
  double* params = result.params.data_ptr<double>();
  int64_t* iterations = result.iterations.data_ptr<int64_t>();
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      double* x = params + i * p;
      surrogate.InitialParameters(problem, i, x);
      ceres::Problem ceres_problem;
      ceres_problem.AddResidualBlock(new PointCost(problem, i, surrogate), nullptr, x);
      ceres::Solver::Options options;
      options.max_num_iterations = options_.max_iterations;
      options.function_tolerance = options_.function_tolerance;
      options.parameter_tolerance = options_.parameter_tolerance;
      options.gradient_tolerance = 1e-16;
      options.linear_solver_type = ceres::DENSE_NORMAL_CHOLESKY;
      options.logging_type = ceres::SILENT;
      options.num_threads = 1;
      ceres::Solver::Summary summary;
      ceres::Solve(options, &ceres_problem, &summary);
      iterations[i] = static_cast<int64_t>(summary.iterations.size());
    }
  });
  Diagnose(problem, surrogate, &result);
  return result;
}

std::unique_ptr<Solver> AutoSolver::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "solver 'auto'");
  reader.Finish();
  return std::make_unique<AutoSolver>();
}

std::vector<PartExample> AutoSolver::Examples() {
  return {{.name = "", .spec = nlohmann::json::parse(R"({"type": "auto"})")}};
}

FitResult AutoSolver::Fit(const LocalProblem& problem, const Surrogate& surrogate) const {
  if (surrogate.is_linear()) return ClosedFormSolver().Fit(problem, surrogate);
  return CeresSolver().Fit(problem, surrogate);
}

}  // namespace lfa
