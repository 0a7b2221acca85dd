// GaussianNeighbourhood: additive isotropic noise, xi ~ N(0, sigma^2 I_D), x' = x + xi.
//
// The neighbourhood of C-LIME (squared loss), SmoothGrad (gradient matching, sigma = 0.1) and
// vanilla gradients (sigma -> 0; the paper uses 0.01). With a linear surrogate, the squared loss
// and gradient matching agree in expectation (Stein's lemma): E[f(x+xi) xi] / sigma^2 = E[grad f].
//
//   GaussianNeighbourhood z({.sigma = 0.1});
//
// Antithetic sampling draws the samples in pairs (xi, -xi): each sample is still N(0, sigma^2 I),
// so the expected empirical loss is the same LFA objective, but the even-order terms of f cancel
// within a pair and estimates of the slope vary less (the recipes clime, smoothgrad and gradient
// use it).
//
// Noise relative to each point's range: with sigma_fraction set, point i's noise has standard
// deviation sigma_i = sigma_fraction (max_k x_ik - min_k x_ik) instead of the absolute sigma
// (SmoothGrad's "10-20% of the input range", Smilkov et al. 2017: sigma_fraction 0.1-0.2). Only the
// draws scale; Decode stays x + xi, so gradient matching pulls gradients back unchanged.
//
//   GaussianNeighbourhood relative({.sigma_fraction = 0.15, .antithetic = true});
//   {"type": "gaussian", "sigma_fraction": 0.15}        // spec; "sigma" and it exclude each other
//
// WARNING: sigma is absolute, in input units; for image inputs choose it relative to the range, or
// use sigma_fraction. A constant point (range 0) gets no noise at all with sigma_fraction: its
// squared-loss fit (clime) is then unidentified and falls back to the solver's ridge.
#pragma once

#include <optional>
#include <vector>

#include "framework/neighbourhood.h"
#include "framework/part_example.h"

namespace lfa {

struct GaussianOptions {
  double sigma = 0.1;       // standard deviation of the noise, > 0 (unused with sigma_fraction)
  bool antithetic = false;  // pair every draw xi with -xi (same distribution, less variance)
  // When set (> 0, finite): per-point sigma_i = sigma_fraction * (max(x_i) - min(x_i)).
  std::optional<double> sigma_fraction;
};

class GaussianNeighbourhood : public Neighbourhood {
 public:
  explicit GaussianNeighbourhood(GaussianOptions options = {});
  static std::unique_ptr<Neighbourhood> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<NeighbourhoodExample> Examples();

  std::string type() const override { return "gaussian"; }
  int64_t Dimension(const std::vector<int64_t>& input_shape) const override;
  NeighbourhoodSample Sample(const PointBatch& points, int64_t samples) const override;
  torch::Tensor Decode(const PointBatch& points, const torch::Tensor& xi) const override;
  torch::Tensor Origin(const PointBatch& points) const override;
  torch::Tensor PullBack(const PointBatch& points, const torch::Tensor& xi,
                         const torch::Tensor& input_gradients) const override;
  nlohmann::json ToJson() const override;
  const GaussianOptions& options() const { return options_; }
  // The noise standard deviation of every point of the batch: [N] float64 on the points' device
  // (sigma, or sigma_fraction times the point's range).
  torch::Tensor PointSigmas(const PointBatch& points) const;

 private:
  GaussianOptions options_;
};

}  // namespace lfa
