// LinearSurrogate: g(xi) = w . xi (+ b). The interpretable model of all eight methods.
//
// Linear in its parameters, so the closed-form solver applies: weighted least squares for the
// squared loss, the weighted mean of the pulled-back gradients for gradient matching.
//
//   LinearSurrogate g({.intercept = true});
#pragma once

#include <vector>

#include "framework/part_example.h"
#include "framework/surrogate.h"

namespace lfa {

struct LinearSurrogateOptions {
  bool intercept = true;  // fit b as well as w
};

class LinearSurrogate : public Surrogate {
 public:
  explicit LinearSurrogate(LinearSurrogateOptions options = {}) : options_(options) {}
  static std::unique_ptr<Surrogate> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<PartExample> Examples();

  std::string type() const override { return "linear"; }
  bool intercept() const override { return options_.intercept; }
  bool is_linear() const override { return true; }
  torch::Tensor Predict(const torch::Tensor& params, const torch::Tensor& xi) const override;
  torch::Tensor InputGradient(const torch::Tensor& params, const torch::Tensor& xi) const override;
  double Value(const double* params, const double* xi, int d, double* dparams) const override;
  void InputGradientAt(const double* params, const double* xi, int d, double* grad,
                       double* dgrad_dparams) const override;
  nlohmann::json ToJson() const override {
    return {{"type", type()}, {"intercept", options_.intercept}};
  }

 private:
  LinearSurrogateOptions options_;
};

}  // namespace lfa
