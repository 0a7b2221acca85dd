// The explanation methods of the localisation study, their settings, and the maps they give.
//
//   gradient, smoothgrad, integrated_gradients, gradient_x_input   LFA recipes, `samples` samples;
//                                   smoothgrad's noise kNoiseFraction of each image's range
//   smoothgrad_squared, vargrad     image methods, `samples` noisy copies, same noise
//   occlusion                       LFA recipe over kOcclusionPatch x kOcclusionPatch patches
//                                   (baseline 0), spread back to the pixels
//   gradcam, gradcampp, smoothgradcampp   image methods at the cnn's last spatial layer (pool2)
//   gradcam_relu2                   Grad-CAM at relu2, one block earlier (14 x 14)
//   random                          uniform noise, the chance level
//
//   torch::Tensor maps = LocalisationMaps("gradcam", oracle, images, targets,
//                                         {.samples = 50, .seed = 0});   // [N, 1, 28, 28]
//
// WARNING: every map is explained at `targets` (the study passes the model's predicted class);
// the maps are signed where the method is, the metrics take the absolute value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

namespace lfa {

class Oracle;

inline constexpr int64_t kOcclusionPatch = 4;   // occlusion's patch size in pixels
inline constexpr double kNoiseFraction = 0.15;  // SmoothGrad's noise / each image's value range

// The methods in report order; "random" (last) is the chance baseline.
const std::vector<std::string>& LocalisationMethods();

struct LocalisationMapOptions {
  int64_t samples = 50;  // noisy copies / path points of the sampled methods
  uint64_t seed = 0;     // of every sampled method and of the random map
};

// [N, 1, 28, 28] float64 maps of `method` for `images` [N, 1, 28, 28] at `targets` [N].
torch::Tensor LocalisationMaps(const std::string& method, Oracle& oracle,
                               const torch::Tensor& images, const torch::Tensor& targets,
                               const LocalisationMapOptions& options);

}  // namespace lfa
