#include "docs/examples/uniform_box.h"

#include <cmath>

#include <boost/random/uniform_real_distribution.hpp>

#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "framework/random.h"
#include "framework/spec_reader.h"

namespace lfa {

UniformBoxNeighbourhood::UniformBoxNeighbourhood(UniformBoxOptions options) : options_(options) {
  if (!(options_.radius > 0) || !std::isfinite(options_.radius))
    Fail("uniform_box neighbourhood: radius must be > 0 and finite, got ", options_.radius);
}

std::unique_ptr<Neighbourhood> UniformBoxNeighbourhood::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "neighbourhood 'uniform_box'");
  UniformBoxOptions options;
  options.radius = reader.Number("radius", options.radius);
  reader.Finish();  // "raduis" is an error, not a silently ignored option
  return std::make_unique<UniformBoxNeighbourhood>(options);
}

std::vector<NeighbourhoodExample> UniformBoxNeighbourhood::Examples() {
  return {
      {.name = "",
       .spec = nlohmann::json::parse(R"({"type": "uniform_box", "radius": 0.2})"),
       .input_shape = {5},
       .dimension = 5},
      {.name = "image",
       .spec = nlohmann::json::parse(R"({"type": "uniform_box"})"),
       .input_shape = {1, 4, 4},
       .dimension = 16},
  };
}

int64_t UniformBoxNeighbourhood::Dimension(const std::vector<int64_t>& input_shape) const {
  return NumElements(input_shape);
}

NeighbourhoodSample UniformBoxNeighbourhood::Sample(const PointBatch& points,
                                                    int64_t samples) const {
  const int64_t n = points.size(), d = points.flat.size(1);
  torch::Tensor xi = torch::empty({n, samples, d}, torch::kDouble);
  double* data = xi.data_ptr<double>();
  // Each point draws from its own stream, so its samples do not depend on the batch.
  ForEachPointStream(n, points.seed, points.first_index, Component::kNeighbourhood,
                     [&](int64_t i, Generator& rng) {
                       boost::random::uniform_real_distribution<double> u(-options_.radius,
                                                                          options_.radius);
                       double* row = data + i * samples * d;
                       for (int64_t k = 0; k < samples * d; ++k) row[k] = u(rng);
                     });
  return {xi, torch::ones({n, samples}, torch::kDouble)};
}

torch::Tensor UniformBoxNeighbourhood::Decode(const PointBatch& points,
                                              const torch::Tensor& xi) const {
  return points.flat.to(xi.dtype()).unsqueeze(1) + xi;  // differentiable in xi
}

torch::Tensor UniformBoxNeighbourhood::Origin(const PointBatch& points) const {
  return torch::zeros({points.size(), points.flat.size(1)}, torch::kDouble);
}

nlohmann::json UniformBoxNeighbourhood::ToJson() const {
  return {{"type", type()}, {"radius", options_.radius}};
}

}  // namespace lfa
