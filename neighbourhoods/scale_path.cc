#include "neighbourhoods/scale_path.h"

#include <cmath>

#include "framework/counter_random.h"
#include "framework/errors.h"

namespace lfa {

ScalePathNeighbourhood::ScalePathNeighbourhood(ScalePathOptions options)
    : MaskNeighbourhood(options.baseline, options.groups, /*removal=*/false),
      options_(std::move(options)) {
  if (!std::isfinite(options_.low) || !std::isfinite(options_.high) || options_.low > options_.high)
    Fail("scale_path neighbourhood: need finite low <= high, got low = ", options_.low,
         ", high = ", options_.high);
}

std::unique_ptr<Neighbourhood> ScalePathNeighbourhood::FromJson(const nlohmann::json& spec) {
  const std::string what = "neighbourhood 'scale_path'";
  SpecReader reader(spec, what);
  ScalePathOptions options;
  options.low = reader.Number("low", options.low);
  options.high = reader.Number("high", options.high);
  options.baseline = ReadBaseline(reader, what);
  options.groups = ReadGroups(reader);
  reader.Finish();
  return std::make_unique<ScalePathNeighbourhood>(options);
}

std::vector<NeighbourhoodExample> ScalePathNeighbourhood::Examples() {
  return {
      {.name = "",
       .spec = nlohmann::json::parse(R"({"type": "scale_path"})"),
       .input_shape = {5},
       .dimension = 5},
      {.name = "baseline",
       .spec = nlohmann::json::parse(R"({"type": "scale_path", "low": 0.5, "high": 1.0,
                                         "baseline": [0.1, -0.2, 0.3, 0.0, 0.5]})"),
       .input_shape = {5},
       .dimension = 5},
      {.name = "patches",
       .spec = nlohmann::json::parse(
           R"({"type": "scale_path", "groups": {"type": "patch", "size": 2}})"),
       .input_shape = {1, 4, 4},
       .dimension = 4},
  };
}

NeighbourhoodSample ScalePathNeighbourhood::Sample(const PointBatch& points,
                                                   int64_t samples) const {
  const int64_t n = points.size(), g = Dimension(points.input_shape);
  const auto options = points.flat.options().dtype(torch::kDouble);
  torch::Tensor t = options_.low == options_.high
                        ? torch::full({n, samples, 1}, options_.low, options)
                        : UniformDraws(NeighbourhoodKeys(points), 0, samples, 1)
                              .mul_(options_.high - options_.low)
                              .add_(options_.low);
  return {t.expand({n, samples, g}).contiguous(), torch::ones({n, samples}, options)};
}

torch::Tensor ScalePathNeighbourhood::Origin(const PointBatch& points) const {
  return torch::ones({points.size(), Dimension(points.input_shape)},
                     points.flat.options().dtype(torch::kDouble));
}

}  // namespace lfa
