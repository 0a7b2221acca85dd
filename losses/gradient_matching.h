// GradientMatchingLoss: l = pi(xi) || grad_xi f(x (+) xi) - grad_xi g(xi) ||^2.
//
// The model gradient is taken in input space by the Oracle and pulled back to interpretable space
// through the neighbourhood's Decode (Neighbourhood::PullBack: a vector-Jacobian product, by
// autograd or in closed form), with f's gradient detached: J = (d Decode / d xi)^T grad_x f(Decode(xi)). For a linear surrogate the minimiser is
// the weighted mean of J: SmoothGrad and vanilla gradients with Gaussian noise, Integrated
// Gradients and Gradient x Input with the scale path, and gradient versions of LIME and
// KernelSHAP with mask neighbourhoods, all from this one class.
//
//   GradientMatchingLoss loss;
//
// WARNING: the intercept of a linear surrogate is not identified by this loss (it is reported
// as 0).
#pragma once

#include <vector>

#include "framework/loss.h"
#include "framework/part_example.h"

namespace lfa {

class GradientMatchingLoss : public Loss {
 public:
  static std::unique_ptr<Loss> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<PartExample> Examples();

  std::string type() const override { return "gradient_matching"; }
  LocalProblem Build(Oracle& oracle, const Neighbourhood& neighbourhood, const PointBatch& points,
                     const NeighbourhoodSample& sample, const torch::Tensor& targets) const override;
  bool queries_gradients() const override { return true; }
  nlohmann::json ToJson() const override { return {{"type", type()}}; }
};

// J = grad_xi f(Decode(xi)) for samples xi [N, S, d]: [N, S, d]. The pull-back used by the loss,
// exposed for metrics and tests.
torch::Tensor PulledBackGradients(Oracle& oracle, const Neighbourhood& neighbourhood,
                                  const PointBatch& points, const torch::Tensor& xi,
                                  const torch::Tensor& targets);

}  // namespace lfa
