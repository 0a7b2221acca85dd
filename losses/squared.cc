#include "losses/squared.h"

#include "framework/errors.h"
#include "framework/spec_reader.h"

namespace lfa {

SquaredLoss::SquaredLoss(SquaredLossOptions options) : options_(std::move(options)) {
  if (options_.response != "value" && options_.response != "delta")
    Fail("squared loss: response must be 'value' or 'delta', got '", options_.response, "'");
}

std::unique_ptr<Loss> SquaredLoss::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "loss 'squared'");
  SquaredLossOptions options;
  options.response = reader.String("response", options.response);
  reader.Finish();
  return std::make_unique<SquaredLoss>(options);
}

std::vector<PartExample> SquaredLoss::Examples() {
  return {
      {.name = "value", .spec = nlohmann::json::parse(R"({"type": "squared", "response": "value"})")},
      {.name = "delta", .spec = nlohmann::json::parse(R"({"type": "squared", "response": "delta"})")},
  };
}

LocalProblem SquaredLoss::Build(Oracle& oracle, const Neighbourhood& neighbourhood,
                                const PointBatch& points, const NeighbourhoodSample& sample,
                                const torch::Tensor& targets) const {
  const int64_t n = points.size(), s = sample.xi.size(1);
  torch::Tensor decoded;
  {
    torch::NoGradGuard no_grad;
    decoded = neighbourhood.Decode(points, sample.xi);
  }
  // Values come back on the inputs' device: the points'.
  torch::Tensor y = oracle.Values(AsModelInputs(decoded, points.input_shape),
                                  RepeatTargets(targets, s)).reshape({n, s});
  if (options_.response == "delta") {
    const torch::Tensor fx = oracle.Values(AsModelInputs(points.flat.unsqueeze(1), points.input_shape),
                                           targets);
    y = fx.unsqueeze(1) - y;
  }
  return {LocalProblem::Response::kValues, sample.xi, sample.weights, y};
}

}  // namespace lfa
