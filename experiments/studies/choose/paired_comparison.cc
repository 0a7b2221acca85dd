#include "experiments/studies/choose/paired_comparison.h"

#include <cmath>

#include <boost/math/distributions/students_t.hpp>

#include "framework/errors.h"

namespace lfa {

double StudentQuantile(double level, int64_t dof) {
  if (!(level > 0 && level < 1)) Fail("confidence level must be in (0, 1), got ", level);
  if (dof < 1) Fail("Student's t needs at least 1 degree of freedom, got ", dof);
  const boost::math::students_t t(static_cast<double>(dof));
  return boost::math::quantile(t, 0.5 + level / 2);
}

PairedDifference ComparePaired(const torch::Tensor& a, const torch::Tensor& b, double level) {
  if (a.dim() != 1 || a.sizes() != b.sizes())
    Fail("paired comparison: per-point values ", a.sizes(), " and ", b.sizes(),
         " must be two vectors of one length");
  const int64_t n = a.size(0);
  if (n < 2) Fail("paired comparison needs at least 2 points, got ", n);
  const torch::Tensor d = a.to(torch::kDouble) - b.to(torch::kDouble);
  PairedDifference result;
  result.points = n;
  result.mean = d.mean().item<double>();
  const double std = d.std(/*unbiased=*/true).item<double>();
  result.sem = std / std::sqrt(static_cast<double>(n));
  const double t = StudentQuantile(level, n - 1);
  result.low = result.mean - t * result.sem;
  result.high = result.mean + t * result.sem;
  if (result.mean != 0.0) {
    const double needed = std::ceil(std::pow(t * std / std::abs(result.mean), 2));
    result.points_needed = static_cast<int64_t>(std::max(needed, 2.0));
  }
  return result;
}

torch::Tensor WinShares(const torch::Tensor& losses, const torch::Tensor& ties) {
  if (losses.dim() != 2 || ties.dim() != 1 || ties.size(0) != losses.size(1))
    Fail("win shares: losses ", losses.sizes(), " must be [candidates, points] and ties ",
         ties.sizes(), " [points]");
  const torch::Tensor l = losses.to(torch::kDouble);
  const torch::Tensor best = std::get<0>(l.min(0, /*keepdim=*/true));  // [1, N]
  const torch::Tensor winners =
      (l <= best + ties.to(torch::kDouble).unsqueeze(0)).to(torch::kDouble);
  const torch::Tensor per_point = winners / winners.sum(0, /*keepdim=*/true);  // [C, N]
  return per_point.mean(1);
}

}  // namespace lfa
