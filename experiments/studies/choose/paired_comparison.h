// PairedComparison: how much two explanations' losses at the same points differ, with a confidence
// interval over the points, and how many points would tell them apart.
//
// `lfa choose` scores every candidate on the same N points and the same fresh evaluation samples,
// so per-point losses a_i, b_i are paired: the difference d_i = a_i - b_i cancels what the points
// share (a point where f is curved is hard for every candidate), and
//     mean = (1/N) sum_i d_i,   s² = (1/(N-1)) sum_i (d_i - mean)²,   sem = s / sqrt(N),
//     interval = mean -/+ t · sem,   t = the (1 + level)/2 quantile of Student's t with N-1 d.o.f.
// The two are told apart at `level` when the interval excludes 0. A true difference of the
// observed size would be resolved (t · s / sqrt(n) < |mean|) by about
//     n = ceil((t · s / |mean|)²) points          (t kept at its value for N).
// Win shares say how often a candidate is the best at a single point: at each point the candidates
// whose loss is within the point's tie level of the smallest share that point equally, so the
// shares of all candidates sum to 1.
//
//   PairedDifference d = ComparePaired(loss_smoothgrad, loss_clime, 0.95);
//   if (d.low > 0) ...                                   // smoothgrad is worse, at 95%
//   torch::Tensor shares = WinShares(losses /*[C, N]*/, ties /*[N]*/);
//
// WARNING: the interval is over points, not over the Monte Carlo error of each point's loss; it
// answers "would another set of points from the same population order them the same way", and
// says nothing about points unlike these.
#pragma once

#include <cstdint>
#include <optional>

#include <torch/types.h>

namespace lfa {

struct PairedDifference {
  double mean = 0.0;  // mean of a_i - b_i
  double sem = 0.0;   // its standard error (sample std, n - 1, over sqrt(N))
  double low = 0.0;   // the interval at `level`
  double high = 0.0;
  int64_t points = 0;
  // Points that would resolve a difference of this size; nullopt when the difference is exactly 0
  // (no number of points separates two identical losses) or N < 2.
  std::optional<int64_t> points_needed;

  // The interval excludes 0 (a point estimate of 0 with sem 0 is not told apart).
  bool Resolved() const { return low > 0 || high < 0; }
};

// The (1 + level) / 2 quantile of Student's t with `dof` degrees of freedom (level in (0, 1),
// dof >= 1): 12.706 for (0.95, 1), 1.984 for (0.95, 99).
double StudentQuantile(double level, int64_t dof);

// a, b: per-point values [N] of two candidates at the same points (N >= 2); level in (0, 1).
// InvalidInput naming the sizes otherwise.
PairedDifference ComparePaired(const torch::Tensor& a, const torch::Tensor& b, double level);

// losses [C, N], ties [N] (>= 0): the share of the N points each of the C candidates wins, [C]
// float64 summing to 1. At point i the winners are the candidates with loss <= min_i + ties_i.
torch::Tensor WinShares(const torch::Tensor& losses, const torch::Tensor& ties);

}  // namespace lfa
