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
// WARNING: sigma is absolute, in input units; for image inputs choose it relative to the range.
#pragma once

#include "framework/neighbourhood.h"

namespace lfa {

struct GaussianOptions {
  double sigma = 0.1;       // standard deviation of the noise, > 0
  bool antithetic = false;  // pair every draw xi with -xi (same distribution, less variance)
};

class GaussianNeighbourhood : public Neighbourhood {
 public:
  explicit GaussianNeighbourhood(GaussianOptions options = {});
  static std::unique_ptr<Neighbourhood> FromJson(const nlohmann::json& spec);

  std::string type() const override { return "gaussian"; }
  int64_t Dimension(const std::vector<int64_t>& input_shape) const override;
  NeighbourhoodSample Sample(const PointBatch& points, int64_t samples) const override;
  torch::Tensor Decode(const PointBatch& points, const torch::Tensor& xi) const override;
  torch::Tensor Origin(const PointBatch& points) const override;
  nlohmann::json ToJson() const override;
  const GaussianOptions& options() const { return options_; }

 private:
  GaussianOptions options_;
};

}  // namespace lfa
