// The CAM family: class activation maps from the feature maps of one layer, and the noisy-gradient
// maps SmoothGrad-Squared and VarGrad.
//
// A CAM explains the score S^c of class c through the K feature maps A^k (each h x w) of a chosen
// layer of a LayeredModel: it weighs each map by how much S^c depends on it and adds them up,
// giving one h x w map per image. With g^k_ij = dS^c / dA^k_ij (one autograd call per batch):
//
//   Grad-CAM (Selvaraju et al. 2017)
//     alpha_k   = (1 / hw) sum_ij g^k_ij
//     L^c       = ReLU(sum_k alpha_k A^k)
//   On a network ending in global average pooling and a linear layer (S^c = sum_k w_ck mean(A^k))
//   the gradient is w_ck / hw everywhere and Grad-CAM is the original CAM of Zhou et al.
//
//   Grad-CAM++ (Chattopadhay et al. 2018), exp-score closed form
//     The class is explained through Y^c = exp(S^c). For a piecewise-linear network the higher
//     derivatives of S^c vanish, so d^p Y^c / (dA^k_ij)^p = exp(S^c) (g^k_ij)^p, and the factor
//     exp(S^c) cancels inside alpha:
//       alpha^k_ij = g^2 / (2 g^2 + (sum_ab A^k_ab) g^3)         (g = g^k_ij; 0/0 -> 0)
//       w_k        = sum_ij alpha^k_ij ReLU(exp(S^c) g^k_ij)
//       L^c        = ReLU(sum_k w_k A^k)
//
//   Smooth Grad-CAM++ (Omeiza et al. 2019)
//     As Grad-CAM++, with the three derivative powers averaged over `samples` noisy copies
//     x_s = x + eps_s, eps_s ~ N(0, sigma^2 I), sigma = noise_fraction (max(x) - min(x)) per
//     image; A^k and S^c are those of the clean image:
//       D1 = mean_s g(x_s),  D2 = mean_s g(x_s)^2,  D3 = mean_s g(x_s)^3
//       alpha^k_ij = D2 / (2 D2 + (sum_ab A^k_ab) D3),  w_k = sum_ij alpha^k_ij ReLU(exp(S^c) D1)
//     With samples = 1 and noise_fraction = 0 it is Grad-CAM++.
//
//   Every method can show a subset of the layer's neurons (k, i, j): the sum over k runs over
//   `feature_maps` only (empty: all K maps), and with `positions` the map keeps only the chosen
//   spatial positions (i, j) of the layer, zero elsewhere. The weights stay those of the whole
//   layer (the published formulas unchanged), so the map at (i, j) is still that position's share
//   of the evidence, sum_k w_k A^k_ij. On a network ending in global average pooling and a linear
//   layer this share is exact: Grad-CAM without ReLU, summed over the chosen positions, equals
//   S^c(A restricted to those positions) - bias_c, the class score that flows through the chosen
//   neurons. (The other reading, explaining a neuron's activation instead of the class score,
//   would need a second layer, the neuron's, in the LayeredModel interface, and answers another
//   question: what drives a unit rather than where the class evidence lies.)
//
//   SmoothGrad-Squared and VarGrad (Hooker et al. 2019), per input element, over S noisy copies:
//     SG-SQ(x)   = mean_s g_s^2,   VarGrad(x) = mean_s (g_s - mean_s g_s)^2   (population, 1/S)
//   with g_s = d f_c / dx at x + eps_s and the same per-image sigma as above (the SmoothGrad
//   paper's "10-20% of the input range" is noise_fraction 0.1-0.2).
//
// Usage:
//   LayeredModel& net = ...;                                       // [N, C, H, W] -> [N, K]
//   torch::Tensor maps = ComputeCam(net, images, labels,
//       CamOptions{.method = "gradcampp", .layer = "conv5", .feature_maps = {3, 17}});
//   torch::Tensor centre = ComputeCam(net, images, labels,            // one position of the layer
//       CamOptions{.layer = "conv5", .positions = {{{3, 3}}}});
//   torch::Tensor heat = UpsampleToInput(maps, images.size(2), images.size(3));  // [N, H, W]
//   torch::Tensor vg = VarGrad(oracle, images, labels, /*samples=*/50, 0.15, /*seed=*/0);
//
// Batching and randomness: images are processed in chunks; each chunk is one forward and one
// backward over all its rows (clean and noisy copies of every image), never one call per image.
// Image i's noise comes from its own stream StreamSeed(seed, first_index + i, kClassic), so an
// image explained alone (with its first_index) gets the same map as inside any batch or chunking.
//
// WARNING: Grad-CAM++ scales each image's weights by exp(S^c): scores above ~709 (float64) overflow
// to inf and give NaN maps; explain logits, not already-exponentiated probabilities, and compare
// the maps of different images after normalising each. The maps are at the layer's resolution;
// UpsampleToInput brings them to the input's.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "framework/layered_model.h"
#include "framework/oracle.h"

