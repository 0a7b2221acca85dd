// The Loss contract (framework/loss.h), checked for every example of every loss registered in
// DefaultRegistry(): the problem keeps the neighbourhood's samples, its responses have the shape
// of their kind over every registered neighbourhood, the closed-form fit is the minimiser of its
// EmpiricalLoss, and the JSON round trips through the registry. Then what each built-in loss
// promises: its responses are the documented quantities of f, computed here by hand.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/builtin_registry.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/local_problem.h"
#include "framework/oracle.h"
#include "framework/registry.h"
#include "losses/gradient_matching.h"
#include "losses/squared.h"
#include "models/analytic_model.h"
#include "neighbourhoods/gaussian.h"
#include "solvers/closed_form.h"
#include "surrogates/linear.h"
#include "tests/framework/registry_cases.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// A nonlinear f (test_util.h) queried around three points under the Gaussian neighbourhood.
class LossResponses : public ::testing::Test {
 protected:
  static constexpr int64_t kN = 3, kS = 40, kD = 4;
  LossResponses() : oracle_(f_.Model()) {}

  LocalProblem Build(const Loss& loss) {
    sample_ = z_.Sample(points_, kS);
    return loss.Build(oracle_, z_, points_, sample_, Targets(0, kN));
  }
  // x + xi for every sample, by hand: [N*S, D].
  torch::Tensor Perturbed() const {
    return (points_.flat.unsqueeze(1) + sample_.xi).reshape({-1, kD});
  }

  const test::SineProduct f_{{0.9, -0.4, 1.6, 0.8}};
  Oracle oracle_;
  const GaussianNeighbourhood z_{{.sigma = 0.3}};
  const PointBatch points_ = MakePointBatch(RandomNormal({kN, kD}, 3), /*seed=*/21);
  NeighbourhoodSample sample_;
};

// ---- The contract: every example of every registered loss -------------------------------------

class LossContract : public LossResponses, public ::testing::WithParamInterface<test::PartCase> {
 protected:
  void SetUp() override { loss_ = GetParam().registry->MakeLoss(GetParam().example.spec); }
  std::unique_ptr<Loss> loss_;
};

TEST_P(LossContract, TypeIsTheRegisteredNameAndJsonRoundTrips) {
  EXPECT_EQ(loss_->type(), GetParam().type());
  const nlohmann::json spec = loss_->ToJson();
  EXPECT_EQ(spec.at("type"), loss_->type());
  EXPECT_EQ(GetParam().registry->MakeLoss(spec)->ToJson(), spec);
}

// The problem keeps the neighbourhood's samples and weights, and its responses have the shape of
// its kind: values [N, S] or gradients in interpretable space [N, S, d]; all finite float64.
::testing::AssertionResult IsAProblemOf(const LocalProblem& problem,
                                        const NeighbourhoodSample& sample) {
  const int64_t n = sample.xi.size(0), s = sample.xi.size(1), d = sample.xi.size(2);
  if (!torch::equal(problem.xi, sample.xi) || !torch::equal(problem.weights, sample.weights))
    return ::testing::AssertionFailure() << "xi or weights differ from the sample's";
  const std::vector<int64_t> expected = problem.response == LocalProblem::Response::kValues
                                            ? std::vector<int64_t>{n, s}
                                            : std::vector<int64_t>{n, s, d};
  if (problem.responses.sizes() != expected)
    return ::testing::AssertionFailure() << "responses of shape " << problem.responses.sizes();
  if (problem.responses.scalar_type() != torch::kDouble)
    return ::testing::AssertionFailure() << "responses are not float64";
  if (!torch::isfinite(problem.responses).all().item<bool>())
    return ::testing::AssertionFailure() << "responses are not finite";
  return ::testing::AssertionSuccess();
}

TEST_P(LossContract, BuildKeepsTheSampleAndHasTheDocumentedShapes) {
  const LocalProblem problem = Build(*loss_);
  EXPECT_TRUE(IsAProblemOf(problem, sample_));
  // The same sample gives the same problem: a loss draws nothing of its own.
  const LocalProblem again = loss_->Build(oracle_, z_, points_, sample_, Targets(0, kN));
  EXPECT_TRUE(torch::equal(again.responses, problem.responses));
}

