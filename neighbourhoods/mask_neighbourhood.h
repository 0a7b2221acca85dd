// MaskNeighbourhood: the shared half of the mask-type neighbourhoods (bernoulli_mask,
// shapley_coalitions, one_hot_removal, scale_path).
//
// An interpretable vector xi over G feature groups is spread to the D input elements and used as
// the mixing weight between the point x and a baseline b:
//     x' = b + m (x - b),   m = xi[group(element)]        (or m = 1 - xi for removal masks)
// Decode is built from index_select and arithmetic only, so autograd pulls a model gradient back to
//     d f / d xi_g = sum_{i in g} (x_i - b_i) d f / d x'_i        (negated for removal masks),
// the pull-back that gradient matching needs; PullBack computes it in closed form. Subclasses only
// say how xi and pi are drawn.
#pragma once

#include <torch/types.h>

#include "framework/feature_groups.h"
#include "framework/neighbourhood.h"
#include "framework/spec_reader.h"
#include "neighbourhoods/baseline.h"

namespace lfa {

class MaskNeighbourhood : public Neighbourhood {
 public:
  MaskNeighbourhood(Baseline baseline, FeatureGroups groups, bool removal)
      : baseline_(std::move(baseline)), groups_(std::move(groups)), removal_(removal) {}

  int64_t Dimension(const std::vector<int64_t>& input_shape) const override {
    return groups_.Count(input_shape);
  }
  torch::Tensor Decode(const PointBatch& points, const torch::Tensor& xi) const override;
  torch::Tensor PullBack(const PointBatch& points, const torch::Tensor& xi,
                         const torch::Tensor& input_gradients) const override;

  const Baseline& baseline() const { return baseline_; }
  const FeatureGroups& groups() const { return groups_; }

 protected:
  // {"type", "baseline", "groups"} plus the subclass's own keys.
  nlohmann::json MaskJson(nlohmann::json own) const;
  // Reads "baseline" and "groups" through `reader`.
  static Baseline ReadBaseline(SpecReader& reader, const std::string& what);
  static FeatureGroups ReadGroups(SpecReader& reader);
  // Per point and group, sum_{i in g} (x_i - b_i)^2: [N, G]. The squared input-space distance of
  // a keep-mask m from x is (1 - m) . this.
  torch::Tensor GroupSquaredSpread(const PointBatch& points) const;

  Baseline baseline_;
  FeatureGroups groups_;
  bool removal_;
};

}  // namespace lfa
