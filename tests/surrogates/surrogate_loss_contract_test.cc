// Surrogate, Loss and Solver contracts.
//
// Surrogates: the batched torch view (Predict, InputGradient) and the per-sample double view
// (Value, InputGradientAt) are the same function, and their parameter Jacobians match finite
// differences. Losses: each builds a LocalProblem of the documented shape whose responses are the
// documented quantities of f (computed here by hand), and the closed-form fit is the minimiser of
// its EmpiricalLoss. Solvers: closed form and Ceres agree on linear surrogates; rank-deficient
// systems fall back to a reported ridge; the closed form refuses non-linear surrogates.

#include <functional>
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
#include "neighbourhoods/bernoulli_mask.h"
#include "neighbourhoods/gaussian.h"
#include "solvers/ceres_solver.h"
#include "solvers/closed_form.h"
#include "surrogates/linear.h"
#include "surrogates/logistic.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// ---- Surrogate contract ------------------------------------------------------------------------

struct SurrogateCase {
  std::string name;
  std::function<std::unique_ptr<Surrogate>()> make;
};

std::ostream& operator<<(std::ostream& out, const SurrogateCase& c) { return out << c.name; }

class SurrogateContract : public ::testing::TestWithParam<SurrogateCase> {
 protected:
  static constexpr int64_t kN = 3, kS = 7, kD = 4;
  void SetUp() override {
    surrogate_ = GetParam().make();
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

TEST_P(SurrogateContract, JsonRoundTripsThroughTheRegistry) {
  const nlohmann::json spec = surrogate_->ToJson();
  EXPECT_EQ(DefaultRegistry().MakeSurrogate(spec)->ToJson(), spec);
}

INSTANTIATE_TEST_SUITE_P(
    AllSurrogates, SurrogateContract,
    ::testing::Values(SurrogateCase{"linear", [] { return std::make_unique<LinearSurrogate>(); }},
                      SurrogateCase{"linear_no_intercept",
                                    [] {
                                      return std::make_unique<LinearSurrogate>(
                                          LinearSurrogateOptions{.intercept = false});
                                    }},
                      SurrogateCase{"logistic",
                                    [] { return std::make_unique<LogisticSurrogate>(); }},
                      SurrogateCase{"logistic_no_intercept",
                                    [] {
                                      return std::make_unique<LogisticSurrogate>(
                                          LogisticSurrogateOptions{.intercept = false});
                                    }}),
    [](const ::testing::TestParamInfo<SurrogateCase>& info) { return info.param.name; });

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

// ---- Loss contract -----------------------------------------------------------------------------

class LossContract : public ::testing::Test {
 protected:
  static constexpr int64_t kN = 3, kS = 40, kD = 4;
  LossContract() : oracle_(f_.Model()) {}

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

TEST_F(LossContract, SquaredValueRespondsWithTheModelValue) {
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

TEST_F(LossContract, SquaredDeltaRespondsWithTheDropFromThePoint) {
  const LocalProblem problem = Build(SquaredLoss({.response = "delta"}));
  EXPECT_EQ(problem.response, LocalProblem::Response::kValues);
  EXPECT_EQ(problem.responses.sizes(), (std::vector<int64_t>{kN, kS}));
  const torch::Tensor fx = f_.Values(points_.flat).unsqueeze(1);
  EXPECT_TRUE(AllClose(problem.responses, fx - f_.Values(Perturbed()).view({kN, kS}), 1e-13));
  EXPECT_EQ(oracle_.value_queries(), kN * kS + kN) << "one extra query per point for f(x)";
}

TEST_F(LossContract, GradientMatchingRespondsWithGradients) {
  const LocalProblem problem = Build(GradientMatchingLoss());
  EXPECT_EQ(problem.response, LocalProblem::Response::kGradients);
  EXPECT_EQ(problem.responses.sizes(), (std::vector<int64_t>{kN, kS, kD}));
  EXPECT_TRUE(AllClose(problem.responses, f_.Gradients(Perturbed()).view({kN, kS, kD}), 1e-13));
  EXPECT_EQ(oracle_.gradient_queries(), kN * kS);
  EXPECT_EQ(oracle_.value_queries(), 0);
}

TEST_F(LossContract, UnknownSquaredResponseIsRejected) {
  EXPECT_THROW(SquaredLoss({.response = "ratio"}), InvalidInput);
}

// The closed-form fit minimises EmpiricalLoss: no perturbation of its parameters does better, and
// the first-order optimality condition holds.
class MinimiserTest : public LossContract, public ::testing::WithParamInterface<std::string> {};

TEST_P(MinimiserTest, ClosedFormFitIsTheMinimiserOfTheEmpiricalLoss) {
  std::unique_ptr<Loss> loss =
      GetParam() == "gradient_matching"
          ? std::unique_ptr<Loss>(std::make_unique<GradientMatchingLoss>())
          : std::make_unique<SquaredLoss>(SquaredLossOptions{.response = GetParam()});
  const LocalProblem problem = Build(*loss);
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

INSTANTIATE_TEST_SUITE_P(Losses, MinimiserTest,
                         ::testing::Values("value", "delta", "gradient_matching"));

TEST_F(LossContract, GradientMatchingClosedFormIsTheWeightedMeanGradient) {
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

// ---- Solvers -----------------------------------------------------------------------------------

LocalProblem RandomValueProblem(int64_t n, int64_t s, int64_t d, uint64_t seed) {
  const torch::Tensor xi = RandomNormal({n, s, d}, seed);
  const torch::Tensor noise = RandomNormal({n, s}, seed + 1);
  const torch::Tensor y = torch::sin(xi).sum(2) + 0.3 * noise;  // not in the surrogate class
  return {LocalProblem::Response::kValues, xi, test::RandomUniform({n, s}, 0.2, 3.0, seed + 2), y};
}

TEST(Solvers, CeresAgreesWithTheClosedFormOnLinearSurrogates) {
  const LocalProblem values = RandomValueProblem(3, 60, 4, 1);
  const LocalProblem gradients{LocalProblem::Response::kGradients, values.xi, values.weights,
                               RandomNormal({3, 60, 4}, 9)};
  for (bool intercept : {true, false}) {
    const LinearSurrogate g({.intercept = intercept});
    for (const LocalProblem* problem : {&values, &gradients}) {
      const FitResult exact = ClosedFormSolver().Fit(*problem, g);
      const FitResult iterative = CeresSolver().Fit(*problem, g);
      EXPECT_TRUE(AllClose(iterative.params, exact.params, 1e-8))
          << "intercept " << intercept << ", gradients "
          << (problem->response == LocalProblem::Response::kGradients);
      EXPECT_TRUE(AllClose(iterative.loss, exact.loss, 1e-12));
      EXPECT_TRUE((iterative.iterations > 0).all().item<bool>());
    }
  }
}

TEST(Solvers, AutoPicksTheClosedFormForLinearAndCeresOtherwise) {
  const LocalProblem problem = RandomValueProblem(2, 40, 3, 4);
  const FitResult linear = AutoSolver().Fit(problem, LinearSurrogate());
  EXPECT_TRUE(
      torch::equal(linear.params, ClosedFormSolver().Fit(problem, LinearSurrogate()).params));
  EXPECT_TRUE(torch::equal(linear.iterations, torch::zeros({2}, torch::kLong)));
  LocalProblem probabilities = problem;
  probabilities.responses = torch::sigmoid(problem.responses);
  const FitResult logistic = AutoSolver().Fit(probabilities, LogisticSurrogate());
  EXPECT_TRUE(
      torch::equal(logistic.params, CeresSolver().Fit(probabilities, LogisticSurrogate()).params));
  EXPECT_TRUE((logistic.iterations > 0).all().item<bool>());
}

TEST(Solvers, RankDeficientSystemsFallBackToAReportedRidge) {
  // Point 0: feature 1 is constant, collinear with the intercept. Point 1: feature 2 never moves
  // from 0. Point 2: well posed.
  LocalProblem problem = RandomValueProblem(3, 50, 3, 7);
  problem.xi = problem.xi.clone();
  problem.xi[0].select(1, 1).fill_(1.0);
  problem.xi[1].select(1, 2).fill_(0.0);
  const FitResult fit = ClosedFormSolver().Fit(problem, LinearSurrogate());
  EXPECT_GT(fit.ridge[0].item<double>(), 0.0);
  EXPECT_GT(fit.ridge[1].item<double>(), 0.0);
  EXPECT_EQ(fit.ridge[2].item<double>(), 0.0);
  EXPECT_TRUE(torch::isfinite(fit.params).all().item<bool>());
  EXPECT_TRUE(torch::isfinite(fit.loss).all().item<bool>());
  // The ridge solution still fits as well as the least-squares fit on the identified features.
  const LocalProblem reduced{problem.response, problem.xi[1].slice(1, 0, 2).unsqueeze(0),
                             problem.weights[1].unsqueeze(0), problem.responses[1].unsqueeze(0)};
  const FitResult identified = ClosedFormSolver().Fit(reduced, LinearSurrogate());
  EXPECT_NEAR(fit.loss[1].item<double>(), identified.loss[0].item<double>(), 1e-6);
  EXPECT_NEAR(fit.params[1][2].item<double>(), 0.0, 1e-12) << "minimum norm: unseen feature gets 0";
}

TEST(Solvers, ClosedFormRejectsTheLogisticSurrogate) {
  const LocalProblem problem = RandomValueProblem(1, 10, 2, 1);
  try {
    ClosedFormSolver().Fit(problem, LogisticSurrogate());
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("logistic"), std::string::npos) << e.what();
  }
}

TEST(Solvers, OptionsAreValidated) {
  EXPECT_THROW(ClosedFormSolver({.ridge = 0.0}), InvalidInput);
  EXPECT_THROW(CeresSolver({.max_iterations = 0}), InvalidInput);
  for (const char* type : {"auto", "closed_form", "ceres"}) {
    const nlohmann::json spec = DefaultRegistry().MakeSolver({{"type", type}})->ToJson();
    EXPECT_EQ(DefaultRegistry().MakeSolver(spec)->ToJson(), spec) << type;
  }
}


// The structured Levenberg-Marquardt for single-index surrogates (solvers/single_index.h) reaches
// the same minimiser as Ceres on the dense d x p Jacobian, on a problem f is not in G for.
class DenseLogistic : public LogisticSurrogate {  // the same g, without the structured fast path
 public:
  bool is_single_index() const override { return false; }
};

TEST(SingleIndexSolver, MatchesCeresOnTheDenseJacobian) {
  const test::SineProduct f{{1.5, -2.0, 3.0, 0.5}};
  Oracle oracle(f.Model());
  const PointBatch points = MakePointBatch(test::RandomUniform({3, 4}, 0.2, 1.0, 21), 4);
  const GaussianNeighbourhood z(GaussianOptions{.sigma = 0.3});
  const LocalProblem problem =
      GradientMatchingLoss().Build(oracle, z, points, z.Sample(points, 300), Targets(0, 3));
  const FitResult fast = CeresSolver().Fit(problem, LogisticSurrogate());
  const FitResult dense = CeresSolver().Fit(problem, DenseLogistic());
  // Both stop at their own tolerances; the weights reach ~10, so compare to 1e-6 relative.
  EXPECT_TRUE(test::AllClose(fast.params, dense.params, 1e-6 * (1 + test::MaxAbs(dense.params))));
  EXPECT_TRUE(test::AllClose(fast.loss, dense.loss, 1e-10));
  EXPECT_GT(test::MaxAbs(fast.loss), 1e-6);  // a genuine misfit, not a recovery
}

}  // namespace
}  // namespace lfa
