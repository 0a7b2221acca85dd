// SquaredLoss: l = pi(xi) (y - g(xi))^2, the loss of LIME, C-LIME, KernelSHAP and Occlusion.
//
// The response y is the model value f(x (+) xi) ("value") or its drop from the unperturbed point,
// f(x) - f(x (+) xi) ("delta"; Occlusion's convention, one extra query per point).
//
//   SquaredLoss loss({.response = "delta"});
#pragma once

#include <vector>

#include "framework/loss.h"
#include "framework/part_example.h"

namespace lfa {

struct SquaredLossOptions {
  std::string response = "value";  // value | delta
};

class SquaredLoss : public Loss {
 public:
  explicit SquaredLoss(SquaredLossOptions options = {});
  static std::unique_ptr<Loss> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<PartExample> Examples();

  std::string type() const override { return "squared"; }
  LocalProblem Build(Oracle& oracle, const Neighbourhood& neighbourhood, const PointBatch& points,
                     const NeighbourhoodSample& sample, const torch::Tensor& targets) const override;
  nlohmann::json ToJson() const override { return {{"type", type()}, {"response", options_.response}}; }

 private:
  SquaredLossOptions options_;
};

}  // namespace lfa
