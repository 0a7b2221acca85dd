#include "neighbourhoods/bernoulli_mask.h"

#include <cmath>
#include <vector>

#include "framework/counter_random.h"
#include "framework/errors.h"

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
  if (options_.antithetic && options_.p != 0.5)
    Fail("bernoulli_mask neighbourhood: antithetic masks need p = 0.5, got p = ", options_.p);
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
  options.antithetic = reader.Boolean("antithetic", options.antithetic);
  options.baseline = ReadBaseline(reader, what);
  options.groups = ReadGroups(reader);
  reader.Finish();
  return std::make_unique<BernoulliMaskNeighbourhood>(options);
}

std::vector<NeighbourhoodExample> BernoulliMaskNeighbourhood::Examples() {
  const std::vector<int64_t> flat = {5}, image = {1, 4, 4};  // 2 x 2 patches: 4 groups
  return {
      {.name = "exponential",
       .spec = nlohmann::json::parse(
           R"({"type": "bernoulli_mask", "kernel": "exponential", "width": 1.5})"),
       .input_shape = flat,
       .dimension = 5},
      {.name = "shapley",
       .spec = nlohmann::json::parse(R"({"type": "bernoulli_mask", "kernel": "shapley"})"),
       .input_shape = flat,
       .dimension = 5},
      {.name = "uniform_baseline",
       .spec = nlohmann::json::parse(R"({"type": "bernoulli_mask", "p": 0.3, "kernel": "uniform",
                                         "baseline": [0.1, -0.2, 0.3, 0.0, 0.5]})"),
       .input_shape = flat,
       .dimension = 5},
      {.name = "explicit_groups",
       .spec = nlohmann::json::parse(R"({"type": "bernoulli_mask", "kernel": "exponential",
           "baseline": 0.25, "groups": {"type": "explicit", "ids": [0, 1, 1, 2, 0]}})"),
       .input_shape = flat,
       .dimension = 3},
      {.name = "patches",
       .spec = nlohmann::json::parse(R"({"type": "bernoulli_mask", "kernel": "shapley",
                                         "groups": {"type": "patch", "size": 2}})"),
       .input_shape = image,
       .dimension = 4},
      {.name = "blur_baseline_patches",
       .spec = nlohmann::json::parse(R"({"type": "bernoulli_mask", "kernel": "exponential",
           "baseline": {"type": "blur", "sigma": 0.8}, "groups": {"type": "patch", "size": 2}})"),
       .input_shape = image,
       .dimension = 4},
  };
}

NeighbourhoodSample BernoulliMaskNeighbourhood::Sample(const PointBatch& points,
                                                       int64_t samples) const {
  const int64_t g = Dimension(points.input_shape);
  // Antithetic pairs (2q, 2q + 1) share draw q: the mask m and its complement 1 - m.
  const int64_t drawn = options_.antithetic ? (samples + 1) / 2 : samples;
  const torch::Tensor keys = NeighbourhoodKeys(points);
  // Fair coins take 64 masks' worth of bits from one hash; other p compare a uniform with p.
  torch::Tensor masks = options_.p == 0.5
                            ? FairCoins(keys, 0, drawn, g)
                            : UniformDraws(keys, 0, drawn, g).lt(options_.p).to(torch::kDouble);
  if (options_.antithetic) masks = AntitheticPairs(masks, samples, Partner::kComplement);
  return {masks, Weights(points, masks)};
}

torch::Tensor BernoulliMaskNeighbourhood::Weights(const PointBatch& points,
                                                  const torch::Tensor& xi) const {
  if (options_.kernel == "uniform") return torch::ones({xi.size(0), xi.size(1)}, xi.options());
  if (options_.kernel == "shapley") return ShapleyKernel(xi.sum(2), xi.size(2));
  // ||x - x'||^2 = sum_g (1 - m_g) sum_{i in g} (x_i - b_i)^2
  const torch::Tensor distance2 = torch::bmm(1 - xi, GroupSquaredSpread(points).unsqueeze(2));
  return torch::exp(-distance2.squeeze(2) / (options_.width * options_.width));
}

namespace {

// The Shapley kernel for k = 0, 1, .., G: [G + 1], by scalar arithmetic (a few tensor operations
// on G + 1 values would cost more than the arithmetic).
torch::Tensor ShapleyKernelTable(int64_t groups, const torch::TensorOptions& options) {
  const double g = static_cast<double>(groups);
  std::vector<double> table(static_cast<size_t>(groups + 1), 1e6);
  for (int64_t size = 1; size < groups; ++size) {
    const double k = static_cast<double>(size);
    const double log_choose = std::lgamma(g + 1) - std::lgamma(k + 1) - std::lgamma(g - k + 1);
    table[static_cast<size_t>(size)] = std::exp(std::log(g - 1) - log_choose - std::log(k) -
                                                std::log(g - k));
  }
  return torch::tensor(table, torch::kDouble).to(options.device());
}

}  // namespace

torch::Tensor ShapleyKernel(const torch::Tensor& sizes, int64_t groups) {
  // The weight depends on the size only: a table of G + 1 weights, looked up per sample (the
  // logarithms of the formula cost more than the rest of the sampling).
  const torch::Tensor table = ShapleyKernelTable(groups, sizes.options().dtype(torch::kDouble));
  const torch::Tensor index = sizes.round().to(torch::kLong).clamp(0, groups);
  return table.index_select(0, index.flatten()).view(sizes.sizes());
}

torch::Tensor BernoulliMaskNeighbourhood::Origin(const PointBatch& points) const {
  return torch::ones({points.size(), Dimension(points.input_shape)},
                     points.flat.options().dtype(torch::kDouble));
}

nlohmann::json BernoulliMaskNeighbourhood::ToJson() const {
  return MaskJson({{"p", options_.p},
                   {"kernel", options_.kernel},
                   {"width", options_.width},
                   {"antithetic", options_.antithetic}});
}

}  // namespace lfa
