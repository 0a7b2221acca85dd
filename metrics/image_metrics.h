// Image faithfulness metrics: the deletion and insertion curves of RISE, and infidelity.
//
// Deletion and insertion (Petsiuk et al. 2018, "RISE"). Rank the P = H*W pixels of image x by its
// attribution map (summed over channels), highest first. Deletion replaces the pixels, all
// channels of a pixel together, by a baseline image b in that order, `pixels_per_step` at a time;
// insertion starts from b and puts x's pixels back in the same order. With
//     T = ceil(P / pixels_per_step) steps,   n_t = min(t * pixels_per_step, P) pixels changed,
//     deletion:   y_t = f(x with its n_t top-ranked pixels taken from b),
//     insertion:  y_t = f(b with its n_t top-ranked pixels taken from x),      t = 0..T,
// the curve has T + 1 points (y_0 = f(x) for deletion and f(b) for insertion, y_T the other way
// round) and the score is its area over u_t = n_t / P in [0, 1] by the trapezoid rule,
//     AUC = sum_{t<T} (u_{t+1} - u_t) (y_t + y_{t+1}) / 2.
// A faithful map gives a low deletion AUC (the output falls at once) and a high insertion AUC.
// When pixels_per_step does not divide P the last step changes the remaining P mod pixels_per_step
// pixels, so the last interval is shorter; the default pixels_per_step = ceil(P / 50) gives at most
// 50 steps (50 for 224 x 224 images; 49 for 28 x 28, 16 pixels per step; 16 for 4 x 4, one each).
//
// Baselines (ImageBaseline): "constant" (every element = value; 0 by default, the RISE deletion
// baseline), "mean" (a per-channel [C] or per-element [C, H, W] image, e.g. the dataset mean) and
// "blur" (a Gaussian blur of x itself with standard deviation sigma pixels, RISE's insertion
// baseline): a separable convolution with the normalised kernel k_r ∝ exp(-r² / (2 sigma²)),
// r = -R..R, R = ceil(3 sigma), applied to rows and then columns with *replicate* padding (edge
// pixels repeated), which works for any image size and keeps a constant image constant.
//
// Fill. By default a removed pixel takes the baseline's value (fill "baseline"). With fill "road"
// the removed pixels are ROAD's noisy linear imputation from the pixels still present
// (metrics/road_imputation.h; Rong et al., ICML 2022: MoRF = deletion, LeRF-style insertion): at
// step t of deletion the n_t deleted pixels are imputed from the P - n_t others; in insertion the
// P - n_t pixels not yet inserted are imputed from the n_t inserted ones. A step with every pixel
// removed (the end of deletion, the start of insertion) has nothing to impute from and takes the
// baseline image, so the curve's ends are those of the baseline fill. Image i's noise stream is
// RoadImpute's with index road.first_index + i, the same at every step (common random numbers).
//
// Infidelity (Yeh et al. 2019, "On the (in)fidelity and sensitivity of explanations"):
//     INFD(Phi, f, x) = E_I [ (I·Phi - (f(x) - f(x - I)))² ],
// estimated with `samples` draws of the perturbation I per point. Perturbations:
//   gaussian  I ~ N(0, sigma² Id) per element; x - I is x plus noise. For a linear f the gradient
//             (Phi = w) has infidelity 0. Any input shape.
//   square    a random square patch S of patch_size x patch_size pixels (top-left corner uniform
//             over the positions where the patch fits), all channels, is set to the baseline:
//             the model sees x with S replaced by b. As in Yeh et al.'s code for square removal,
//             I is the *binary* indicator of S, so I·Phi = sum_{j in S} Phi_j: Phi is read in
//             output units (occlusion, gradient x input, IG, SHAP), and for a linear f
//             Phi = w ⊙ (x - b) has infidelity 0. (To score Phi in gradient units instead, i.e.
//             I = (x - b) on S, pass Phi ⊙ (x - b).) Images [N, C, H, W] only.
//   subset    as square, with S a random subset of pixels, each removed independently with
//             probability removal_probability. Images only.
// With `normalise` (the default, Captum's infidelity(normalize=True), Yeh et al.'s code) Phi is
// first rescaled by the optimal scale
//     beta* = E[(I·Phi) Δf] / E[(I·Phi)²]   (beta* = 0 when E[(I·Phi)²] = 0),   Δf = f(x) - f(x - I),
// and the reported value is E[(beta* I·Phi - Δf)²]: it does not change when Phi is multiplied by a
// positive or negative constant, so maps of different scales (CAMs, saliency) compare fairly.
// The expectations are the means over the point's samples.
//
//   Oracle oracle(model);                    // f = the output to explain: logits, or a softmax
//                                            // wrapper for probabilities (nothing is added here)
//   DeletionResult del = DeletionCurve(oracle, images, maps, labels, {});
//   DeletionResult ins = InsertionCurve(oracle, images, maps, labels,
//                                       {.baseline = {.kind = "blur", .sigma = 5}});
//   torch::Tensor infd = Infidelity(oracle, images, attributions, labels,
//                                   {.perturbation = "square", .patch_size = 4, .samples = 200});
//   std::cout << Summarize(del.auc).BriefReport() << "\n";       // metrics/summary.h
//
// Conventions:
//   - inputs [N, C, H, W], any dtype (used as float64). Maps may be [N, H, W], [N, 1, H, W],
//     [N, C, H, W] or flattened ([N, H*W] or [N, C*H*W], e.g. Explanation::attributions); a
//     per-element map is summed over channels to rank pixels. Pixels are ranked by the map's
//     *value* (not its magnitude), descending; equal values go in pixel index order (row-major,
//     lower index first), so a constant map deletes pixels in reading order.
//   - Infidelity attributions are [N, *input_shape] or [N, D] with D elements per point.
//   - targets: int64 [N] or a scalar, the output explained for each point.
//   - Randomness (infidelity only): point i's perturbations come only from
//     StreamSeed(seed, first_index + i, kMetric), drawn sample by sample: gaussian D normal(0,
//     sigma) values in element order; square the row and then the column of the top-left corner
//     (uniform integers); subset one Bernoulli(removal_probability) per pixel in pixel order. A
//     point evaluated alone with first_index = i gets the same value as inside any batch, and the
//     memory budget does not change the values either.
//   - Model queries: deletion / insertion send N (T + 1) rows (the two ends included), infidelity
//     N + N * samples rows, in as few Oracle calls as `max_perturbed_elements` allows (one call
//     for small images; the Oracle then splits by its own row budget), never one call per image
//     or per step.
//
// WARNING: deletion with a constant baseline puts the model far outside its training data after a
// few steps (the "out-of-distribution" critique of RISE/ROAR): scores then reflect how the model
// reacts to grey squares as much as the map. Report a blur or mean baseline beside it, and compare
// maps on the same images, baseline and pixels_per_step only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <torch/types.h>

