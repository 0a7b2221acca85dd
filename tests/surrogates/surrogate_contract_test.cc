// The Surrogate contract (framework/surrogate.h), checked for every example of every surrogate
// registered in DefaultRegistry(): the batched torch view (Predict, InputGradient) and the
// per-sample double view (Value, InputGradientAt) are the same function, the input gradient is the
// derivative of the value, the parameter Jacobians match finite differences, and the JSON round
// trips through the registry. Then the formulas of the built-in surrogates, by hand.

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/builtin_registry.h"
#include "framework/registry.h"
#include "framework/surrogate.h"
#include "surrogates/linear.h"
#include "surrogates/logistic.h"
#include "tests/framework/registry_cases.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// ---- Surrogate contract ------------------------------------------------------------------------

class SurrogateContract : public ::testing::TestWithParam<test::PartCase> {
 protected:
  static constexpr int64_t kN = 3, kS = 7, kD = 4;
  void SetUp() override {
    surrogate_ = GetParam().registry->MakeSurrogate(GetParam().example.spec);
    p_ = surrogate_->NumParameters(kD);
    params_ = RandomNormal({kN, p_}, 1) * 0.7;
    xi_ = RandomNormal({kN, kS, kD}, 2);
  }
  const double* Params(int64_t i) const { return params_.data_ptr<double>() + i * p_; }
  const double* Xi(int64_t i, int64_t s) const {
    return xi_.data_ptr<double>() + (i * kS + s) * kD;
  }

  std::unique_ptr<Surrogate> surrogate_;
  int64_t p_ = 0;
  torch::Tensor params_, xi_;
};

TEST_P(SurrogateContract, ParameterCountIsWeightsPlusIntercept) {
  EXPECT_EQ(p_, kD + (surrogate_->intercept() ? 1 : 0));
}

TEST_P(SurrogateContract, PredictMatchesValuePerSample) {
  const torch::Tensor predicted = surrogate_->Predict(params_, xi_);
  ASSERT_EQ(predicted.sizes(), (std::vector<int64_t>{kN, kS}));
  for (int64_t i = 0; i < kN; ++i)
    for (int64_t s = 0; s < kS; ++s)
      EXPECT_NEAR(predicted[i][s].item<double>(),
                  surrogate_->Value(Params(i), Xi(i, s), kD, nullptr), 1e-14);
}

TEST_P(SurrogateContract, InputGradientMatchesInputGradientAtPerSample) {
  const torch::Tensor gradient = surrogate_->InputGradient(params_, xi_);
  ASSERT_EQ(gradient.sizes(), xi_.sizes());
  std::vector<double> g(kD);
  for (int64_t i = 0; i < kN; ++i)
    for (int64_t s = 0; s < kS; ++s) {
      surrogate_->InputGradientAt(Params(i), Xi(i, s), kD, g.data(), nullptr);
      for (int64_t j = 0; j < kD; ++j) EXPECT_NEAR(gradient[i][s][j].item<double>(), g[j], 1e-14);
    }
}

TEST_P(SurrogateContract, InputGradientIsTheDerivativeOfValue) {
  const double h = 1e-6;
  std::vector<double> g(kD), xi(kD);
  for (int64_t s = 0; s < kS; ++s) {
    surrogate_->InputGradientAt(Params(0), Xi(0, s), kD, g.data(), nullptr);
    for (int64_t j = 0; j < kD; ++j) {
      std::copy(Xi(0, s), Xi(0, s) + kD, xi.begin());
      xi[j] += h;
      const double up = surrogate_->Value(Params(0), xi.data(), kD, nullptr);
      xi[j] -= 2 * h;
      const double down = surrogate_->Value(Params(0), xi.data(), kD, nullptr);
      EXPECT_NEAR(g[j], (up - down) / (2 * h), 1e-8) << "sample " << s << ", feature " << j;
    }
  }
}

