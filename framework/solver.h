// Solver: minimises every point's empirical loss (local_problem.h) over a surrogate's parameters.
//
//   type          when                                  how
//   closed_form   linear surrogate                      batched weighted least squares in float64
//                                                       (Cholesky, ridge fallback when rank-deficient);
//                                                       gradient matching: weighted mean of J
//   ceres         any surrogate and loss                Levenberg-Marquardt per point (Ceres Solver)
//   auto          closed_form if possible, else ceres
//
// The FitResult carries the diagnostics an Explanation reports: the achieved loss, the weighted R²
// and the ridge strength that had to be added (0 when the system was well posed).
//
// WARNING: a rank-deficient system (a feature never switched off, fewer samples than features) has
// no unique minimiser; the closed form then returns the ridge solution with the smallest norm
// rather than failing, and says so in `ridge`. Check it before reading individual weights.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "framework/local_problem.h"
#include "framework/surrogate.h"

namespace lfa {

// Everything but `iterations` lives on the problem's device.
struct FitResult {
  torch::Tensor params;      // [N, p]
  torch::Tensor loss;        // [N] achieved empirical loss
  torch::Tensor r2;          // [N] weighted R²
  torch::Tensor ridge;       // [N] ridge strength added (0 = none)
  torch::Tensor iterations;  // [N] solver iterations (0 for closed forms)
};

class Solver {
 public:
  virtual ~Solver() = default;
  virtual std::string type() const = 0;
  virtual FitResult Fit(const LocalProblem& problem, const Surrogate& surrogate) const = 0;
  virtual nlohmann::json ToJson() const { return {{"type", type()}}; }
};

// A result for `points` points and `parameters` parameters: params and ridge zeroed on `device`,
// iterations zeroed on the CPU, loss and r2 undefined (to be filled).
FitResult ZeroFitResult(int64_t points, int64_t parameters,
                        const torch::Device& device = torch::kCPU);

// Fills loss and r2 of `result` from its params.
void Diagnose(const LocalProblem& problem, const Surrogate& surrogate, FitResult* result);

}  // namespace lfa
