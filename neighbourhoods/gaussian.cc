#include "neighbourhoods/gaussian.h"

#include <boost/random/normal_distribution.hpp>

#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "framework/random.h"
#include "framework/spec_reader.h"

namespace lfa {

GaussianNeighbourhood::GaussianNeighbourhood(GaussianOptions options) : options_(options) {
  if (!(options_.sigma > 0) || !std::isfinite(options_.sigma))
    Fail("gaussian neighbourhood: sigma must be > 0, got ", options_.sigma);
}

std::unique_ptr<Neighbourhood> GaussianNeighbourhood::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "neighbourhood 'gaussian'");
  GaussianOptions options;
  options.sigma = reader.Number("sigma", options.sigma);
  options.antithetic = reader.Boolean("antithetic", options.antithetic);
  reader.Finish();
  return std::make_unique<GaussianNeighbourhood>(options);
}

int64_t GaussianNeighbourhood::Dimension(const std::vector<int64_t>& input_shape) const {
  return NumElements(input_shape);
}

NeighbourhoodSample GaussianNeighbourhood::Sample(const PointBatch& points, int64_t samples) const {
  const int64_t n = points.size(), d = points.flat.size(1);
  torch::Tensor xi = torch::empty({n, samples, d}, torch::kDouble);
  double* data = xi.data_ptr<double>();
  ForEachPointStream(n, points.seed, points.first_index, Component::kNeighbourhood,
                     [&](int64_t i, Generator& rng) {
                       boost::random::normal_distribution<double> normal(0.0, options_.sigma);
                       double* row = data + i * samples * d;
                       for (int64_t s = 0; s < samples; ++s) {
                         double* sample = row + s * d;
                         if (options_.antithetic && s % 2 == 1) {  // the mirror of sample s - 1
                           for (int64_t k = 0; k < d; ++k) sample[k] = -sample[k - d];
                         } else {
                           for (int64_t k = 0; k < d; ++k) sample[k] = normal(rng);
                         }
                       }
                     });
  return {xi, torch::ones({n, samples}, torch::kDouble)};
}

torch::Tensor GaussianNeighbourhood::Decode(const PointBatch& points, const torch::Tensor& xi) const {
  return points.flat.to(xi.dtype()).unsqueeze(1) + xi;
}

torch::Tensor GaussianNeighbourhood::Origin(const PointBatch& points) const {
  return torch::zeros({points.size(), points.flat.size(1)}, torch::kDouble);
}

nlohmann::json GaussianNeighbourhood::ToJson() const {
  return {{"type", type()}, {"sigma", options_.sigma}, {"antithetic", options_.antithetic}};
}

}  // namespace lfa
