// UniformBoxNeighbourhood: additive uniform noise, xi ~ U(-radius, radius)^D, x' = x + xi.
//
// The worked example of docs/extending.md: a complete neighbourhood in two files. In the project
// these files would be neighbourhoods/uniform_box.{h,cc}; tests/docs/extending_test.cc compiles
// them, registers the part into a copy of DefaultRegistry(), runs the Neighbourhood contract suite
// on its examples and recovers a linear model through an LfaExplainer.
//
// With gradient matching it is a SmoothGrad with box noise, with the squared loss a C-LIME with
// box noise. For f(x) = a.x + c both recover a exactly: every sample lies on the plane, so the
// least-squares fit reproduces it, and every gradient is a.
//
//   UniformBoxNeighbourhood z({.radius = 0.2});
//   {"type": "uniform_box", "radius": 0.2}             // spec
//
// WARNING: radius is absolute, in input units, like GaussianOptions::sigma; the noise has standard
// deviation radius / sqrt(3), not radius.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "framework/neighbourhood.h"
#include "framework/part_example.h"

namespace lfa {

struct UniformBoxOptions {
  double radius = 0.1;  // half-width of the box, > 0 and finite
};

class UniformBoxNeighbourhood : public Neighbourhood {
 public:
  explicit UniformBoxNeighbourhood(UniformBoxOptions options = {});
  static std::unique_ptr<Neighbourhood> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<NeighbourhoodExample> Examples();

  std::string type() const override { return "uniform_box"; }
  int64_t Dimension(const std::vector<int64_t>& input_shape) const override;
  NeighbourhoodSample Sample(const PointBatch& points, int64_t samples) const override;
  torch::Tensor Decode(const PointBatch& points, const torch::Tensor& xi) const override;
  torch::Tensor Origin(const PointBatch& points) const override;
  nlohmann::json ToJson() const override;

 private:
  UniformBoxOptions options_;
};

}  // namespace lfa
