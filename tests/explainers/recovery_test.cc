// Recovery (the paper's guiding principle): when f lies in the surrogate class and the noise type
// fits, the explanation is f itself. For f(x) = a.x + c:
//   multiplicative methods (lime, kernelshap, occlusion, integrated_gradients, gradient_x_input)
//     return a (x - b), b the baseline;
//   additive methods (gradient, smoothgrad, clime) return a,
// exactly (to rounding), for the LFA compositions and the classic algorithms alike. For a logistic
// f = sigmoid(w.x + c), the Gaussian neighbourhood with a logistic surrogate recovers w under both
// the squared loss and gradient matching.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/builtin_registry.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "framework/registry.h"
#include "models/analytic_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

bool IsMultiplicative(const std::string& method) {
  return method == "lime" || method == "kernelshap" || method == "occlusion" ||
         method == "integrated_gradients" || method == "gradient_x_input";
}

struct RecoveryCase {
  std::string method;
  Implementation implementation;
  double baseline;
};

std::ostream& operator<<(std::ostream& out, const RecoveryCase& c) { return out << c.method; }

class LinearRecovery : public ::testing::TestWithParam<RecoveryCase> {
 protected:
  static constexpr int64_t kN = 4, kD = 5;
  LinearRecovery() : oracle_(AnalyticModel::Linear(a_, c_)) {}

  const torch::Tensor a_ = torch::tensor({0.8, -1.5, 2.0, 0.3, -0.7}, torch::kDouble);
  const double c_ = 0.4;
  const torch::Tensor x_ = RandomNormal({kN, kD}, 1);
  Oracle oracle_;
};

TEST_P(LinearRecovery, ReturnsTheModelOrTheModelTimesTheSpread) {
  const RecoveryCase& c = GetParam();
  const auto explainer =
      MakeExplainer(c.method, {.samples = 300, .baseline = c.baseline}, c.implementation);
  const Explanation e = explainer->Explain(oracle_, MakePointBatch(x_, 3), Targets(0, kN));
  torch::Tensor expected = a_.unsqueeze(0).expand({kN, kD});
  // Classic Gradient x Input is x . grad f whatever the baseline (Captum's InputXGradient).
  const bool classic_gxi =
      c.implementation == Implementation::kClassic && c.method == "gradient_x_input";
  if (IsMultiplicative(c.method)) expected = expected * (x_ - (classic_gxi ? 0.0 : c.baseline));
  EXPECT_TRUE(AllClose(e.attributions, expected, 1e-8)) << explainer->name();
  EXPECT_EQ(e.input_shape, (std::vector<int64_t>{kD}));
  // A fit that reproduces f exactly explains all of its variation.
  if (!torch::isnan(e.r2).any().item<bool>()) {
    EXPECT_TRUE(AllClose(e.r2, torch::ones({kN}, torch::kDouble), 1e-8));
    EXPECT_LT(test::MaxAbs(e.loss), 1e-16);
  }
}

