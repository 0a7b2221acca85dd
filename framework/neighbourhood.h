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

}  // namespace lfa
