// OneHotRemovalNeighbourhood: remove one feature group at a time, xi = e_j,
// x' = x - e_j (x - b) (group j set to the baseline).
//
// With the squared loss on the response f(x) - f(x') and a linear surrogate without intercept,
// the solution is w_j = f(x) - f(x with group j at the baseline): Occlusion. The paper's code
// draws the rows e_j uniformly with replacement; `enumerate` cycles through them instead, which
// reaches the exact answer with S = G samples.
//
//   OneHotRemovalNeighbourhood z({.enumerate = true, .groups = FeatureGroups::Patches(4)});
//
// WARNING: a group that is never drawn has no identified weight (the solver reports a ridge
// fallback and gives it 0); with random rows, use S well above G or `enumerate`.
#pragma once

#include <vector>

#include "framework/part_example.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/mask_neighbourhood.h"

namespace lfa {

struct OneHotRemovalOptions {
  bool enumerate = false;   // rows e_(s mod G) instead of uniform draws
  Baseline baseline = 0.0;  // value a removed element takes
  FeatureGroups groups;     // default: every element its own feature
};

class OneHotRemovalNeighbourhood : public MaskNeighbourhood {
 public:
  explicit OneHotRemovalNeighbourhood(OneHotRemovalOptions options = {});
  static std::unique_ptr<Neighbourhood> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<NeighbourhoodExample> Examples();

  std::string type() const override { return "one_hot_removal"; }
  NeighbourhoodSample Sample(const PointBatch& points, int64_t samples) const override;
  torch::Tensor Origin(const PointBatch& points) const override;
  nlohmann::json ToJson() const override { return MaskJson({{"enumerate", options_.enumerate}}); }

 private:
  OneHotRemovalOptions options_;
};

}  // namespace lfa