std::vector<RecoveryCase> RecoveryCases() {
  std::vector<RecoveryCase> cases;
  for (const std::string& method : MethodNames()) {
    cases.push_back({method, Implementation::kLfa, 0.0});
    if (method != "clime") cases.push_back({method, Implementation::kClassic, 0.0});
    if (IsMultiplicative(method)) {
      cases.push_back({method, Implementation::kLfa, 0.5});
      cases.push_back({method, Implementation::kClassic, -0.75});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EightMethods, LinearRecovery, ::testing::ValuesIn(RecoveryCases()),
                         [](const ::testing::TestParamInfo<RecoveryCase>& info) {
                           std::string name =
                               info.param.method +
                               (info.param.implementation == Implementation::kLfa ? "_lfa"
                                                                                  : "_classic");
                           if (info.param.baseline != 0) name += "_baseline";
                           return name;
                         });

TEST(LinearRecovery, InterceptsOfTheValueFitsAreTheModelAtTheOrigin) {
  // clime: g(xi) = a.xi + (a.x + c); lime / kernelshap: g(m) = sum_j m_j a_j x_j + (a.b + c).
  const torch::Tensor a = torch::tensor({0.5, -1.0, 1.5}, torch::kDouble);
  const double c = -0.2, b = 0.3;
  Oracle oracle(AnalyticModel::Linear(a, c));
  const torch::Tensor x = RandomNormal({3, 3}, 2);
  const PointBatch points = MakePointBatch(x, 5);
  const Explanation clime =
      MakeExplainer("clime", {.samples = 200})->Explain(oracle, points, Targets(0, 3));
  EXPECT_TRUE(AllClose(clime.intercepts, x.matmul(a) + c, 1e-9));
  for (const char* method : {"lime", "kernelshap"}) {
    const Explanation e = MakeExplainer(method, {.samples = 200, .baseline = b})
                              ->Explain(oracle, points, Targets(0, 3));
    EXPECT_TRUE(AllClose(e.intercepts,
                         torch::full({3}, b * a.sum().item<double>() + c, torch::kDouble), 1e-9))
        << method;
  }
}

// A logistic f is in the logistic surrogate class under additive noise: f(x + xi) =
// sigmoid(w.xi + (w.x + c)), so both losses are minimised (at zero) by w.
class LogisticRecovery : public ::testing::TestWithParam<std::string> {};

TEST_P(LogisticRecovery, GaussianWithLogisticSurrogateRecoversTheWeights) {
  const torch::Tensor w = torch::tensor({1.2, -0.8, 0.5, 2.0}, torch::kDouble);
  const double c = -0.3;
  Oracle oracle(AnalyticModel::Logistic(w, c));
  const nlohmann::json spec = {{"neighbourhood", {{"type", "gaussian"}, {"sigma", 0.1}}},
                               {"loss", {{"type", GetParam()}}},
                               {"surrogate", {{"type", "logistic"}, {"intercept", true}}},
                               {"solver", {{"type", "ceres"}}},
                               {"samples", 300}};
  const auto explainer = DefaultRegistry().Build(spec);
  const torch::Tensor x = RandomNormal({5, 4}, 3) * 0.5;
  const Explanation e = explainer->Explain(oracle, MakePointBatch(x, 8), Targets(0, 5));
  EXPECT_TRUE(AllClose(e.attributions, w.unsqueeze(0).expand({5, 4}), 1e-6));
  EXPECT_LT(test::MaxAbs(e.loss), 1e-12);
  if (GetParam() == "squared") {
    EXPECT_TRUE(AllClose(e.intercepts, x.matmul(w) + c, 1e-6));
  }
}

INSTANTIATE_TEST_SUITE_P(BothLosses, LogisticRecovery,
                         ::testing::Values("squared", "gradient_matching"));

TEST(LogisticRecovery, LinearSurrogateSmoothGradIsParallelButScaled) {
  // For f = sigmoid(w.x + c), grad f = s'(u) w: SmoothGrad with a linear g returns E[s'(u)] w,
  // parallel to w (cosine 1) but scaled by a factor in (0, 1/4].
  const torch::Tensor w = torch::tensor({1.2, -0.8, 0.5, 2.0}, torch::kDouble);
  Oracle oracle(AnalyticModel::Logistic(w, 0.1));
  const torch::Tensor x = RandomNormal({3, 4}, 4) * 0.5;
  const Explanation e = MakeExplainer("smoothgrad", {.samples = 200})
                            ->Explain(oracle, MakePointBatch(x, 2), Targets(0, 3));
  for (int64_t i = 0; i < 3; ++i) {
    const torch::Tensor ratio = e.attributions[i] / w;
    EXPECT_TRUE(AllClose(ratio, ratio[0].expand({4}), 1e-12)) << "point " << i;
    EXPECT_GT(ratio[0].item<double>(), 0.0);
    EXPECT_LE(ratio[0].item<double>(), 0.25);
  }
}

}  // namespace
}  // namespace lfa
