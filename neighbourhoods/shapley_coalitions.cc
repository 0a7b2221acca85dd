#include "neighbourhoods/shapley_coalitions.h"

#include <algorithm>
#include <vector>

#include "framework/counter_random.h"

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
  const auto options = points.flat.options().dtype(torch::kDouble);
  torch::Tensor xi, weights = torch::ones({n, samples}, options);
  if (g >= 2) {
    // Size k in 1..G-1 by inverting the cumulative size distribution at a uniform (purpose 1);
    // members: the k smallest of G uniform keys (purpose 2), a uniform k-subset.
    std::vector<double> cumulative;
    double total = 0;
    for (int64_t k = 1; k < g; ++k) {
      total += static_cast<double>(g - 1) / static_cast<double>(k * (g - k));
      cumulative.push_back(total);
    }
    for (double& c : cumulative) c /= total;
    cumulative.back() = 1.0;  // u < 1 always finds a size
    const torch::Tensor cdf = torch::tensor(cumulative, options);
    const torch::Tensor u = UniformDraws(NeighbourhoodKeys(points, 1), 0, samples, 1);
    // searchsorted gives k - 1, the index of the k-th smallest key.
    const torch::Tensor k_minus_1 = torch::searchsorted(cdf, u, false, /*right=*/true);
    const torch::Tensor order = UniformDraws(NeighbourhoodKeys(points, 2), 0, samples, g);
    const torch::Tensor threshold = std::get<0>(order.sort(2)).gather(2, k_minus_1);
    xi = order.le(threshold).to(torch::kDouble);
    // Samples 0 and 1: all kept, all removed, the efficiency anchors.
    for (int64_t s = 0; s < std::min<int64_t>(samples, 2); ++s) {
      xi.select(1, s).fill_(s == 0 ? 1.0 : 0.0);
      weights.select(1, s).fill_(1e6);
    }
  } else {  // one group or none: every sample is an anchor, kept and removed in turn
    xi = torch::arange(samples, options).remainder(2).eq(0).to(torch::kDouble)
             .view({1, samples, 1}).expand({n, samples, g}).contiguous();
    weights.fill_(1e6);
  }
  return {xi, weights};
}

torch::Tensor ShapleyCoalitionsNeighbourhood::Origin(const PointBatch& points) const {
  return torch::ones({points.size(), Dimension(points.input_shape)},
                     points.flat.options().dtype(torch::kDouble));
}

}  // namespace lfa
