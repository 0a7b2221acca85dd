// Baseline: what a removed feature becomes, and where an integration path starts.
//
// Baseline b is the value a removed element takes (mask neighbourhoods, occlusion) and the start of
// the integrated-gradients path. Three kinds:
//
//   kind          JSON                             For(points): row i of the [N, D] result
//   scalar        0.5                              every element 0.5
//   per element   [b_1, ..., b_D]                  the D values (e.g. DatasetMean of a data set)
//   blur          {"type": "blur", "sigma": 5}     GaussianBlur(x_i, sigma) (gaussian_blur.h) of
//                                                  point i itself; inputs must be [C, H, W]
//
// The blurred baseline removes a feature's detail but keeps its local colour, so a removed patch
// does not introduce the edges a black patch does (Fong & Vedaldi 2017; Sturmfels et al. 2020).
//
//   Baseline zero = 0.0;                                        // a number is a baseline
//   Baseline mean = Baseline::DatasetMean(train_images, /*per_channel=*/true);
//   Baseline blur = Baseline::Blur(5.0);                        // sigma in pixels
//   torch::Tensor b = blur.For(points);                         // [N, D], one blur per point
//
// WARNING: a blur baseline depends on the point, so the spread x - b is small where the image is
// smooth: mask methods then see little change there whatever the model does.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "framework/neighbourhood.h"

namespace lfa {

class Baseline {
 public:
  Baseline(double value = 0.0) : value_(value) {}  // NOLINT: a number is a baseline
  // One value per input element (any shape; flattened to [D] float64).
  explicit Baseline(torch::Tensor values);
  // The Gaussian blur of each point itself, sigma in pixels (finite, > 0).
  static Baseline Blur(double sigma);
  // The data set's mean image from images [N, *input_shape] (N >= 1): per element (mean over N),
  // or with per_channel the mean of each channel over N and all spatial positions, broadcast over
  // the image (images [N, C, ...] with at least one spatial dimension).
  static Baseline DatasetMean(const torch::Tensor& images, bool per_channel);
  // null (0), a number, an array of numbers, or {"type": "blur", "sigma": S}. `what` names the
  // owner in error messages.
  static Baseline FromJson(const nlohmann::json& spec, const std::string& what);
  nlohmann::json ToJson() const;
  // [N, D] baseline for the batch, in points.flat's dtype: the broadcast scalar or [D] values, or
  // the per-point blur. Throws InvalidInput when the values do not match D or a blur's points are
  // not [C, H, W].
  torch::Tensor For(const PointBatch& points) const;

  bool is_blur() const { return blur_sigma_ > 0; }

 private:
  double value_ = 0.0;
  torch::Tensor values_;
  double blur_sigma_ = 0.0;  // > 0: the blur kind
};

}  // namespace lfa
