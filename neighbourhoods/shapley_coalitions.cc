#include "neighbourhoods/shapley_coalitions.h"

#include <numeric>

#include <boost/random/discrete_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include "framework/random.h"

namespace lfa {

ShapleyCoalitionsNeighbourhood::ShapleyCoalitionsNeighbourhood(ShapleyCoalitionsOptions options)
    : MaskNeighbourhood(std::move(options.baseline), std::move(options.groups), /*removal=*/false) {}

std::unique_ptr<Neighbourhood> ShapleyCoalitionsNeighbourhood::FromJson(const nlohmann::json& spec) {
  const std::string what = "neighbourhood 'shapley_coalitions'";
  SpecReader reader(spec, what);
  ShapleyCoalitionsOptions options;
  options.baseline = ReadBaseline(reader, what);
  options.groups = ReadGroups(reader);
  reader.Finish();
  return std::make_unique<ShapleyCoalitionsNeighbourhood>(options);
}

std::vector<NeighbourhoodExample> ShapleyCoalitionsNeighbourhood::Examples() {
  return {
      {.name = "",
       .spec = nlohmann::json::parse(R"({"type": "shapley_coalitions",
                                         "baseline": [0.1, -0.2, 0.3, 0.0, 0.5]})"),
       .input_shape = {5},
       .dimension = 5},
      {.name = "patches",
       .spec = nlohmann::json::parse(
           R"({"type": "shapley_coalitions", "groups": {"type": "patch", "size": 2}})"),
       .input_shape = {1, 4, 4},
       .dimension = 4},
  };
}

NeighbourhoodSample ShapleyCoalitionsNeighbourhood::Sample(const PointBatch& points,
                                                           int64_t samples) const {
  const int64_t n = points.size(), g = Dimension(points.input_shape);
  torch::Tensor xi = torch::zeros({n, samples, g}, torch::kDouble);
  torch::Tensor weights = torch::ones({n, samples}, torch::kDouble);
  std::vector<double> size_probability;
  for (int64_t k = 1; k < g; ++k)
    size_probability.push_back(static_cast<double>(g - 1) / static_cast<double>(k * (g - k)));
  double* data = xi.data_ptr<double>();
  double* w = weights.data_ptr<double>();
  ForEachPointStream(n, points.seed, points.first_index, Component::kNeighbourhood,
                     [&](int64_t i, Generator& rng) {
    std::vector<int64_t> order(g);
    for (int64_t s = 0; s < samples; ++s) {
      double* row = data + (i * samples + s) * g;
      if (s == 0 || s == 1 || g < 2) {  // all kept, all removed: the efficiency anchors
        const bool keep = s % 2 == 0;
        std::fill(row, row + g, keep ? 1.0 : 0.0);
        w[i * samples + s] = 1e6;
        continue;
      }
      boost::random::discrete_distribution<int64_t> size(size_probability.begin(),
                                                         size_probability.end());
      const int64_t k = size(rng) + 1;
      std::iota(order.begin(), order.end(), 0);
      for (int64_t j = 0; j < k; ++j) {  // partial Fisher-Yates: the first k of a permutation
        boost::random::uniform_int_distribution<int64_t> pick(j, g - 1);
        std::swap(order[j], order[pick(rng)]);
        row[order[j]] = 1.0;
      }
    }
  });
  return {xi, weights};
}

torch::Tensor ShapleyCoalitionsNeighbourhood::Origin(const PointBatch& points) const {
  return torch::ones({points.size(), Dimension(points.input_shape)}, torch::kDouble);
}

}  // namespace lfa
