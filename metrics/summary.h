// MetricSummary: a metric's value at every point, with its mean and the standard error of the mean.
//
// Faithfulness metrics score each explained point separately; a table reports the mean over the N
// points and its standard error,
//     mean = (1/N) sum_i m_i,     sem = s / sqrt(N),     s² = (1/(N-1)) sum_i (m_i - mean)²,
// i.e. s is the *sample* standard deviation (Bessel's correction, n - 1), as numpy's
// std(ddof=1) and scipy.stats.sem compute it. The per-point values are kept so that studies can
// pair methods point by point or bootstrap.
//
//   torch::Tensor gaps = ...;                        // [N] one value per point
//   MetricSummary s = Summarize(gaps);
//   std::cout << s.BriefReport() << "\n";            // "0.123 +/- 0.004 (n = 100)"
//   double half_width = 1.96 * s.sem;                 // normal-approximation 95% interval
//
// WARNING: sem measures the spread of the *points*, not the Monte Carlo error of each point's
// value; with one point it is undefined (NaN), and it says nothing about how two methods evaluated
// on the same points differ (compare paired per-point values for that).
#pragma once

#include <string>

#include <torch/types.h>

namespace lfa {

struct MetricSummary {
  torch::Tensor per_point;  // [N] float64, one value per point
  double mean = 0.0;        // mean of per_point (NaN when N = 0 or any value is NaN)
  double sem = 0.0;         // sample std (n - 1) / sqrt(N) (NaN when N < 2)

  // "mean +/- sem (n = N)".
  std::string BriefReport() const;
};

// per_point: a 1-D tensor of any floating or integer dtype, on any device.
MetricSummary Summarize(const torch::Tensor& per_point);

}  // namespace lfa
