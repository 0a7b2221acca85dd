// LogisticSurrogate: g(xi) = sigmoid(w . xi + b).
//
// For classifiers explained through a probability. When f itself is logistic and the neighbourhood
// is additive (gaussian), f(x + xi) = sigmoid(w_f . xi + (w_f . x + b_f)) lies in G, so the squared
// loss and gradient matching both recover w = w_f exactly (the paper's clime+logistic and
// smoothgrad+logistic). Not linear in its parameters: fitted with Ceres.
//
//   LogisticSurrogate g({.intercept = true});
//
// WARNING: without an intercept, g(0) = 1/2 is forced; keep the intercept unless f(x) = 1/2.
#pragma once

#include <vector>

#include "framework/part_example.h"
#include "framework/surrogate.h"

namespace lfa {

struct LogisticSurrogateOptions {
  bool intercept = true;  // fit b as well as w
};

class LogisticSurrogate : public Surrogate {
 public:
  explicit LogisticSurrogate(LogisticSurrogateOptions options = {}) : options_(options) {}
  static std::unique_ptr<Surrogate> FromJson(const nlohmann::json& spec);
  // The specs its contract suites run on (framework/part_example.h).
  static std::vector<PartExample> Examples();

  std::string type() const override { return "logistic"; }
  bool intercept() const override { return options_.intercept; }
  bool is_linear() const override { return false; }
  torch::Tensor Predict(const torch::Tensor& params, const torch::Tensor& xi) const override;
  torch::Tensor InputGradient(const torch::Tensor& params, const torch::Tensor& xi) const override;
  double Value(const double* params, const double* xi, int d, double* dparams) const override;
  void InputGradientAt(const double* params, const double* xi, int d, double* grad,
                       double* dgrad_dparams) const override;
  bool is_single_index() const override { return true; }
  void Link(double u, double* h, double* h1, double* h2) const override;
  // Starts from the logit of the weighted mean response (values) or a scaled mean gradient.
  void InitialParameters(const LocalProblem& problem, int64_t point, double* params) const override;
  nlohmann::json ToJson() const override {
    return {{"type", type()}, {"intercept", options_.intercept}};
  }

 private:
  double Logit(const double* params, const double* xi, int d) const;
  LogisticSurrogateOptions options_;
};

}  // namespace lfa
