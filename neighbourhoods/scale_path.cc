#include "neighbourhoods/scale_path.h"

#include <boost/random/uniform_real_distribution.hpp>

#include "framework/errors.h"
#include "framework/random.h"

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
  torch::Tensor t = torch::empty({n, samples, 1}, torch::kDouble);
  double* data = t.data_ptr<double>();
  ForEachPointStream(n, points.seed, points.first_index, Component::kNeighbourhood,
                     [&](int64_t i, Generator& rng) {
                       boost::random::uniform_real_distribution<double> u(options_.low,
                                                                          options_.high);
                       for (int64_t s = 0; s < samples; ++s)
                         data[i * samples + s] = options_.low == options_.high ? options_.low : u(rng);
                     });
  return {t.expand({n, samples, g}).contiguous(), torch::ones({n, samples}, torch::kDouble)};
}

torch::Tensor ScalePathNeighbourhood::Origin(const PointBatch& points) const {
  return torch::ones({points.size(), Dimension(points.input_shape)}, torch::kDouble);
}

}  // namespace lfa
