#include "models/analytic_model.h"

#include "framework/errors.h"

namespace lfa {

AnalyticModel::AnalyticModel(std::vector<int64_t> input_shape, Function function,
                             std::string description, torch::Dtype dtype)
    : input_shape_(std::move(input_shape)),
      function_(std::move(function)),
      description_(std::move(description)),
      dtype_(dtype) {
  if (!function_) Fail("AnalyticModel '", description_, "': function is empty");
}

std::shared_ptr<AnalyticModel> AnalyticModel::Linear(const torch::Tensor& w, double c) {
  torch::Tensor weights = w.to(torch::kFloat64).reshape({-1, 1});
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{weights.size(0)},
      [weights, c](const torch::Tensor& x) { return x.matmul(weights.to(x.device())) + c; },
      "linear");
}

std::shared_ptr<AnalyticModel> AnalyticModel::Logistic(const torch::Tensor& w, double c) {
  torch::Tensor weights = w.to(torch::kFloat64).reshape({-1, 1});
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{weights.size(0)},
      [weights, c](const torch::Tensor& x) {
        return torch::sigmoid(x.matmul(weights.to(x.device())) + c);
      },
      "logistic");
}

}  // namespace lfa
