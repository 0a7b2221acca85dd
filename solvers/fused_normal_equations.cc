#include "solvers/fused_normal_equations.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

#include "solvers/weighted_gram.h"

namespace lfa {

FusedNormalEquations::FusedNormalEquations(const torch::Tensor& x, const torch::Tensor& w,
                                           bool intercept)
    : x_(x.contiguous()),
      w_(w.contiguous()),
      xs_(x_.data_ptr<double>()),
      ws_(w_.data_ptr<double>()),
      n_(x.size(0)),
      s_(x.size(1)),
      d_(x.size(2)),
      p_(d_ + (intercept ? 1 : 0)),
      intercept_(intercept) {
  paired_ = FindPairs(&a_);
}

bool FusedNormalEquations::FindPairs(double* pair_constant) const {
  if (n_ == 0 || s_ < 2 || d_ == 0) return false;
  const double a = xs_[d_] + xs_[0];  // x_1 + x_0 of the first point's first feature
  for (int64_t i = 0; i < n_; ++i) {
    for (int64_t k = 0; k + 1 < s_; k += 2) {
      const double* w = ws_ + i * s_ + k;
      if (!(w[1] == w[0])) return false;
      const double* x0 = xs_ + (i * s_ + k) * d_;
      const double* x1 = x0 + d_;
      bool partners = true;
      for (int64_t j = 0; j < d_; ++j) partners &= x1[j] == a - x0[j];
      if (!partners) return false;
    }
  }
  *pair_constant = a;
  return true;
}

int64_t FusedNormalEquations::rank_bound() const {
  if (!paired_) return s_;
  return s_ / 2 + 1 + s_ % 2;
}

double FusedNormalEquations::Dot(const double* __restrict x, const double* __restrict b) const {
  // Four partial sums: one chain of dependent additions would wait on each in turn.
  double part[4] = {0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 4 <= d_; j += 4)
    for (int q = 0; q < 4; ++q) part[q] += x[j + q] * b[j + q];
  for (; j < d_; ++j) part[0] += x[j] * b[j];
  return (part[0] + part[1]) + (part[2] + part[3]);
}

torch::Tensor FusedNormalEquations::Matrices() const {
  torch::Tensor result = torch::empty({n_, p_, p_}, torch::kDouble);
  double* out = result.data_ptr<double>();
  if (!paired_) {
    at::parallel_for(0, n_, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        WeightedGram(xs_ + i * s_ * d_, ws_ + i * s_, s_, d_, intercept_, out + i * p_ * p_);
    });
    return result;
  }
  const int64_t pairs = s_ / 2, q = d_ + 1;  // g = sum over first members of w [x, 1][x, 1]'
  const double a = a_;
  at::parallel_for(0, n_, 1, [&](int64_t begin, int64_t end) {
    std::vector<double> first(static_cast<size_t>(pairs * d_)), weight(static_cast<size_t>(pairs));
    std::vector<double> g(static_cast<size_t>(q * q));
    for (int64_t i = begin; i < end; ++i) {
      const double* xi = xs_ + i * s_ * d_;
      const double* wi = ws_ + i * s_;
      for (int64_t k = 0; k < pairs; ++k) {
        std::copy(xi + 2 * k * d_, xi + (2 * k + 1) * d_, first.begin() + k * d_);
        weight[static_cast<size_t>(k)] = wi[2 * k];
      }
      WeightedGram(first.data(), weight.data(), pairs, d_, /*intercept=*/true, g.data());
      const double g0 = g[static_cast<size_t>(d_ * q + d_)];
      double* ai = out + i * p_ * p_;
      for (int64_t r = 0; r < d_; ++r) {
        const double gr = g[static_cast<size_t>(r * q + d_)];
        for (int64_t c = 0; c < d_; ++c) {
          const double gc = g[static_cast<size_t>(c * q + d_)];
          ai[r * p_ + c] = 2 * g[static_cast<size_t>(r * q + c)] - a * (gr + gc) + a * a * g0;
        }
      }
      if (intercept_) {
        for (int64_t r = 0; r < d_; ++r) ai[r * p_ + d_] = ai[d_ * p_ + r] = a * g0;
        ai[d_ * p_ + d_] = 2 * g0;
      }
      if (s_ % 2 == 1) {  // the last sample has no partner
        const double* x = xi + (s_ - 1) * d_;
        const double w = wi[s_ - 1];
        for (int64_t r = 0; r < p_; ++r) {
          const double zr = r < d_ ? x[r] : 1.0;
          for (int64_t c = 0; c < p_; ++c) ai[r * p_ + c] += w * zr * (c < d_ ? x[c] : 1.0);
        }
      }
    }
  });
  return result;
}

