// The CAM family: class activation maps from the feature maps of one layer (Grad-CAM, Grad-CAM++,
// Smooth Grad-CAM++). SmoothGrad-Squared and VarGrad, the other image methods, are in
// gradient_ensembles.h.
//
// A CAM explains the score S^c of class c through the K feature maps A^k (each h x w) of a chosen
// layer of a LayeredModel: it weighs each map by how much S^c depends on it and adds them up,
// giving one h x w map per image. With g^k_ij = dS^c / dA^k_ij (Oracle::GradientsAtLayer):
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
// Usage (the CAMs are Explainers like the recipes; MakeExplainer in recipes.h builds them by name):
//   auto gradcampp = MakeExplainer("gradcampp", {.layer = "conv5"});      // recipes.h
//   Explanation e = gradcampp->Explain(oracle, MakePointBatch(images, /*seed=*/0), labels);
//   torch::Tensor heat = e.AttributionMaps();          // [N, C, H, W]: upsampled, repeated over C
//   torch::Tensor maps = ComputeCam(oracle, MakePointBatch(images, 0), labels,   // [N, h, w]
//       CamOptions{.method = "gradcampp", .layer = "conv5", .feature_maps = {3, 17}});
//   torch::Tensor centre = ComputeCam(oracle, MakePointBatch(images, 0), labels,  // one position
//       CamOptions{.layer = "conv5", .positions = {{{3, 3}}}});
//
// Queries: the CAMs read the layer through the Oracle (Oracle::GradientsAtLayer), so they are
// batched by its budget, run on its device, counted (one gradient query per row: N rows, or
// N (1 + samples) for Smooth Grad-CAM++) and retried with half the batch on out-of-memory. An
// image's clean row and its noisy copies travel in one model call whenever the budget allows.
// Image i's noise comes from its own stream (explainers/noisy_copies.h), so an image explained
// alone (with its first_index) gets the same map as inside any batch, whatever the Oracle's batch
// size. `layer` empty picks the last layer whose activation is spatial ([n, K, h, w]): the last
// convolutional block, the papers' choice (LastSpatialLayer). A model without named layers (not a
// LayeredModel) is an InvalidInput naming it.
//
// WARNING: Grad-CAM++ scales each image's weights by exp(S^c): scores above ~709 (float64) overflow
// to inf and give NaN maps; explain logits, not already-exponentiated probabilities, and compare
// the maps of different images after normalising each. ComputeCam's maps are at the layer's
// resolution; UpsampleToInput brings them to the input's (the Explainer does).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "framework/explainer.h"
#include "framework/neighbourhood.h"
#include "framework/oracle.h"

namespace lfa {

struct CamOptions {
  // "gradcam", "gradcampp" or "smoothgradcampp".
  std::string method = "gradcam";
  // Layer whose activation [n, K, h, w] is explained, one of the model's layer names; empty: the
  // last layer with a spatial activation (LastSpatialLayer).
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
  // ReLU on the final map (the papers' choice); false keeps the negative evidence.
  bool relu = true;

  bool IsValid(std::string* error) const;
};

// The CAM family as an Explainer: attributions [N, C H W], the map upsampled bilinearly to the
// input's H x W and repeated over its C channels (one value per input element, like the gradient
// family's). Points must be images [C, H, W]. Nothing is fitted (Unfitted diagnostics).
class CamExplainer : public Explainer {
 public:
  // Throws InvalidInput naming the value when the options are invalid.
  explicit CamExplainer(CamOptions options);
  std::string name() const override { return options_.method; }
  Explanation Explain(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                      const ProgressCallback& progress = {}) const override;

 private:
  CamOptions options_;
};

// points [N, *input_shape] (noise streams from points.seed and first_index), targets int64 [N] or
// a scalar -> maps [N, h, w] float64 on the CPU at the layer's resolution (generally
// [N, *spatial] for an activation [n, K, *spatial]). Throws InvalidInput for invalid options, a
// model without layers, an unknown layer, an activation without spatial dimensions, a target
// outside the model's outputs, a feature map index outside [0, K) or a position outside the
// layer's h x w.
torch::Tensor ComputeCam(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                         const CamOptions& options, const ProgressCallback& progress = {});

// The last of the oracle's model's layers whose activation for one input of `input_shape` is
// [K, h, w] (two spatial dimensions). InvalidInput naming the model when there is none.
std::string LastSpatialLayer(Oracle& oracle, const std::vector<int64_t>& input_shape);

// maps [N, h, w] -> [N, height, width] by bilinear interpolation (align_corners = false, as
// OpenCV's resize used by the papers' code).
torch::Tensor UpsampleToInput(const torch::Tensor& maps, int64_t height, int64_t width);

}  // namespace lfa