TEST_P(SurrogateContract, ValueJacobianMatchesFiniteDifferences) {
  const double h = 1e-6;
  std::vector<double> jacobian(p_), params(p_);
  for (int64_t s = 0; s < kS; ++s) {
    surrogate_->Value(Params(1), Xi(1, s), kD, jacobian.data());
    for (int64_t k = 0; k < p_; ++k) {
      std::copy(Params(1), Params(1) + p_, params.begin());
      params[k] += h;
      const double up = surrogate_->Value(params.data(), Xi(1, s), kD, nullptr);
      params[k] -= 2 * h;
      const double down = surrogate_->Value(params.data(), Xi(1, s), kD, nullptr);
      EXPECT_NEAR(jacobian[k], (up - down) / (2 * h), 1e-8) << "sample " << s << ", param " << k;
    }
  }
}

TEST_P(SurrogateContract, InputGradientJacobianMatchesFiniteDifferences) {
  const double h = 1e-6;
  std::vector<double> jacobian(kD * p_), params(p_), up(kD), down(kD), g(kD);
  for (int64_t s = 0; s < kS; ++s) {
    surrogate_->InputGradientAt(Params(2), Xi(2, s), kD, g.data(), jacobian.data());
    for (int64_t k = 0; k < p_; ++k) {
      std::copy(Params(2), Params(2) + p_, params.begin());
      params[k] += h;
      surrogate_->InputGradientAt(params.data(), Xi(2, s), kD, up.data(), nullptr);
      params[k] -= 2 * h;
      surrogate_->InputGradientAt(params.data(), Xi(2, s), kD, down.data(), nullptr);
      for (int64_t j = 0; j < kD; ++j)
        EXPECT_NEAR(jacobian[j * p_ + k], (up[j] - down[j]) / (2 * h), 1e-8)
            << "sample " << s << ", gradient " << j << ", param " << k;
    }
  }
}

TEST_P(SurrogateContract, TypeIsTheRegisteredName) {
  EXPECT_EQ(surrogate_->type(), GetParam().type());
}

TEST_P(SurrogateContract, JsonRoundTripsThroughTheRegistry) {
  const nlohmann::json spec = surrogate_->ToJson();
  EXPECT_EQ(spec.at("type"), surrogate_->type());
  EXPECT_EQ(GetParam().registry->MakeSurrogate(spec)->ToJson(), spec);
}

INSTANTIATE_TEST_SUITE_P(Registered, SurrogateContract,
                         ::testing::ValuesIn(test::SurrogateCases(DefaultRegistry())),
                         test::CaseName());

TEST(SurrogateFormulas, LinearAndLogisticEvaluateTheirDefinitions) {
  // params [w0, w1, b] = [2, -1, 0.5], xi = [0.3, 0.4]: w.xi + b = 0.7.
  const torch::Tensor params = torch::tensor({{2.0, -1.0, 0.5}}, torch::kDouble);
  const torch::Tensor xi = torch::tensor({0.3, 0.4}, torch::kDouble).view({1, 1, 2});
  EXPECT_NEAR(LinearSurrogate().Predict(params, xi).item<double>(), 0.7, 1e-15);
  EXPECT_NEAR(LogisticSurrogate().Predict(params, xi).item<double>(), 1 / (1 + std::exp(-0.7)),
              1e-15);
  const double s = 1 / (1 + std::exp(-0.7));
  EXPECT_TRUE(AllClose(LogisticSurrogate().InputGradient(params, xi),
                       torch::tensor({2.0, -1.0}, torch::kDouble).view({1, 1, 2}) * s * (1 - s),
                       1e-15));
  // Without an intercept the last parameter is not read: g(0) = 1/2 for the logistic.
  const torch::Tensor no_b = torch::tensor({{2.0, -1.0}}, torch::kDouble);
  EXPECT_NEAR(LogisticSurrogate({.intercept = false})
                  .Predict(no_b, torch::zeros({1, 1, 2}, torch::kDouble))
                  .item<double>(),
              0.5, 1e-15);
}

}  // namespace
}  // namespace lfa
