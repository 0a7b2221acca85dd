// BernoulliMaskNeighbourhood: xi ~ Bernoulli(p)^G keep-masks over feature groups,
// x' = b + m (x - b), with a similarity kernel pi(xi):
//
//   kernel        pi(xi)                                               used by
//   exponential   exp(-||x - x'||^2 / width^2)                         LIME (the paper: width 1)
//   shapley       (G-1) / (C(G,k) k (G-k)),  k = sum xi;  1e6 when     KernelSHAP
//                 k in {0, G} (the infinite weights of the theory)
//   uniform       1
//
// With a linear surrogate and the squared loss this is LIME / KernelSHAP; exact Shapley values are
// its population solution with the Shapley kernel.
//
//   BernoulliMaskNeighbourhood z({.kernel = "shapley"});
//
// Antithetic sampling (p = 0.5 only) draws masks in complementary pairs (m, 1 - m): every mask is
// still Bernoulli(0.5)^G, so the expected empirical loss is the same LFA objective, with less
// variance (the recipes lime and kernelshap use it).
//
// WARNING: the Shapley kernel spans hundreds of orders of magnitude for large G (images without
// groups); use feature groups or shapley_coalitions there.
#pragma once

#include <vector>

#include "framework/part_example.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/mask_neighbourhood.h"

namespace lfa {

struct BernoulliMaskOptions {
  double p = 0.5;                      // probability that a group is kept, in (0, 1)
  std::string kernel = "exponential";  // exponential | shapley | uniform
  double width = 1.0;                  // exponential kernel width, > 0
  bool antithetic = false;             // pair every mask m with 1 - m (requires p = 0.5)
  Baseline baseline = 0.0;             // value of a removed element
  FeatureGroups groups;                // default: every element its own feature
};

class BernoulliMaskNeighbourhood : public MaskNeighbourhood {
 public:
  explicit BernoulliMaskNeighbourhood(BernoulliMaskOptions options = {});
  static std::unique_ptr<Neighbourhood> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<NeighbourhoodExample> Examples();

  std::string type() const override { return "bernoulli_mask"; }
  NeighbourhoodSample Sample(const PointBatch& points, int64_t samples) const override;
  torch::Tensor Origin(const PointBatch& points) const override;
  nlohmann::json ToJson() const override;

  // Kernel weights of masks xi [N, S, G] for the batch: [N, S].
  torch::Tensor Weights(const PointBatch& points, const torch::Tensor& xi) const;
  const BernoulliMaskOptions& options() const { return options_; }

 private:
  BernoulliMaskOptions options_;
};

// The Shapley kernel (G-1) / (C(G,k) k (G-k)) for coalition sizes k [*] (whole numbers in 0..G,
// as float64), 1e6 at k = 0 or G.
torch::Tensor ShapleyKernel(const torch::Tensor& sizes, int64_t groups);

}  // namespace lfa
