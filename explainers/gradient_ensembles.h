// SmoothGrad-Squared and VarGrad: per-element moments of the gradient over noisy copies.
//
// Hooker et al. (2019) ensemble the gradient g_s = d f_c / dx at S noisy copies x + eps_s of each
// input (explainers/noisy_copies.h: eps_s ~ N(0, sigma^2 I), sigma = noise_fraction (max - min) of
// that input) and keep, per input element,
//
//   SG-SQ(x)   = mean_s g_s^2                          (the second moment)
//   VarGrad(x) = mean_s (g_s - mean_s g_s)^2           (the population variance, 1/S)
//
// For f(x) = a.x every copy has gradient a: SG-SQ = a^2 and VarGrad = 0 exactly. Both are plain
// functions of gradients, so the Explainer asks the Oracle for them: one batched
// Oracle::Gradients call per chunk of inputs (clean images are never sent, only their S copies),
// counted in the Explanation's model_queries (N S rows).
//
//   auto vargrad = MakeExplainer("vargrad", {.samples = 50, .noise_fraction = 0.15});  // recipes.h
//   Explanation e = vargrad->Explain(oracle, MakePointBatch(images, /*seed=*/0), labels);
//   torch::Tensor maps = e.AttributionMaps();                       // [N, C, H, W]
//   torch::Tensor sq = SmoothGradSquared(oracle, images, labels, 50, 0.15, /*seed=*/0);
//
// Nothing is fitted: the Explanation's loss and R² are NaN (Unfitted). Inputs of any shape work;
// the methods were proposed for images.
//
// WARNING: the noise scales with each input's own range, so a constant input gets no noise at all
// (VarGrad 0, SG-SQ the squared gradient); give noise_fraction relative to the data's range.
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "framework/explainer.h"
#include "framework/oracle.h"

namespace lfa {

struct GradientEnsembleOptions {
  // "smoothgrad_squared" or "vargrad".
  std::string method = "smoothgrad_squared";
  // Noisy copies per input (>= 1).
  int64_t samples = 25;
  // Noise standard deviation as a fraction of each input's range (finite, >= 0).
  double noise_fraction = 0.15;

  bool IsValid(std::string* error) const;
};

class GradientEnsembleExplainer : public Explainer {
 public:
  // Throws InvalidInput naming the value when the options are invalid.
  explicit GradientEnsembleExplainer(GradientEnsembleOptions options);
  std::string name() const override { return options_.method; }
  // Attributions [N, D], one per input element; noise streams from points.seed and first_index.
  Explanation Explain(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                      const ProgressCallback& progress = {}) const override;

 private:
  GradientEnsembleOptions options_;
};

// inputs [N, *input_shape], targets int64 [N] or a scalar -> [N, *input_shape] float64 on the CPU.
// first_index is the index of inputs[0] in the whole data set (the per-input noise streams).
torch::Tensor SmoothGradSquared(Oracle& oracle, const torch::Tensor& inputs,
                                const torch::Tensor& targets, int64_t samples,
                                double noise_fraction, uint64_t seed, int64_t first_index = 0);
torch::Tensor VarGrad(Oracle& oracle, const torch::Tensor& inputs, const torch::Tensor& targets,
                      int64_t samples, double noise_fraction, uint64_t seed,
                      int64_t first_index = 0);

}  // namespace lfa