namespace lfa {

struct CamOptions {
  // "gradcam", "gradcampp" or "smoothgradcampp".
  std::string method = "gradcam";
  // Layer whose activation [n, K, h, w] is explained; one of the model's layer_names().
  std::string layer;
  // Feature maps k summed into the map; empty: all K. Indices must lie in [0, K).
  std::vector<int64_t> feature_maps;
  // Spatial positions (i, j) of the layer kept in the map (zero elsewhere); empty: all. Needs an
  // activation [n, K, h, w]; 0 <= i < h, 0 <= j < w, no position twice.
  std::vector<std::array<int64_t, 2>> positions;
  // Noisy copies per image (smoothgradcampp only).
  int64_t samples = 25;
  // Noise standard deviation as a fraction of each image's range: sigma = fraction (max - min).
  double noise_fraction = 0.15;
  // Seed of the per-image noise streams, and the index of the first image of this batch in the
  // whole data set (so that an image explained alone matches it inside a batch).
  uint64_t seed = 0;
  int64_t first_index = 0;
  // ReLU on the final map (the papers' choice); false keeps the negative evidence.
  bool relu = true;
  // Most model rows (clean and noisy copies together) in one forward/backward; at least one
  // image's rows are always sent together.
  int64_t max_batch_rows = 512;

  bool IsValid(std::string* error) const;
};

// inputs [N, *input_shape] (cast to the model's dtype, kept on their device: the model's), targets
// int64 [N] or a scalar -> maps [N, h, w] float64 on the CPU at the layer's resolution (generally
// [N, *spatial] for an activation [n, K, *spatial]). Throws InvalidInput for invalid options, an unknown layer, an
// activation without spatial dimensions, a feature map index outside [0, K) or a position outside the
// layer's h x w.
torch::Tensor ComputeCam(LayeredModel& model, const torch::Tensor& inputs,
                         const torch::Tensor& targets, const CamOptions& options);

// maps [N, h, w] -> [N, height, width] by bilinear interpolation (align_corners = false, as
// OpenCV's resize used by the papers' code).
torch::Tensor UpsampleToInput(const torch::Tensor& maps, int64_t height, int64_t width);

// Per-element maps [N, *input_shape] float64: the mean of squared gradients (SmoothGrad-Squared)
// and the population variance of the gradients (VarGrad) over `samples` noisy copies of each input,
// noise sigma = noise_fraction (max - min) of that input. One batched Oracle::Gradients call per
// chunk of images.
torch::Tensor SmoothGradSquared(Oracle& oracle, const torch::Tensor& inputs,
                                const torch::Tensor& targets, int64_t samples,
                                double noise_fraction, uint64_t seed, int64_t first_index = 0);
torch::Tensor VarGrad(Oracle& oracle, const torch::Tensor& inputs, const torch::Tensor& targets,
                      int64_t samples, double noise_fraction, uint64_t seed,
                      int64_t first_index = 0);

}  // namespace lfa
