#include "neighbourhoods/one_hot_removal.h"

#include <algorithm>

#include "framework/counter_random.h"

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
  const auto options = points.flat.options().dtype(torch::kDouble);
  torch::Tensor removed;  // [N, S, 1] the group removed by each sample
  if (options_.enumerate) {
    removed = torch::arange(samples, options.dtype(torch::kLong)).remainder(std::max<int64_t>(g, 1))
                  .view({1, samples, 1}).expand({n, samples, 1});
  } else {  // uniform on 0..G-1: floor(u G), u < 1
    removed = UniformDraws(NeighbourhoodKeys(points), 0, samples, 1)
                  .mul_(static_cast<double>(g)).floor_().clamp_max_(g - 1).to(torch::kLong);
  }
  torch::Tensor xi = torch::zeros({n, samples, g}, options);
  if (g > 0) xi.scatter_(2, removed, 1.0);
  return {xi, torch::ones({n, samples}, options)};
}

torch::Tensor OneHotRemovalNeighbourhood::Origin(const PointBatch& points) const {
  return torch::zeros({points.size(), Dimension(points.input_shape)},
                      points.flat.options().dtype(torch::kDouble));
}

}  // namespace lfa
