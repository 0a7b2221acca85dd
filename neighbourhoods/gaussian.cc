#include "neighbourhoods/gaussian.h"

#include <cmath>

#include "framework/counter_random.h"
#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "framework/spec_reader.h"

namespace lfa {

GaussianNeighbourhood::GaussianNeighbourhood(GaussianOptions options) : options_(options) {
  if (options_.sigma_fraction) {
    if (!(*options_.sigma_fraction > 0) || !std::isfinite(*options_.sigma_fraction))
      Fail("gaussian neighbourhood: sigma_fraction must be finite and > 0, got ",
           *options_.sigma_fraction);
  } else if (!(options_.sigma > 0) || !std::isfinite(options_.sigma)) {
    Fail("gaussian neighbourhood: sigma must be > 0, got ", options_.sigma);
  }
}

std::unique_ptr<Neighbourhood> GaussianNeighbourhood::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "neighbourhood 'gaussian'");
  GaussianOptions options;
  const bool has_sigma = !reader.Raw("sigma").is_null();
  const bool has_fraction = !reader.Raw("sigma_fraction").is_null();
  if (has_sigma && has_fraction)
    Fail("neighbourhood 'gaussian': give 'sigma' (absolute) or 'sigma_fraction' (of each point's "
         "range), not both");
  options.sigma = reader.Number("sigma", options.sigma);
  if (has_fraction) options.sigma_fraction = reader.Number("sigma_fraction", 0.0);
  options.antithetic = reader.Boolean("antithetic", options.antithetic);
  reader.Finish();
  return std::make_unique<GaussianNeighbourhood>(options);
}

std::vector<NeighbourhoodExample> GaussianNeighbourhood::Examples() {
  return {
      {.name = "",
       .spec = nlohmann::json::parse(R"({"type": "gaussian", "sigma": 0.3})"),
       .input_shape = {5},
       .dimension = 5},
      {.name = "image",
       .spec = nlohmann::json::parse(R"({"type": "gaussian"})"),
       .input_shape = {1, 4, 4},
       .dimension = 16},
      {.name = "sigma_fraction",
       .spec = nlohmann::json::parse(
           R"({"type": "gaussian", "sigma_fraction": 0.2, "antithetic": true})"),
       .input_shape = {1, 4, 4},
       .dimension = 16},
  };
}

int64_t GaussianNeighbourhood::Dimension(const std::vector<int64_t>& input_shape) const {
  return NumElements(input_shape);
}

NeighbourhoodSample GaussianNeighbourhood::Sample(const PointBatch& points, int64_t samples) const {
  const int64_t n = points.size(), d = points.flat.size(1);
  const auto options = points.flat.options().dtype(torch::kDouble);
  const torch::Tensor weights = torch::ones({n, samples}, options);
  if (n == 0 || samples == 0 || d == 0) return {torch::zeros({n, samples, d}, options), weights};
  // Unit draws scaled by sigma_i: the fraction form is the absolute form with sigma = sigma_i,
  // draw for draw. Antithetic pairs (2q, 2q + 1) share draw q: xi and -xi.
  const torch::Tensor keys = NeighbourhoodKeys(points);
  const torch::Tensor sigma = PointSigmas(points).view({n, 1, 1});
  if (!options_.antithetic) return {NormalDraws(keys, 0, samples, d).mul_(sigma), weights};
  const int64_t pairs = (samples + 1) / 2;
  const torch::Tensor z = NormalDraws(keys, 0, pairs, d).mul_(sigma);
  return {AntitheticPairs(z, samples, Partner::kNegation), weights};
}

torch::Tensor GaussianNeighbourhood::Decode(const PointBatch& points, const torch::Tensor& xi) const {
  return points.flat.to(xi.dtype()).unsqueeze(1) + xi;
}

torch::Tensor GaussianNeighbourhood::PullBack(const PointBatch& points, const torch::Tensor& xi,
                                              const torch::Tensor& input_gradients) const {
  return input_gradients.reshape(xi.sizes());  // Decode = x + xi: the Jacobian is the identity
}

torch::Tensor GaussianNeighbourhood::Origin(const PointBatch& points) const {
  return torch::zeros({points.size(), points.flat.size(1)}, points.flat.options().dtype(torch::kDouble));
}

torch::Tensor GaussianNeighbourhood::PointSigmas(const PointBatch& points) const {
  const auto options = points.flat.options().dtype(torch::kDouble);
  if (!options_.sigma_fraction) return torch::full({points.size()}, options_.sigma, options);
  const torch::Tensor x = points.flat.to(torch::kDouble);
  if (x.size(1) == 0) return torch::zeros({points.size()}, options);
  return (*options_.sigma_fraction * (x.amax(1) - x.amin(1))).contiguous();
}

nlohmann::json GaussianNeighbourhood::ToJson() const {
  if (options_.sigma_fraction)
    return {{"type", type()},
            {"sigma_fraction", *options_.sigma_fraction},
            {"antithetic", options_.antithetic}};
  return {{"type", type()}, {"sigma", options_.sigma}, {"antithetic", options_.antithetic}};
}

}  // namespace lfa
