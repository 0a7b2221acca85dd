#include "neighbourhoods/one_hot_removal.h"

#include <boost/random/uniform_int_distribution.hpp>

#include "framework/random.h"

namespace lfa {

OneHotRemovalNeighbourhood::OneHotRemovalNeighbourhood(OneHotRemovalOptions options)
    : MaskNeighbourhood(options.baseline, options.groups, /*removal=*/true),
      options_(std::move(options)) {}

std::unique_ptr<Neighbourhood> OneHotRemovalNeighbourhood::FromJson(const nlohmann::json& spec) {
  const std::string what = "neighbourhood 'one_hot_removal'";
  SpecReader reader(spec, what);
  OneHotRemovalOptions options;
  options.enumerate = reader.Boolean("enumerate", options.enumerate);
  options.baseline = ReadBaseline(reader, what);
  options.groups = ReadGroups(reader);
  reader.Finish();
  return std::make_unique<OneHotRemovalNeighbourhood>(options);
}

std::vector<NeighbourhoodExample> OneHotRemovalNeighbourhood::Examples() {
  return {
      {.name = "",
       .spec = nlohmann::json::parse(R"({"type": "one_hot_removal", "baseline": -0.5})"),
       .input_shape = {5},
       .dimension = 5},
      {.name = "blur_baseline",
       .spec = nlohmann::json::parse(
           R"({"type": "one_hot_removal", "baseline": {"type": "blur", "sigma": 1.0}})"),
       .input_shape = {1, 4, 4},
       .dimension = 16},
      {.name = "enumerate_patches",
       .spec = nlohmann::json::parse(R"({"type": "one_hot_removal", "enumerate": true,
                                         "groups": {"type": "patch", "size": 2}})"),
       .input_shape = {1, 4, 4},
       .dimension = 4,
       .seeded = false},  // sample s removes group s mod G, whatever the seed
  };
}

NeighbourhoodSample OneHotRemovalNeighbourhood::Sample(const PointBatch& points,
                                                       int64_t samples) const {
  const int64_t n = points.size(), g = Dimension(points.input_shape);
  torch::Tensor xi = torch::zeros({n, samples, g}, torch::kDouble);
  double* data = xi.data_ptr<double>();
  ForEachPointStream(n, points.seed, points.first_index, Component::kNeighbourhood,
                     [&](int64_t i, Generator& rng) {
                       boost::random::uniform_int_distribution<int64_t> feature(0, g - 1);
                       for (int64_t s = 0; s < samples; ++s) {
                         const int64_t j = options_.enumerate ? s % g : feature(rng);
                         data[(i * samples + s) * g + j] = 1.0;
                       }
                     });
  return {xi, torch::ones({n, samples}, torch::kDouble)};
}

torch::Tensor OneHotRemovalNeighbourhood::Origin(const PointBatch& points) const {
  return torch::zeros({points.size(), Dimension(points.input_shape)}, torch::kDouble);
}

}  // namespace lfa
