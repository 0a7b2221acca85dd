#include "metrics/distances.h"

#include "framework/errors.h"

namespace lfa {
namespace {

void CheckSameShape(const torch::Tensor& a, const torch::Tensor& b, const char* what) {
  if (a.dim() != 2 || !a.sizes().equals(b.sizes()))
    Fail(what, ": explanations must both be [N, d], got ", a.sizes(), " and ", b.sizes());
}

}  // namespace

torch::Tensor L1Distance(const torch::Tensor& a, const torch::Tensor& b) {
  CheckSameShape(a, b, "L1 distance");
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().sum(1);
}

torch::Tensor CosineDistance(const torch::Tensor& a, const torch::Tensor& b) {
  CheckSameShape(a, b, "cosine distance");
  const torch::Tensor x = a.to(torch::kDouble), y = b.to(torch::kDouble);
  const torch::Tensor norms = x.norm(2, 1) * y.norm(2, 1);
  const torch::Tensor cosine = (x * y).sum(1) / norms.clamp_min(1e-300);
  return torch::where(norms > 0, 1 - cosine, torch::ones_like(cosine));
}

torch::Tensor RecoveryTarget(const torch::Tensor& weights, const torch::Tensor& points,
                             bool multiplicative, double baseline) {
  const torch::Tensor w = weights.to(torch::kDouble).reshape({1, -1});
  const torch::Tensor x = points.to(torch::kDouble).reshape({points.size(0), -1});
  if (w.size(1) != x.size(1))
    Fail("recovery target: ", w.size(1), " weights for points of ", x.size(1), " elements");
  return multiplicative ? w * (x - baseline) : w.expand_as(x).clone();
}

}  // namespace lfa
