// CeresSolver: per-point Levenberg-Marquardt fits with Ceres Solver, for surrogates and losses
// that have no closed form (the logistic surrogate, with the squared loss or gradient matching).
//
// Every point is an independent ceres::Problem with one residual block: sqrt(pi_s) times the
// residual of local_problem.h, with analytic Jacobians from the Surrogate. Points are solved in
// parallel. Starting values come from Surrogate::InitialParameters. Gradient matching with a
// single-index surrogate (logistic) uses the structured Levenberg-Marquardt of single_index.h,
// which forms the same Gauss-Newton matrix 23 times faster on the paper's problems.
//
//   CeresSolver solver({.max_iterations = 200});
//
// WARNING: the result is a local minimum; for the logistic surrogate the problem is well behaved
// when the responses are probabilities, but check FitResult::loss when they are not.
#pragma once

#include <vector>

#include "framework/part_example.h"
#include "framework/solver.h"

namespace lfa {

struct CeresSolverOptions {
  int max_iterations = 200;          // Levenberg-Marquardt iterations per point
  double function_tolerance = 1e-14; // relative decrease of the cost that stops the fit
  double parameter_tolerance = 1e-12;
};

class CeresSolver : public Solver {
 public:
  explicit CeresSolver(CeresSolverOptions options = {});
  static std::unique_ptr<Solver> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<PartExample> Examples();

  std::string type() const override { return "ceres"; }
  FitResult Fit(const LocalProblem& problem, const Surrogate& surrogate) const override;
  nlohmann::json ToJson() const override;

 private:
  CeresSolverOptions options_;
};

// closed_form for linear surrogates, ceres otherwise.
class AutoSolver : public Solver {
 public:
  static std::unique_ptr<Solver> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<PartExample> Examples();
  std::string type() const override { return "auto"; }
  FitResult Fit(const LocalProblem& problem, const Surrogate& surrogate) const override;
};

}  // namespace lfa
