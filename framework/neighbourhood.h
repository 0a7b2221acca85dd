// Neighbourhood: the distribution Z of interpretable perturbations around a point.
//
// In the local-function-approximation view an explanation of f at x is
//     g* = argmin_{g in G} E_{xi ~ Z} [ loss(f, g, x, xi) ],
// and a Neighbourhood is Z: it draws interpretable perturbations xi (d numbers per sample) with
// weights pi(xi), and Decodes them into model inputs x (+) xi with differentiable torch ops, so a
// model gradient can be pulled back to interpretable space by autograd (see gradient_matching.h).
//
//   type                 xi                                 Decode(x, xi)
//   gaussian             N(0, sigma^2 I), d = D             x + xi
//   bernoulli_mask       Bernoulli(p)^G masks               b + m (x - b),   m = xi over groups
//   shapley_coalitions   Captum's KernelSHAP coalitions     b + m (x - b)
//   one_hot_removal      e_j                                x - m (x - b)
//   scale_path           t 1_G, t ~ U(low, high)            b + m (x - b)
//
// Points arrive flattened as a PointBatch ([N, D] float64 on the CPU with the input shape kept
// beside them). Samples come back as xi [N, S, d] and weights [N, S], float64. Point i's draws come
// only from StreamSeed(seed, first_index + i, kNeighbourhood), so they do not depend on the batch.
//
// To add a neighbourhood: subclass, implement the four virtuals and FromJson, add one line to
// DefaultRegistry() (registry.cc), instantiate the contract suite in tests/ (docs/neighbourhoods.md).
//
// WARNING: Decode must be built from differentiable torch ops on xi (no .item(), no in-place
// writes into xi); otherwise gradient-matching explainers silently get zero gradients.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

namespace lfa {

struct PointBatch {
  torch::Tensor flat;                // [N, D] float64, CPU
  std::vector<int64_t> input_shape;  // shape of one point; product = D
  uint64_t seed = 0;
  int64_t first_index = 0;           // global index of row 0, for per-point streams

  int64_t size() const { return flat.size(0); }
  // Rows [begin, end) as their own batch (indices stay global).
  PointBatch Slice(int64_t begin, int64_t end) const;
};

struct NeighbourhoodSample {
  torch::Tensor xi;       // [N, S, d] float64
  torch::Tensor weights;  // [N, S] float64, finite and >= 0
};

class Neighbourhood {
 public:
  virtual ~Neighbourhood() = default;
  virtual std::string type() const = 0;
  // Number of interpretable features d for points of this shape.
  virtual int64_t Dimension(const std::vector<int64_t>& input_shape) const = 0;
  virtual NeighbourhoodSample Sample(const PointBatch& points, int64_t samples) const = 0;
  // xi [N, S, d] -> model inputs [N, S, D] in points.flat's dtype, differentiable in xi.
  virtual torch::Tensor Decode(const PointBatch& points, const torch::Tensor& xi) const = 0;
  // The xi that decodes to x itself (the surrogate evaluated there approximates f(x)).
  virtual torch::Tensor Origin(const PointBatch& points) const = 0;
  virtual nlohmann::json ToJson() const = 0;
};

// Baseline b: the value a removed element takes (mask neighbourhoods, occlusion) and the start of
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
