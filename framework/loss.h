// Loss: what it means for the surrogate g to approximate f over the neighbourhood.
//
//   type                 builds                                           residual
//   squared              y = f(x (+) xi)   (response "value")             y - g(xi)
//                        y = f(x) - f(x (+) xi)   (response "delta")
//   gradient_matching    J = grad_xi f(x (+) xi), pulled back through     J - grad_xi g(xi)
//                        Decode by autograd (a vector-Jacobian product)
//
// A Loss queries the model (through the Oracle) on the decoded samples and returns the per-point
// LocalProblem; the Solver does the rest. Because gradient matching pulls f's gradient back
// through the neighbourhood's own Decode, every neighbourhood gets gradient-based explainers for
// free: identity for additive noise, (x - b) summed over a group for masks and the IG scale path.
//
//   LocalProblem p = GradientMatchingLoss().Build(oracle, neighbourhood, points, sample, targets);
//
// To add a loss: subclass, implement Build/ToJson, FromJson and Examples, and register it in
// explainers/builtin_registry.cc; the loss contract suite then runs on its examples
// (docs/losses.md).
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "framework/local_problem.h"
#include "framework/neighbourhood.h"
#include "framework/oracle.h"

namespace lfa {

class Loss {
 public:
  virtual ~Loss() = default;
  virtual std::string type() const = 0;
  // targets: int64 [N], the output explained for each point.
  // The LocalProblem's tensors live on the points' device.
  virtual LocalProblem Build(Oracle& oracle, const Neighbourhood& neighbourhood,
                             const PointBatch& points, const NeighbourhoodSample& sample,
                             const torch::Tensor& targets) const = 0;
  // Whether Build asks the Oracle for gradients (its rows then cost a backward pass too): the
  // explainer sizes its blocks of points by the matching batch (Oracle::BatchRows).
  virtual bool queries_gradients() const { return false; }
  virtual nlohmann::json ToJson() const = 0;
};

// Model inputs for decoded samples: [N, S, D] -> [N*S, *input_shape].
torch::Tensor AsModelInputs(const torch::Tensor& decoded, const std::vector<int64_t>& input_shape);
// Per-point targets repeated for each of S samples: [N] -> [N*S].
torch::Tensor RepeatTargets(const torch::Tensor& targets, int64_t samples);

}  // namespace lfa