// f(x) = sum_k sin(w_k x_k) + 0.1 (sum_k x_k)^2 over the flattened input, w_k in [0.5, 1.5].
std::shared_ptr<AnalyticModel> SmoothModel(const std::vector<int64_t>& input_shape) {
  int64_t d = 1;
  for (int64_t size : input_shape) d *= size;
  const torch::Tensor w = torch::linspace(0.5, 1.5, d, torch::kDouble);
  return std::make_shared<AnalyticModel>(
      input_shape,
      [w](const torch::Tensor& x) {
        const torch::Tensor flat = x.flatten(1);
        const torch::Tensor sines = torch::sin(flat * w.to(flat.dtype())).sum(1);
        return (sines + 0.1 * flat.sum(1).square()).unsqueeze(1);
      },
      "sum of sines plus a square");
}

TEST_P(LossContract, BuildsAProblemOverEveryRegisteredNeighbourhood) {
  for (const test::NeighbourhoodCase& c : test::NeighbourhoodCases(*GetParam().registry)) {
    const std::unique_ptr<Neighbourhood> z = c.registry->MakeNeighbourhood(c.example.spec);
    Oracle oracle(SmoothModel(c.example.input_shape));
    std::vector<int64_t> shape = {kN};
    shape.insert(shape.end(), c.example.input_shape.begin(), c.example.input_shape.end());
    const PointBatch points = MakePointBatch(RandomNormal(shape, 4) + 2.0, /*seed=*/5);
    const NeighbourhoodSample sample = z->Sample(points, 16);
    EXPECT_TRUE(IsAProblemOf(loss_->Build(oracle, *z, points, sample, Targets(0, kN)), sample))
        << "over " << c;
  }
}

// The closed-form fit of a linear surrogate minimises the loss's EmpiricalLoss: no perturbation
// of its parameters does better, and the first-order optimality condition holds.
TEST_P(LossContract, ClosedFormFitIsTheMinimiserOfTheEmpiricalLoss) {
  const LocalProblem problem = Build(*loss_);
  const LinearSurrogate g;
  const FitResult fit = ClosedFormSolver().Fit(problem, g);
  ASSERT_EQ(fit.params.sizes(), (std::vector<int64_t>{kN, kD + 1}));
  const torch::Tensor best = EmpiricalLoss(problem, g, fit.params);
  EXPECT_TRUE(AllClose(fit.loss, best, 1e-14));
  EXPECT_TRUE(AllClose(fit.r2, WeightedR2(problem, g, fit.params), 1e-14));
  EXPECT_TRUE(torch::equal(fit.ridge, torch::zeros({kN}, torch::kDouble)));
  for (int trial = 0; trial < 20; ++trial) {
    const double scale = trial < 10 ? 1e-3 : 0.3;
    const torch::Tensor other = fit.params + scale * RandomNormal({kN, kD + 1}, 100 + trial);
    EXPECT_TRUE((best <= EmpiricalLoss(problem, g, other) + 1e-15).all().item<bool>()) << trial;
  }
  // Stationarity: the weighted residuals are orthogonal to every parameter direction.
  const torch::Tensor r = Residuals(problem, g, fit.params);
  const torch::Tensor w = problem.weights;
  torch::Tensor normal;
  if (problem.response == LocalProblem::Response::kValues) {
    const torch::Tensor z = torch::cat({problem.xi, torch::ones({kN, kS, 1}, torch::kDouble)}, 2);
    normal = (z * (w * r).unsqueeze(2)).sum(1);  // [N, p]
  } else {
    normal = (r * w.unsqueeze(2)).sum(1);  // d/dw of sum pi ||J - w||^2
  }
  EXPECT_LT(test::MaxAbs(normal), 1e-10);
}

INSTANTIATE_TEST_SUITE_P(Registered, LossContract,
                         ::testing::ValuesIn(test::LossCases(DefaultRegistry())),
                         test::CaseName());

// ---- What each built-in loss responds with -----------------------------------------------------

