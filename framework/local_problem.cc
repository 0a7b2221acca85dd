#include "framework/local_problem.h"

#include "framework/solver.h"
#include "framework/surrogate.h"

namespace lfa {

LocalProblem LocalProblem::Slice(int64_t begin, int64_t end) const {
  return {response, xi.slice(0, begin, end), weights.slice(0, begin, end),
          responses.slice(0, begin, end)};
}

LocalProblem LocalProblem::To(const torch::Device& device) const {
  return {response, xi.to(device), weights.to(device), responses.to(device)};
}

torch::Tensor Residuals(const LocalProblem& problem, const Surrogate& surrogate,
                        const torch::Tensor& params) {
  if (problem.response == LocalProblem::Response::kValues)
    return problem.responses - surrogate.Predict(params, problem.xi);
  return problem.responses - surrogate.InputGradient(params, problem.xi);
}

namespace {

// Squared residual per sample: [N, S].
torch::Tensor SquaredPerSample(const LocalProblem& problem, const torch::Tensor& r) {
  return problem.response == LocalProblem::Response::kValues ? r.square() : r.square().sum(2);
}

torch::Tensor WeightedMean(const torch::Tensor& per_sample, const torch::Tensor& weights) {
  return (per_sample * weights).sum(1) / weights.sum(1).clamp_min(1e-300);
}

}  // namespace

torch::Tensor EmpiricalLoss(const LocalProblem& problem, const Surrogate& surrogate,
                            const torch::Tensor& params) {
  return WeightedMean(SquaredPerSample(problem, Residuals(problem, surrogate, params)),
                      problem.weights);
}

torch::Tensor WeightedR2(const LocalProblem& problem, const Surrogate& surrogate,
                         const torch::Tensor& params) {
  const torch::Tensor& w = problem.weights;
  const torch::Tensor& y = problem.responses;
  const bool values = problem.response == LocalProblem::Response::kValues;
  const torch::Tensor sse =
      WeightedMean(SquaredPerSample(problem, Residuals(problem, surrogate, params)), w);
  const torch::Tensor wsum = w.sum(1).clamp_min(1e-300);
  const torch::Tensor mean = values ? (y * w).sum(1) / wsum
                                    : (y * w.unsqueeze(2)).sum(1) / wsum.unsqueeze(1);
  // Gradient matching: a linear g has one constant gradient, so the centred R² would be 0 by
  // construction; the uncentred one (share of the gradient energy explained) is informative.
  const torch::Tensor sst =
      values ? WeightedMean(SquaredPerSample(problem, y - mean.unsqueeze(1)), w)
             : WeightedMean(SquaredPerSample(problem, y), w);
  const torch::Tensor tiny = 1e-12 * (1 + WeightedMean(SquaredPerSample(problem, y), w));
  const torch::Tensor r2 = 1 - sse / sst.clamp_min(1e-300);
  return torch::where(sst <= tiny, (sse <= tiny).to(torch::kDouble), r2);
}

FitResult ZeroFitResult(int64_t points, int64_t parameters, const torch::Device& device) {
  const auto options = torch::TensorOptions(torch::kDouble).device(device);
  FitResult result;
  result.params = torch::zeros({points, parameters}, options);
  result.ridge = torch::zeros({points}, options);
  result.iterations = torch::zeros({points}, torch::kLong);
  return result;
}

void Diagnose(const LocalProblem& problem, const Surrogate& surrogate, FitResult* result) {
  result->loss = EmpiricalLoss(problem, surrogate, result->params);
  result->r2 = WeightedR2(problem, surrogate, result->params);
}

void Surrogate::InitialParameters(const LocalProblem& problem, int64_t point, double* params) const {
  for (int64_t j = 0; j < NumParameters(problem.dimension()); ++j) params[j] = 0.0;
}

torch::Tensor AsModelInputs(const torch::Tensor& decoded, const std::vector<int64_t>& input_shape) {
  std::vector<int64_t> shape = {decoded.size(0) * decoded.size(1)};
  shape.insert(shape.end(), input_shape.begin(), input_shape.end());
  return decoded.reshape(shape);
}

torch::Tensor RepeatTargets(const torch::Tensor& targets, int64_t samples) {
  // One copy of an expanded view: repeat_interleave's CPU kernel costs tens of times more.
  const torch::Tensor t = targets.to(torch::kLong);
  return t.unsqueeze(1).expand({t.size(0), samples}).reshape({-1});
}

}  // namespace lfa
