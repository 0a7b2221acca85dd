// `convergence` study: how fast SmoothGrad and C-LIME reach the smoothed gradient as the number of
// samples grows. The worked example of a study in docs/extending.md; in the project these files
// would be experiments/studies/convergence/convergence_study.{h,cc}.
//
// For f(x) = sum_k sin(w_k x_k) and Gaussian noise xi ~ N(0, sigma^2 I), both methods estimate the
// same vector (Stein's lemma: the population least-squares slope of C-LIME is E[grad f(x + xi)]):
//     s_k(x) = E[d f / d x_k (x + xi)] = w_k cos(w_k x_k) exp(-w_k^2 sigma^2 / 2),
// known in closed form, so the error of each estimate is exact. Monte Carlo error falls like
// 1 / sqrt(S): a hundredfold increase in S should divide it by about ten.
//
// Compute, then report, then (optionally) plot; the numbers travel as ConvergenceStudyResults:
//
//   ConvergenceStudyOptions options{.samples = {10, 100, 1000}, .points = 20};
//   const ConvergenceStudyResults results = RunConvergenceStudy(options);
//   WriteConvergenceReport(results, "out/convergence");   // convergence.csv, report.md
//
// WARNING: the error is measured against s(x), not against grad f(x): with sigma > 0 both methods
// converge to the smoothed gradient, which differs from the gradient by the factors
// exp(-w_k^2 sigma^2 / 2). Comparing with grad f would blame the noise level on the sample count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lfa {

struct ConvergenceStudyOptions {
  std::vector<int64_t> samples = {10, 100, 1000};  // sample counts, increasing, each >= 2
  int64_t points = 20;                              // points explained (>= 2: a standard error)
  double sigma = 0.3;                               // noise of both methods, > 0
  uint64_t seed = 0;                                // points and samples

  bool IsValid(std::string* error) const;
};

// One method at one sample count: the root-mean-square error over the features of each point,
// summarised over the points.
struct ConvergenceRow {
  std::string method;  // "smoothgrad" or "clime"
  int64_t samples = 0;
  double mean_error = 0;
  double standard_error = 0;  // of the mean over the points
};

struct ConvergenceStudyResults {
  ConvergenceStudyOptions options;
  std::vector<ConvergenceRow> rows;  // every method at every sample count, in that order

  // The row of `method` at `samples`; InvalidInput when there is none.
  const ConvergenceRow& At(const std::string& method, int64_t samples) const;
};

// The methods compared, in report order.
const std::vector<std::string>& ConvergenceMethods();

// Explains the points with each method at each sample count. Writes nothing.
ConvergenceStudyResults RunConvergenceStudy(const ConvergenceStudyOptions& options);

// Writes `out`/convergence.csv (method, samples, mean_error, standard_error) and `out`/report.md
// (the table and verdicts computed from it), each atomically; `out` is created when missing.
void WriteConvergenceReport(const ConvergenceStudyResults& results, const std::string& out);

}  // namespace lfa
