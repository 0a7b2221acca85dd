#include "losses/gradient_matching.h"

#include <torch/csrc/autograd/autograd.h>

#include "framework/spec_reader.h"

namespace lfa {

std::unique_ptr<Loss> GradientMatchingLoss::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "loss 'gradient_matching'");
  reader.Finish();
  return std::make_unique<GradientMatchingLoss>();
}

std::vector<PartExample> GradientMatchingLoss::Examples() {
  return {{.name = "", .spec = nlohmann::json::parse(R"({"type": "gradient_matching"})")}};
}

torch::Tensor PulledBackGradients(Oracle& oracle, const Neighbourhood& neighbourhood,
                                  const PointBatch& points, const torch::Tensor& xi,
                                  const torch::Tensor& targets) {
  const int64_t s = xi.size(1);
  torch::AutoGradMode enable_grad(true);
  torch::Tensor leaf = xi.detach().requires_grad_(true);
  torch::Tensor decoded = neighbourhood.Decode(points, leaf);  // [N, S, D]
  torch::Tensor input_gradients = oracle.Gradients(
      AsModelInputs(decoded.detach(), points.input_shape), RepeatTargets(targets, s));
  torch::Tensor pulled = torch::autograd::grad({decoded}, {leaf},
                                               {input_gradients.reshape(decoded.sizes())},
                                               /*retain_graph=*/false, /*create_graph=*/false,
                                               /*allow_unused=*/true)[0];
  return pulled.defined() ? pulled : torch::zeros_like(xi);
}

LocalProblem GradientMatchingLoss::Build(Oracle& oracle, const Neighbourhood& neighbourhood,
                                         const PointBatch& points, const NeighbourhoodSample& sample,
                                         const torch::Tensor& targets) const {
  return {LocalProblem::Response::kGradients, sample.xi, sample.weights,
          PulledBackGradients(oracle, neighbourhood, points, sample.xi, targets)};
}

}  // namespace lfa
