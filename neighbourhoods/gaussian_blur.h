// GaussianBlur: the separable, normalised Gaussian blur of a batch of images.
//
// Each channel of each image is convolved along H and then along W with the 1-D kernel
//     k_t = exp(-t^2 / (2 sigma^2)) / sum_{|u| <= r} exp(-u^2 / (2 sigma^2)),   t = -r..r,
//     r   = ceil(3 sigma)                                          (sigma in pixels),
// with replicate padding (a pixel beyond the border takes the value of the nearest border pixel).
// Because the kernel sums to one and the padding repeats real pixels, a constant image stays
// constant, the blur of an image lies within its [min, max], and channels never mix.
//
// It lives in framework/ because the blurred-image Baseline (neighbourhood.h) is built from it and
// the metrics (image metrics: blurred deletion/insertion baselines) use it too; both depend on
// framework/, not on each other.
//
//   torch::Tensor blurred = GaussianBlur(images /*[N, C, H, W]*/, /*sigma=*/5.0);
//
// The result has the input's shape, dtype and device, and is differentiable in the input (plain
// index_select and conv2d).
//
// WARNING: sigma is in pixels, not a fraction of the image size: sigma = 5 on a 28 x 28 image keeps
// little more than the image's mean; radius ceil(3 sigma) may exceed the image (the replicate
// padding then repeats the border pixels as often as needed).
#pragma once

#include <torch/types.h>

namespace lfa {

// images [N, C, H, W] (floating point, any device) -> the blurred images, same shape and dtype.
// Throws InvalidInput when images are not 4-D or not floating point, or sigma is not finite and
// > 0.
torch::Tensor GaussianBlur(const torch::Tensor& images, double sigma);

// The 1-D kernel above: [2 ceil(3 sigma) + 1] float64, summing to one.
torch::Tensor GaussianKernel1d(double sigma);

}  // namespace lfa
