// FusedNormalEquations: the products of a weighted least-squares fit of float64 CPU problems
// (solvers/closed_form.h), each in one pass over every point's samples and no [N, S, p] copies:
//   Matrices()              A_i = Z'WZ                      [N, p, p]   (WeightedGram)
//   Project(y)              c_i = Z'W y                     [N, p]
//   ProjectResidual(y, b)   Z'W (y - Z b_i)                 [N, p]      (the refinement step)
//   FitSums(y, b)           sum w, sum w y, sum w y², sum w (y - Z b_i)²   [N, 4]
// with z = [x, 1] (intercept) or x, for samples x [N, S, d] and weights w [N, S].
//
// Antithetic pairs. Neighbourhoods draw half their samples and add each draw's partner: C-LIME's
// Gaussian noise xi and -xi, KernelSHAP's mask m and its complement 1 - m (with the Shapley
// kernel's equal weights for sizes k and G - k). Where every pair (2q, 2q + 1) of every point
// satisfies x_{2q+1} = a - x_{2q} exactly, for one constant a, with equal weights (checked once,
// stopping at the first pair that does not), the products are formed from the first members
// alone: with g = sum_q w_q [x_q, 1][x_q, 1]' over the pairs,
//   Z'WZ = [[2 Gxx - a (1 gx' + gx 1') + a² g0 11',  a g0 1], [a g0 1',  2 g0]]
// (Gxx, gx, g0 the blocks of g), and a partner's fitted value is a sum(b_x) - x.b_x + b_1, so
// every product takes half the multiply-adds. A last unpaired sample (odd S) is added on its
// own. The results equal the direct sums up to rounding.
//
//   const FusedNormalEquations fused(x, w, /*intercept=*/true);
//   const torch::Tensor a = fused.Matrices(), c = fused.Project(y);
#pragma once

#include <ATen/Parallel.h>
#include <torch/types.h>

#include <cstdint>

namespace lfa {

class FusedNormalEquations {
 public:
  // x [N, S, d] and w [N, S]: float64 on the CPU.
  FusedNormalEquations(const torch::Tensor& x, const torch::Tensor& w, bool intercept);

  torch::Tensor Matrices() const;
  torch::Tensor Project(const torch::Tensor& y) const;
  torch::Tensor ProjectResidual(const torch::Tensor& y, const torch::Tensor& beta) const;
  torch::Tensor FitSums(const torch::Tensor& y, const torch::Tensor& beta) const;

  // The samples [N, S, d] and weights [N, S] (contiguous) the products are formed from.
  const torch::Tensor& samples() const { return x_; }
  const torch::Tensor& weights() const { return w_; }
  bool intercept() const { return intercept_; }
  // Whether the samples were found in antithetic pairs (see above), and their constant a.
  bool paired() const { return paired_; }
  double pair_constant() const { return a_; }
  // An upper bound on the rank of every point's Z'WZ: S, or for pairs the first members and one
  // more (z_{2q} + z_{2q+1} = [a 1, 2] is the same for every pair; with an intercept, or 0
  // without), and an odd S's last sample. Below p the systems are singular before any
  // factorisation.
  int64_t rank_bound() const;

 private:
  // Whether the samples come in antithetic pairs; sets *a to their constant if so.
  bool FindPairs(double* a) const;
  double Dot(const double* x, const double* b) const;  // x.b over the d features
  // Point i's rows [S, d], weights [S], responses [S] and, when bs is given, its coefficients,
  // their intercept b1 (0 without) and feature sum (a partner's fit is a sum_b - x.b + b1).
  struct PointView {
    const double* x;
    const double* w;
    const double* y;
    const double* b;
    double b1 = 0;
    double sum_b = 0;
  };
  PointView View(int64_t i, const double* ys, const double* bs) const;
  // Calls fn(i, View(i, ys, bs)) for every point, points in parallel.
  template <typename Fn>
  void ForEachPoint(const double* ys, const double* bs, const Fn& fn) const {
    at::parallel_for(0, n_, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) fn(i, View(i, ys, bs));
    });
  }
  // Z'W v per point for v = y (kResidual false) or v = y - Z beta (true).
  template <bool kResidual>
  torch::Tensor ProjectOf(const torch::Tensor& y, const torch::Tensor& beta) const;

  torch::Tensor x_, w_;
  const double* xs_;  // x_'s and w_'s data, read once (data_ptr checks the tensor on every call)
  const double* ws_;
  int64_t n_, s_, d_, p_;
  bool intercept_;
  bool paired_ = false;
  double a_ = 0;
};

}  // namespace lfa
