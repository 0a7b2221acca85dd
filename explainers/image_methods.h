// Image methods: the explainers that exist only for images, behind one name-based entry point,
// so that commands and studies can treat them like the eight recipes.
//
//   name                 what (explainers/cam.h)                         needs
//   smoothgrad_squared   mean of squared gradients over noisy copies     any model
//   vargrad              variance of gradients over noisy copies         any model
//   gradcam              Grad-CAM at `layer`, upsampled to the input     a LayeredModel
//   gradcampp            Grad-CAM++ (exp-score closed form), upsampled   a LayeredModel
//   smoothgradcampp      Smooth Grad-CAM++, upsampled                    a LayeredModel
//
// ComputeImageMap returns one value per input element, [N, *input_shape] float64, like the
// gradient family's attributions: the CAMs (one map per image at the layer's resolution) are
// upsampled bilinearly to the input's H x W and repeated over its channels. `layer` empty picks
// the model's last layer whose activation is spatial ([n, K, h, w]): the last convolutional block,
// the papers' choice.
//
//   torch::Tensor m = ComputeImageMap("gradcampp", oracle, zoo_cnn.get(), images, labels,
//                                     {.samples = 25, .noise_fraction = 0.15});
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

#include "framework/layered_model.h"
#include "framework/oracle.h"

namespace lfa {

struct ImageMethodOptions {
  int64_t samples = 25;          // noisy copies (smoothgrad_squared, vargrad, smoothgradcampp)
  double noise_fraction = 0.15;  // noise sigma as a fraction of each image's range
  std::string layer;             // CAM layer; empty: the last spatial layer
  uint64_t seed = 0;
  int64_t first_index = 0;       // index of inputs[0] in the whole data set (per-image streams)
};

const std::vector<std::string>& ImageMethodNames();
bool IsImageMethod(const std::string& name);
bool IsCamMethod(const std::string& name);

// The last layer of `model` whose activation for one input of `input_shape` is [1, K, h, w]; the
// probe input is made on `device`, where the model's parameters are.
std::string LastSpatialLayer(LayeredModel& model, const std::vector<int64_t>& input_shape,
                             const torch::Device& device = torch::kCPU);

// inputs [N, C, H, W], targets int64 [N] -> [N, C, H, W] float64 on the CPU. `layered` may be null
// for the gradient ensembles; the CAMs require it (InvalidInput otherwise). Queries go through
// `oracle` for the gradient ensembles and straight to `layered` (on the oracle's device) for the
// CAMs, which need the activations.
torch::Tensor ComputeImageMap(const std::string& name, Oracle& oracle, LayeredModel* layered,
                              const torch::Tensor& inputs, const torch::Tensor& targets,
                              const ImageMethodOptions& options);

}  // namespace lfa
