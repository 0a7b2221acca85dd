#include "neighbourhoods/bernoulli_mask.h"

#include <cmath>

#include <boost/random/bernoulli_distribution.hpp>

#include "framework/errors.h"
#include "framework/random.h"

namespace lfa {

BernoulliMaskNeighbourhood::BernoulliMaskNeighbourhood(BernoulliMaskOptions options)
    : MaskNeighbourhood(options.baseline, options.groups, /*removal=*/false),
      options_(std::move(options)) {
  if (!(options_.p > 0 && options_.p < 1))
    Fail("bernoulli_mask neighbourhood: p must be in (0, 1), got ", options_.p);
  if (options_.kernel != "exponential" && options_.kernel != "shapley" &&
      options_.kernel != "uniform")
    Fail("bernoulli_mask neighbourhood: unknown kernel '", options_.kernel,
         "' (exponential, shapley, uniform)");
  if (!(options_.width > 0) || !std::isfinite(options_.width))
    Fail("bernoulli_mask neighbourhood: width must be > 0, got ", options_.width);
}

std::unique_ptr<Neighbourhood> BernoulliMaskNeighbourhood::FromJson(const nlohmann::json& spec) {
  const std::string what = "neighbourhood 'bernoulli_mask'";
  SpecReader reader(spec, what);
  BernoulliMaskOptions options;
  options.p = reader.Number("p", options.p);
  options.kernel = reader.String("kernel", options.kernel);
  options.width = reader.Number("width", options.width);
  options.baseline = ReadBaseline(reader, what);
  options.groups = ReadGroups(reader);
  reader.Finish();
  return std::make_unique<BernoulliMaskNeighbourhood>(options);
}

NeighbourhoodSample BernoulliMaskNeighbourhood::Sample(const PointBatch& points,
                                                       int64_t samples) const {
  const int64_t n = points.size(), g = Dimension(points.input_shape);
  torch::Tensor xi = torch::empty({n, samples, g}, torch::kDouble);
  double* data = xi.data_ptr<double>();
  ForEachPointStream(n, points.seed, points.first_index, Component::kNeighbourhood,
                     [&](int64_t i, Generator& rng) {
                       double* row = data + i * samples * g;
                       const int64_t count = samples * g;
                       if (options_.p == 0.5) {  // fair coins: 64 masks from each draw
                         for (int64_t k = 0; k < count; k += 64) {
                           uint64_t bits = rng();
                           for (int64_t b = k; b < std::min(count, k + 64); ++b, bits >>= 1)
                             row[b] = static_cast<double>(bits & 1);
                         }
                         return;
                       }
                       boost::random::bernoulli_distribution<double> keep(options_.p);
                       for (int64_t k = 0; k < count; ++k) row[k] = keep(rng) ? 1.0 : 0.0;
                     });
  return {xi, Weights(points, xi)};
}

torch::Tensor BernoulliMaskNeighbourhood::Weights(const PointBatch& points,
                                                  const torch::Tensor& xi) const {
  if (options_.kernel == "uniform") return torch::ones({xi.size(0), xi.size(1)}, torch::kDouble);
  if (options_.kernel == "shapley") return ShapleyKernel(xi.sum(2), xi.size(2));
  // ||x - x'||^2 = sum_g (1 - m_g) sum_{i in g} (x_i - b_i)^2
  const torch::Tensor distance2 = torch::bmm(1 - xi, GroupSquaredSpread(points).unsqueeze(2));
  return torch::exp(-distance2.squeeze(2) / (options_.width * options_.width));
}

torch::Tensor ShapleyKernel(const torch::Tensor& sizes, int64_t groups) {
  const double g = static_cast<double>(groups);
  const torch::Tensor k = sizes.to(torch::kDouble);
  const torch::Tensor interior = (k > 0.5) & (k < g - 0.5);
  const torch::Tensor kk = torch::where(interior, k, torch::ones_like(k));  // avoid log(0)
  const torch::Tensor log_choose = std::lgamma(g + 1) - torch::lgamma(kk + 1) - torch::lgamma(g - kk + 1);
  const torch::Tensor log_weight = std::log(std::max(g - 1, 1.0)) - log_choose - torch::log(kk) -
                                   torch::log((g - kk).clamp_min(1));
  return torch::where(interior, torch::exp(log_weight), torch::full_like(k, 1e6));
}

torch::Tensor BernoulliMaskNeighbourhood::Origin(const PointBatch& points) const {
  return torch::ones({points.size(), Dimension(points.input_shape)}, torch::kDouble);
}

nlohmann::json BernoulliMaskNeighbourhood::ToJson() const {
  return MaskJson({{"p", options_.p}, {"kernel", options_.kernel}, {"width", options_.width}});
}

}  // namespace lfa
