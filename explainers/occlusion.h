// Sliding-window occlusion (Zeiler & Fergus 2014), with the conventions of Captum's `Occlusion`.
//
// A window of shape (w_1, ..., w_k) slides over the last k dimensions of each input (the earlier
// dimensions are covered whole: a (h, w) window on a [C, H, W] image occludes all channels), with
// steps (s_1, ..., s_k). Along dimension d of size n_d it takes
//     K_d = ceil((n_d - w_d) / s_d) + 1
// positions with corners 0, s_d, 2 s_d, ...; the last one may stick out of the input and is then
// cut off (Captum's rule), so every element is covered when s_d <= w_d. Each of the P = prod K_d
// windows W_p is set to the baseline, x^(p) = x outside W_p and b inside, and every element j gets
// the mean change over the windows that cover it:
//     a_j = sum_{p : j in W_p} (f(x) - f(x^(p))) / #{p : j in W_p}.
// With a 1 x ... x 1 window and stride 1 this is the exact removal effect f(x) - f(x with element j
// at the baseline); with window = stride it is the occlusion of a tiling, each element getting its
// tile's drop.
//
//   SlidingWindowOcclusion occlusion({.window = {3, 3}, .strides = {2, 2}, .baseline = 0.0});
//   Explanation e = occlusion.Explain(oracle, MakePointBatch(images, 0), labels);  // [N, C*H*W]
//   // the same through the recipes:
//   MakeExplainer("occlusion", {.sliding_window = {3, 3}, .strides = {2, 2}},
//                 Implementation::kClassic);
//
// Cost: P + 1 model rows per point. Batching: the P occluded copies of a chunk of points go to the
// Oracle in one call (windows are split over several calls only when one point's P copies exceed
// LfaExplainer::kMaxChunkValues decoded values), never one call per point or window. The baseline
// can be any Baseline (a number, per element, the blur of each point).
//
// WARNING: like Captum, a stride larger than the window (where the window is smaller than the
// input) would leave elements that no window covers; it is rejected rather than giving them 0/0.
// Window positions grow fast: a 1x1 window on a 224x224 image is 50,176 model rows per point.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "framework/explainer.h"
#include "framework/neighbourhood.h"
#include "neighbourhoods/baseline.h"

namespace lfa {

struct SlidingWindowOptions {
  // Window sizes along the last window.size() dimensions of each input (each >= 1, not empty).
  std::vector<int64_t> window;
  // Steps along the last strides.size() window dimensions (each >= 1); the others step by 1
  // (Captum's default). Empty: all 1. At most window.size() entries.
  std::vector<int64_t> strides;
  // The value an occluded element takes.
  Baseline baseline = 0.0;

  bool IsValid(std::string* error) const;
};

// The window positions over one input shape: validates the options against the shape.
class SlidingWindows {
 public:
  // Throws InvalidInput when the window has more dimensions than the input, a window dimension
  // exceeds the input's, or a stride exceeds a window dimension smaller than the input's.
  SlidingWindows(const std::vector<int64_t>& input_shape, const SlidingWindowOptions& options);

  // P, the number of window positions.
  int64_t count() const { return count_; }
  // Windows per dimension of the input (K_d; 1 for the dimensions the window covers whole).
  const std::vector<int64_t>& counts() const { return counts_; }
  // bool [end - begin, D]: element j of position p (row-major over the K_d) lies in the window.
  torch::Tensor Masks(int64_t begin, int64_t end) const;
  // float64 [D]: the number of windows covering each element (>= 1).
  torch::Tensor Coverage() const;

 private:
  // bool [positions along d, n_d]: which elements of dimension d window position k covers.
  torch::Tensor Indicator(int64_t d, const torch::Tensor& positions) const;

  std::vector<int64_t> shape_, window_, strides_, counts_;
  int64_t count_ = 1;
};

class SlidingWindowOcclusion : public Explainer {
 public:
  // Throws InvalidInput for invalid options.
  explicit SlidingWindowOcclusion(SlidingWindowOptions options,
                                  std::string name = "occlusion_classic");
  std::string name() const override { return name_; }
  // Attributions [N, D] (one per input element), NaN fit diagnostics, P + 1 queries per point.
  Explanation Explain(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                      const ProgressCallback& progress = {}) const override;

 private:
  SlidingWindowOptions options_;
  std::string name_;
};

}  // namespace lfa
