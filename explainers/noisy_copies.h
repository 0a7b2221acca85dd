// Noisy copies: the Gaussian copies of each image that SmoothGrad-Squared, VarGrad and Smooth
// Grad-CAM++ average over, with noise relative to each image's own range.
//
// For image i with values x_i (flattened, D of them), copy s is
//
//   x_i + sigma_i z_s,   z_s ~ N(0, I_D),   sigma_i = noise_fraction (max(x_i) - min(x_i)),
//
// so an image scaled by 10 gets copies scaled by 10 (the SmoothGrad paper's "10-20% of the input
// range" is noise_fraction 0.1-0.2). z_s is the counter-based normal draw of image i, sample s
// (framework/counter_random.h; keys of Component::kClassic), so an image explained alone (with its
// first_index) gets the very copies it gets inside any batch or chunking, on any device.
//
//   torch::Tensor copies = NoisyCopies(points.flat, /*samples=*/25, /*noise_fraction=*/0.15,
//                                      points.seed, points.first_index);   // [N, 25, D]
//
// WARNING: the copies share the stream component of the classic explainers (kClassic), not the
// neighbourhoods' one: they are not the draws of the smoothgrad recipe's Gaussian neighbourhood.
#pragma once

#include <cstdint>

#include <torch/types.h>

namespace lfa {

// flat [N, D] (any dtype and device) -> float64 [N, samples, D] on flat's device.
torch::Tensor NoisyCopies(const torch::Tensor& flat, int64_t samples, double noise_fraction,
                          uint64_t seed, int64_t first_index);

}  // namespace lfa
