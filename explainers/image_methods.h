// Image methods: the explainers that exist for images, by name, next to the eight recipes.
//
//   name                 what                                           needs
//   smoothgrad_squared   mean of squared gradients over noisy copies    any model
//   vargrad              variance of gradients over noisy copies        any model
//   gradcam              Grad-CAM at `layer`, upsampled to the input    a model with named layers
//   gradcampp            Grad-CAM++ (exp-score closed form), upsampled  a model with named layers
//   smoothgradcampp      Smooth Grad-CAM++, upsampled                   a model with named layers
//
// (gradient_ensembles.h and cam.h hold the maths.) They are Explainers: MakeExplainer(name,
// RecipeOptions) in recipes.h builds them like the recipes, they query the model only through the
// Oracle (batched, on its device, counted in the Explanation's model_queries) and return one
// attribution per input element, [N, D] like the gradient family's: the CAMs (one map per image
// at the layer's resolution) are upsampled bilinearly to the input's H x W and repeated over its
// channels. Nothing is fitted (loss and R² NaN). Of RecipeOptions they take:
//
//   option           meaning here                                          default
//   samples          noisy copies per image (smoothgrad_squared, vargrad,  RecipeOptions' 1000;
//                    smoothgradcampp)                                      lfa explain: 25
//   noise_fraction   noise sigma as a fraction of each image's range       0.15
//   layer            CAM layer (the CAMs only)                              the last spatial one
//
// Any other option set (sigma, kernel_width, a baseline, feature groups, a sliding window) is an
// InvalidInput naming it, and so is the classic implementation: these methods have one.
//
//   auto vargrad = MakeExplainer("vargrad", {.samples = 25, .noise_fraction = 0.15});
//   Explanation e = vargrad->Explain(oracle, MakePointBatch(images, /*seed=*/0), labels);
//   torch::Tensor m = ComputeImageMap("gradcampp", oracle, images, labels, {.samples = 25});
//
// WARNING: the CAMs need the Oracle's model to have named layers (a LayeredModel: a zoo model, a
// TorchScript Sequential); a plain TorchScript file gives an InvalidInput naming the model.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "explainers/recipes.h"
#include "framework/explainer.h"
#include "framework/layered_model.h"
#include "framework/oracle.h"

namespace lfa {

// lfa explain's defaults for the image methods: noisy copies per image and their noise.
inline constexpr int64_t kImageMethodSamples = 25;
inline constexpr double kImageMethodNoiseFraction = 0.15;

const std::vector<std::string>& ImageMethodNames();
bool IsImageMethod(const std::string& name);
bool IsCamMethod(const std::string& name);

// The image method `name` with the options it takes (see above); InvalidInput for an unknown
// name or an option that does not apply. MakeExplainer dispatches here.
std::unique_ptr<Explainer> MakeImageExplainer(const std::string& name,
                                              const RecipeOptions& options);

// The image maps of one batch as a tensor, for code that wants maps rather than an Explanation.
struct ImageMethodOptions {
  int64_t samples = kImageMethodSamples;                 // noisy copies
  double noise_fraction = kImageMethodNoiseFraction;     // of each image's range
  std::string layer;                                     // CAM layer; empty: last spatial
  uint64_t seed = 0;
  int64_t first_index = 0;  // index of inputs[0] in the whole data set (per-image streams)
};

// inputs [N, C, H, W], targets int64 [N] -> [N, C, H, W] float64 on the CPU: the attributions of
// MakeImageExplainer(name, ...) explaining MakePointBatch(inputs, seed, first_index).
torch::Tensor ComputeImageMap(const std::string& name, Oracle& oracle, const torch::Tensor& inputs,
                              const torch::Tensor& targets, const ImageMethodOptions& options);

}  // namespace lfa
