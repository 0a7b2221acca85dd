#include "losses/gradient_matching.h"

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
  torch::Tensor decoded;
  {
    torch::NoGradGuard no_grad;
    decoded = neighbourhood.Decode(points, xi);  // [N, S, D]
  }
  const torch::Tensor input_gradients = oracle.Gradients(
      AsModelInputs(decoded, points.input_shape), RepeatTargets(targets, xi.size(1)));
  return neighbourhood.PullBack(points, xi, input_gradients.reshape(decoded.sizes()));
}

LocalProblem GradientMatchingLoss::Build(Oracle& oracle, const Neighbourhood& neighbourhood,
                                         const PointBatch& points, const NeighbourhoodSample& sample,
                                         const torch::Tensor& targets) const {
  return {LocalProblem::Response::kGradients, sample.xi, sample.weights,
          PulledBackGradients(oracle, neighbourhood, points, sample.xi, targets)};
}

}  // namespace lfa