FusedNormalEquations::PointView FusedNormalEquations::View(int64_t i, const double* ys,
                                                           const double* bs) const {
  PointView point{xs_ + i * s_ * d_, ws_ + i * s_, ys + i * s_, bs ? bs + i * p_ : nullptr};
  if (point.b) {
    point.b1 = intercept_ ? point.b[d_] : 0.0;
    for (int64_t j = 0; j < d_; ++j) point.sum_b += point.b[j];
  }
  return point;
}

template <bool kResidual>
torch::Tensor FusedNormalEquations::ProjectOf(const torch::Tensor& y,
                                              const torch::Tensor& beta) const {
  const torch::Tensor yc = y.contiguous();
  const torch::Tensor bc = kResidual ? beta.contiguous() : torch::Tensor();
  const double* ys = yc.data_ptr<double>();
  const double* bs = kResidual ? bc.data_ptr<double>() : nullptr;
  torch::Tensor c = torch::zeros({n_, p_}, torch::kDouble);
  double* out = c.data_ptr<double>();
  ForEachPoint(ys, bs, [&](int64_t i, const PointView& point) {
    const double *xi = point.x, *wi = point.w, *yi = point.y, *b = point.b;
    const double b1 = point.b1, sum_b = point.sum_b;
    double* __restrict ci = out + i * p_;
    int64_t k = 0;
    if (paired_) {
      // sum_pairs w (x v0 + (a - x) v1) = sum w x (v0 - v1) + a sum w v1.
      double partner_sum = 0, both_sum = 0;
      for (; k + 1 < s_; k += 2) {
        const double* __restrict x0 = xi + k * d_;
        double v0 = yi[k], v1 = yi[k + 1];
        if (kResidual) {
          const double dot = Dot(x0, b);
          v0 -= dot + b1;
          v1 -= a_ * sum_b - dot + b1;
        }
        const double w = wi[k], difference = w * (v0 - v1);
        for (int64_t j = 0; j < d_; ++j) ci[j] += x0[j] * difference;
        partner_sum += w * v1;
        both_sum += w * (v0 + v1);
      }
      for (int64_t j = 0; j < d_; ++j) ci[j] += a_ * partner_sum;
      if (intercept_) ci[d_] += both_sum;
    }
    for (; k < s_; ++k) {  // every sample, or an odd S's last one
      const double* __restrict xk = xi + k * d_;
      double v = yi[k];
      if (kResidual) v -= Dot(xk, b) + b1;
      const double wv = wi[k] * v;
      for (int64_t j = 0; j < d_; ++j) ci[j] += xk[j] * wv;
      if (intercept_) ci[d_] += wv;
    }
  });
  return c;
}

torch::Tensor FusedNormalEquations::Project(const torch::Tensor& y) const {
  return ProjectOf<false>(y, torch::Tensor());
}

torch::Tensor FusedNormalEquations::ProjectResidual(const torch::Tensor& y,
                                                    const torch::Tensor& beta) const {
  return ProjectOf<true>(y, beta);
}

torch::Tensor FusedNormalEquations::FitSums(const torch::Tensor& y,
                                            const torch::Tensor& beta) const {
  const torch::Tensor yc = y.contiguous(), bc = beta.contiguous();
  const double* ys = yc.data_ptr<double>();
  const double* bs = bc.data_ptr<double>();
  torch::Tensor sums = torch::empty({n_, 4}, torch::kDouble);
  double* out = sums.data_ptr<double>();
  ForEachPoint(ys, bs, [&](int64_t i, const PointView& point) {
    const double *xi = point.x, *wi = point.w, *yi = point.y, *b = point.b;
    const double b1 = point.b1, sum_b = point.sum_b;
    double total = 0, wy = 0, wyy = 0, sse = 0;
    auto add = [&](double w, double v, double r) {
      total += w;
      wy += w * v;
      wyy += w * v * v;
      sse += w * r * r;
    };
    int64_t k = 0;
    if (paired_) {
      for (; k + 1 < s_; k += 2) {
        const double dot = Dot(xi + k * d_, b);
        add(wi[k], yi[k], yi[k] - (dot + b1));
        add(wi[k + 1], yi[k + 1], yi[k + 1] - (a_ * sum_b - dot + b1));
      }
    }
    for (; k < s_; ++k) add(wi[k], yi[k], yi[k] - (Dot(xi + k * d_, b) + b1));
    double* row = out + i * 4;
    row[0] = total, row[1] = wy, row[2] = wyy, row[3] = sse;
  });
  return sums;
}

}  // namespace lfa
