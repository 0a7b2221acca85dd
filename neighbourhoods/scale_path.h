// ScalePathNeighbourhood: points on the straight path from the baseline to x,
// xi = t 1_G with t ~ U(low, high), x' = b + t (x - b).
//
// With gradient matching and a linear surrogate the solution is
//     w = (x - b) . E_t[grad f(b + t (x - b))]
// (summed over each feature group): Integrated Gradients for [low, high] = [0, 1], and
// Gradient x Input in the limit low -> 1 (the paper uses U(0.95, 1)). The pull-back through Decode
// supplies the (x - b) factor; no special case is needed.
//
//   ScalePathNeighbourhood z({.low = 0.0, .high = 1.0});
#pragma once

#include <vector>

#include "framework/part_example.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/mask_neighbourhood.h"

namespace lfa {

struct ScalePathOptions {
  double low = 0.0;         // t ~ U(low, high), low <= high
  double high = 1.0;
  Baseline baseline = 0.0;  // start of the path
  FeatureGroups groups;     // default: every element its own feature
};

class ScalePathNeighbourhood : public MaskNeighbourhood {
 public:
  explicit ScalePathNeighbourhood(ScalePathOptions options = {});
  static std::unique_ptr<Neighbourhood> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<NeighbourhoodExample> Examples();

  std::string type() const override { return "scale_path"; }
  NeighbourhoodSample Sample(const PointBatch& points, int64_t samples) const override;
  torch::Tensor Origin(const PointBatch& points) const override;
  nlohmann::json ToJson() const override {
    return MaskJson({{"low", options_.low}, {"high", options_.high}});
  }

 private:
  ScalePathOptions options_;
};

}  // namespace lfa
