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
// Points arrive flattened as a PointBatch ([N, D] float64 with the input shape kept beside them),
// on the CPU or on the device an explainer moved them to (its Oracle's). Samples come back on the
// points' device as xi [N, S, d] and weights [N, S], float64. Draws are counter-based
// (framework/counter_random.h): the draw of point i, sample s is a function of (seed,
// first_index + i, s) only, so it does not depend on the batch, the sample count or the device.
//
// PullBack(points, xi, g) maps model-input gradients g [N, S, D] at Decode(xi) to interpretable
// space, (d Decode / d xi)^T g: gradient matching's J. The default runs autograd through Decode;
// neighbourhoods whose Jacobian is known in closed form override it (identity for additive noise,
// (x - b) summed over a group for masks), which saves the autograd graph of [N, S, D] inputs.
//
// To add a neighbourhood: subclass, implement the virtuals, FromJson and Examples, and add one line
// to DefaultRegistry() (explainers/builtin_registry.cc); the contract suite then runs on its
// examples (docs/extending.md).
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
  // The same points with `flat` on `device` (no copy when it is there already).
  PointBatch To(const torch::Device& device) const;
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
  // (d Decode / d xi)^T g for model-input gradients g [N, S, D] at Decode(points, xi): [N, S, d].
  // Default: autograd through Decode.
  virtual torch::Tensor PullBack(const PointBatch& points, const torch::Tensor& xi,
                                 const torch::Tensor& input_gradients) const;
  virtual nlohmann::json ToJson() const = 0;
};

// The counter-based keys of the batch's points for the neighbourhood streams: int64 [N] on the
// points' device. `purpose` separates independent quantities of one sampler.
torch::Tensor NeighbourhoodKeys(const PointBatch& points, uint64_t purpose = 0);

}  // namespace lfa