#include "framework/oracle.h"
#include "metrics/road_imputation.h"

namespace lfa {

// What a removed pixel becomes.
struct ImageBaseline {
  // "constant", "mean" or "blur".
  std::string kind = "constant";
  // constant: the value of every element.
  double value = 0.0;
  // mean: [C] (one value per channel) or [C, H, W] / C*H*W values (one per element).
  torch::Tensor mean;
  // blur: Gaussian standard deviation in pixels (> 0); the kernel radius is ceil(3 sigma).
  double sigma = 5.0;

  bool IsValid(std::string* error) const;
  // The baseline image of every input: images [N, C, H, W] -> [N, C, H, W] float64.
  torch::Tensor For(const torch::Tensor& images) const;
};

struct DeletionOptions {
  // Pixels changed per step (>= 1); unset: ceil(H * W / 50), i.e. at most 50 steps.
  std::optional<int64_t> pixels_per_step;
  // What deleted pixels become (deletion) / what insertion starts from.
  ImageBaseline baseline;
  // "baseline" (removed pixels take the baseline's values) or "road" (ROAD's noisy linear
  // imputation from the pixels present; the baseline only where every pixel is removed).
  std::string fill = "baseline";
  // The road fill's noise: standard deviation, seed, and the first image's stream index.
  RoadImputationOptions road;
  // Memory bound: most float64 elements of curve images built at once (default 8 MiB, the
  // Oracle's CPU budget kCpuBatchBytes; larger blocks only cost page faults); each block of
  // (image, step) rows is one Oracle call. Results do not change.
  int64_t max_perturbed_elements = int64_t{1} << 20;

  bool IsValid(std::string* error) const;
};

struct DeletionResult {
  torch::Tensor auc;     // [N] float64: area under the curve over u in [0, 1]
  torch::Tensor curves;  // [N, T + 1] float64: f_target after t steps, t = 0..T
  torch::Tensor fractions;  // [T + 1] float64: u_t = n_t / P, the curve's x coordinates
};

DeletionResult DeletionCurve(Oracle& oracle, const torch::Tensor& inputs, const torch::Tensor& maps,
                             const torch::Tensor& targets, const DeletionOptions& options = {});
DeletionResult InsertionCurve(Oracle& oracle, const torch::Tensor& inputs,
                              const torch::Tensor& maps, const torch::Tensor& targets,
                              const DeletionOptions& options = {});

struct InfidelityOptions {
  // "gaussian", "square" or "subset".
  std::string perturbation = "gaussian";
  // gaussian: standard deviation of the noise, in input units (> 0).
  double sigma = 0.1;
  // square: side of the removed patch in pixels (>= 1, <= min(H, W)).
  int64_t patch_size = 4;
  // subset: probability that a pixel is removed (in (0, 1]).
  double removal_probability = 0.5;
  // square / subset: what removed pixels become.
  ImageBaseline baseline;
  // Perturbations per point (>= 1).
  int64_t samples = 100;
  // Rescale Phi by the optimal beta* before the squared error (see above).
  bool normalise = true;
  // Seed of the per-point streams, and global index of the first point (for batches).
  uint64_t seed = 0;
  int64_t first_index = 0;
  // Memory bound: most float64 elements of perturbed input built at once (default 8 MiB, the
  // Oracle's CPU budget kCpuBatchBytes; larger blocks only cost page faults). Results do not
  // change: each point's perturbations come from its own stream.
  int64_t max_perturbed_elements = int64_t{1} << 20;

  bool IsValid(std::string* error) const;
};

// Infidelity of every point: [N] float64 (>= 0).
//   inputs        [N, *input_shape] ([N, C, H, W] for square / subset), any dtype
//   attributions  [N, *input_shape] or [N, D], finite
torch::Tensor Infidelity(Oracle& oracle, const torch::Tensor& inputs,
                         const torch::Tensor& attributions, const torch::Tensor& targets,
                         const InfidelityOptions& options = {});

}  // namespace lfa
