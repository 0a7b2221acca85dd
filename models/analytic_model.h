// AnalyticModel: f given as a C++ function of torch ops, for closed-form checks and theory tests.
//
// Linear models, sums of sines (the paper's Remark 2), logistic models: anything whose gradient can
// be written out by hand, so that a test's expected values never come from the code under test.
//
//   auto f = std::make_shared<AnalyticModel>(std::vector<int64_t>{3},
//       [](const torch::Tensor& x) { return (x * x).sum(1, true); }, "sum of squares");
//   auto linear = AnalyticModel::Linear(torch::tensor({1.0, -2.0}), /*c=*/0.5);
//
// WARNING: the function must be built from torch ops on its argument (no .item(), no host
// round trips), or gradient explainers see a function that does not depend on its input.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "framework/model.h"

namespace lfa {

// f given as a C++ function of torch ops. Useful for closed-form checks: linear models, sums of
// sines (the paper's Remark 2), logistic models.
class AnalyticModel : public Model {
 public:
  using Function = std::function<torch::Tensor(const torch::Tensor&)>;

  AnalyticModel(std::vector<int64_t> input_shape, Function function, std::string description,
                torch::Dtype dtype = torch::kFloat64);

  torch::Tensor Forward(const torch::Tensor& inputs) override { return function_(inputs); }
  std::vector<int64_t> input_shape() const override { return input_shape_; }
  torch::Dtype dtype() const override { return dtype_; }
  std::string description() const override { return description_; }

  // f(x) = w.x + c for x of shape [d]; w is [d].
  static std::shared_ptr<AnalyticModel> Linear(const torch::Tensor& w, double c);
  // f(x) = sigmoid(w.x + c).
  static std::shared_ptr<AnalyticModel> Logistic(const torch::Tensor& w, double c);

 private:
  std::vector<int64_t> input_shape_;
  Function function_;
  std::string description_;
  torch::Dtype dtype_;
};

}  // namespace lfa
