// ShapleyCoalitionsNeighbourhood: Captum's KernelSHAP sampler as a neighbourhood.
//
// Sample 0 keeps every group and sample 1 removes every group, both with weight 1e6 (standing in
// for the infinite Shapley-kernel weight that enforces efficiency); every further sample draws a
// coalition size k in 1..G-1 with probability proportional to (G-1) / (k (G-k)), then a uniform
// subset of that size, with weight 1. Drawing sizes from the kernel instead of weighting makes the
// weighted least-squares estimate of Shapley values far less noisy than Bernoulli(0.5) masks.
//
//   ShapleyCoalitionsNeighbourhood z({.baseline = 0.0});
#pragma once

#include <vector>

#include "framework/part_example.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/mask_neighbourhood.h"

namespace lfa {

struct ShapleyCoalitionsOptions {
  Baseline baseline = 0.0;  // value of a removed element
  FeatureGroups groups;     // default: every element its own feature
};

class ShapleyCoalitionsNeighbourhood : public MaskNeighbourhood {
 public:
  explicit ShapleyCoalitionsNeighbourhood(ShapleyCoalitionsOptions options = {});
  static std::unique_ptr<Neighbourhood> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<NeighbourhoodExample> Examples();

  std::string type() const override { return "shapley_coalitions"; }
  NeighbourhoodSample Sample(const PointBatch& points, int64_t samples) const override;
  torch::Tensor Origin(const PointBatch& points) const override;
  nlohmann::json ToJson() const override { return MaskJson(nlohmann::json::object()); }
};

}  // namespace lfa