TEST_F(LossResponses, SquaredValueRespondsWithTheModelValue) {
  const LocalProblem problem = Build(SquaredLoss());
  EXPECT_EQ(problem.response, LocalProblem::Response::kValues);
  EXPECT_EQ(problem.xi.sizes(), (std::vector<int64_t>{kN, kS, kD}));
  EXPECT_EQ(problem.weights.sizes(), (std::vector<int64_t>{kN, kS}));
  EXPECT_EQ(problem.responses.sizes(), (std::vector<int64_t>{kN, kS}));
  EXPECT_TRUE(torch::equal(problem.xi, sample_.xi));
  EXPECT_TRUE(torch::equal(problem.weights, sample_.weights));
  EXPECT_TRUE(AllClose(problem.responses, f_.Values(Perturbed()).view({kN, kS}), 1e-13));
  EXPECT_EQ(oracle_.value_queries(), kN * kS);
  EXPECT_EQ(oracle_.gradient_queries(), 0);
}

TEST_F(LossResponses, SquaredDeltaRespondsWithTheDropFromThePoint) {
  const LocalProblem problem = Build(SquaredLoss({.response = "delta"}));
  EXPECT_EQ(problem.response, LocalProblem::Response::kValues);
  EXPECT_EQ(problem.responses.sizes(), (std::vector<int64_t>{kN, kS}));
  const torch::Tensor fx = f_.Values(points_.flat).unsqueeze(1);
  EXPECT_TRUE(AllClose(problem.responses, fx - f_.Values(Perturbed()).view({kN, kS}), 1e-13));
  EXPECT_EQ(oracle_.value_queries(), kN * kS + kN) << "one extra query per point for f(x)";
}

TEST_F(LossResponses, GradientMatchingRespondsWithGradients) {
  const LocalProblem problem = Build(GradientMatchingLoss());
  EXPECT_EQ(problem.response, LocalProblem::Response::kGradients);
  EXPECT_EQ(problem.responses.sizes(), (std::vector<int64_t>{kN, kS, kD}));
  EXPECT_TRUE(AllClose(problem.responses, f_.Gradients(Perturbed()).view({kN, kS, kD}), 1e-13));
  EXPECT_EQ(oracle_.gradient_queries(), kN * kS);
  EXPECT_EQ(oracle_.value_queries(), 0);
}

TEST_F(LossResponses, UnknownSquaredResponseIsRejected) {
  EXPECT_THROW(SquaredLoss({.response = "ratio"}), InvalidInput);
}

TEST_F(LossResponses, GradientMatchingClosedFormIsTheWeightedMeanGradient) {
  const LocalProblem unweighted = Build(GradientMatchingLoss());
  LocalProblem problem = unweighted;
  problem.weights = test::RandomUniform({kN, kS}, 0.1, 2.0, 5);
  const FitResult fit = ClosedFormSolver().Fit(problem, LinearSurrogate({.intercept = false}));
  const torch::Tensor expected =
      (problem.responses * problem.weights.unsqueeze(2)).sum(1) / problem.weights.sum(1, true);
  EXPECT_TRUE(AllClose(fit.params, expected, 1e-13));
  const FitResult with_b = ClosedFormSolver().Fit(problem, LinearSurrogate());
  EXPECT_TRUE(AllClose(with_b.params.slice(1, 0, kD), expected, 1e-13));
  EXPECT_TRUE(torch::equal(with_b.params.select(1, kD), torch::zeros({kN}, torch::kDouble)))
      << "the intercept is not identified by gradient matching and is reported as 0";
}

TEST(WeightedR2, IsOneForAnExactFitAndZeroForTheWeightedMean) {
  const torch::Tensor xi = RandomNormal({1, 30, 2}, 1);
  const torch::Tensor weights = test::RandomUniform({1, 30}, 0.5, 1.5, 2);
  const torch::Tensor y = 1.5 * xi.select(2, 0) - 0.5 * xi.select(2, 1) + 0.25;
  const LocalProblem exact{LocalProblem::Response::kValues, xi, weights, y};
  const LinearSurrogate g;
  const torch::Tensor truth = torch::tensor({{1.5, -0.5, 0.25}}, torch::kDouble);
  EXPECT_NEAR(WeightedR2(exact, g, truth).item<double>(), 1.0, 1e-14);
  EXPECT_NEAR(EmpiricalLoss(exact, g, truth).item<double>(), 0.0, 1e-28);
  const double mean = ((y * weights).sum() / weights.sum()).item<double>();
  const torch::Tensor flat = torch::tensor({{0.0, 0.0, mean}}, torch::kDouble);
  EXPECT_NEAR(WeightedR2(exact, g, flat).item<double>(), 0.0, 1e-14);
}

}  // namespace
}  // namespace lfa
