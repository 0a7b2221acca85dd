// Classic implementations: the well-known algorithms with Captum's conventions, for comparing
// each method with its LFA composition (the paper's first experiment).
//
//   method                 algorithm (Captum class)
//   lime                   Bernoulli(0.5) masks, kernel exp(-d^2 / (2 w^2)) with d the Euclidean
//                          distance of x and x' (note the factor 2), weighted linear regression
//                          with intercept (Lime + SkLearnLinearRegression)
//   kernelshap             all-ones and all-zeros coalitions (weight 1e6), then sizes drawn from
//                          the Shapley distribution and uniform subsets, weight 1 (KernelShap)
//   occlusion              every feature (group) set to the baseline once: f(x) - f(x_-j)
//                          (Occlusion, window 1, stride 1); with sliding_window (and strides)
//                          Captum's sliding windows, each element getting the mean drop over the
//                          windows that cover it (occlusion.h)
//   gradient               grad f(x) (Saliency, abs = False)
//   gradient_x_input       x . grad f(x) (InputXGradient)
//   smoothgrad             mean of grad f(x + eps), eps ~ N(0, sigma^2) (NoiseTunnel smoothgrad);
//                          with noise_fraction, sigma = noise_fraction (max(x) - min(x)) per point
//   integrated_gradients   (x - b) . sum_k w_k grad f(b + t_k (x - b)), Gauss-Legendre nodes
//                          (IntegratedGradients, method "gausslegendre", n_steps = samples)
//
// Random draws use their own streams (Component::kClassic), independent of the LFA compositions'.
// Where Captum's algorithm coincides with a neighbourhood of the framework (the KernelSHAP
// sampler, the removal of one feature), the classic code uses that neighbourhood's sampler and
// decoder; the fit or the aggregation is the classic one.
#pragma once

#include <memory>
#include <string>

#include "explainers/recipes.h"
#include "framework/explainer.h"

namespace lfa {

class ClassicExplainer : public Explainer {
 public:
  ClassicExplainer(std::string method, RecipeOptions options);
  std::string name() const override { return method_ + "_classic"; }
  Explanation Explain(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                      const ProgressCallback& progress = {}) const override;

 private:
  Explanation ExplainChunk(Oracle& oracle, const PointBatch& points,
                           const torch::Tensor& targets) const;
  std::string method_;
  RecipeOptions options_;
};

// Throws InvalidInput for clime (no classic form) and unknown names.
std::unique_ptr<Explainer> MakeClassicExplainer(const std::string& method,
                                                const RecipeOptions& options);

}  // namespace lfa
