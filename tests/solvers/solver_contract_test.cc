// The Solver contract (framework/solver.h), checked for every example of every solver registered
// in DefaultRegistry(), on every registered surrogate and on both kinds of problem (values and
// gradients): a solver fits every linear surrogate on values, and refuses anything else only with
// InvalidInput naming the surrogate or the problem's kind; a fit has the documented shapes, and
// its loss and R² are those of its parameters; where it reports no ridge, the fit is a minimiser
// of the empirical loss (no perturbation does better; for linear surrogates the normal equations
// hold); the JSON round trips through the registry. Then what each built-in solver promises:
// Ceres agrees with the closed form, auto picks, the ridge fallback.

#include <memory>
#include <optional>
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
#include "framework/solver.h"
#include "losses/gradient_matching.h"
#include "neighbourhoods/gaussian.h"
#include "solvers/ceres_solver.h"
#include "solvers/closed_form.h"
#include "surrogates/linear.h"
#include "surrogates/logistic.h"
#include "tests/framework/registry_cases.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// ---- The contract: every example of every registered solver -------------------------------------

// One fit of the solver under test, or its rejection of the surrogate.
struct SolverRun {
  std::string what;  // the surrogate case and the problem kind, for failure messages
  const Surrogate* surrogate = nullptr;
  const LocalProblem* problem = nullptr;
  std::optional<FitResult> fit;  // empty: the solver rejected the surrogate
  std::string rejection;         // the InvalidInput message when it did
};

class SolverContract : public ::testing::TestWithParam<test::PartCase> {
 protected:
  static constexpr int64_t kN = 3, kS = 60, kD = 4;

  void SetUp() override {
    solver_ = GetParam().registry->MakeSolver(GetParam().example.spec);
    // Neither problem is in any surrogate class. Values lie in (0, 1), so a logistic g can fit.
    const torch::Tensor xi = RandomNormal({kN, kS, kD}, 1);
    const torch::Tensor weights = test::RandomUniform({kN, kS}, 0.2, 3.0, 2);
    const torch::Tensor y = torch::sigmoid(torch::sin(xi).sum(2) + 0.3 * RandomNormal({kN, kS}, 3));
    values_ = {LocalProblem::Response::kValues, xi, weights, y};
    gradients_ = {LocalProblem::Response::kGradients, xi, weights,
                  0.2 * RandomNormal({kN, kS, kD}, 4)};
    for (const test::PartCase& c : test::SurrogateCases(*GetParam().registry)) {
      surrogates_.push_back(c.registry->MakeSurrogate(c.example.spec));
      surrogate_names_.push_back(c.name());
    }
  }

  // The solver on every registered surrogate and both problems.
  std::vector<SolverRun> RunAll() const {
    std::vector<SolverRun> runs;
    for (size_t k = 0; k < surrogates_.size(); ++k) {
      for (const LocalProblem* problem : {&values_, &gradients_}) {
        SolverRun run;
        run.what = surrogate_names_[k];
        run.what += problem == &values_ ? " on values" : " on gradients";
        run.surrogate = surrogates_[k].get();
        run.problem = problem;
        try {
          run.fit = solver_->Fit(*problem, *run.surrogate);
        } catch (const InvalidInput& e) {
          run.rejection = e.what();
        }
        runs.push_back(std::move(run));
      }
    }
    return runs;
  }

  std::unique_ptr<Solver> solver_;
  LocalProblem values_, gradients_;
  std::vector<std::unique_ptr<Surrogate>> surrogates_;
  std::vector<std::string> surrogate_names_;
};

TEST_P(SolverContract, TypeIsTheRegisteredNameAndJsonRoundTrips) {
  EXPECT_EQ(solver_->type(), GetParam().type());
  const nlohmann::json spec = solver_->ToJson();
  EXPECT_EQ(spec.at("type"), solver_->type());
  EXPECT_EQ(GetParam().registry->MakeSolver(spec)->ToJson(), spec);
}

// Linear surrogates on values are LIME's case: every solver must fit them. What a solver cannot
// solve it refuses with a message that says why.
TEST_P(SolverContract, FitsLinearSurrogatesOnValuesAndRefusesOnlyByName) {
  for (const SolverRun& run : RunAll()) {
    if (run.fit) continue;
    const bool gradients = run.problem->response == LocalProblem::Response::kGradients;
    EXPECT_TRUE(gradients || !run.surrogate->is_linear()) << run.what << ": " << run.rejection;
    const bool names_surrogate = run.rejection.find(run.surrogate->type()) != std::string::npos;
    const bool names_kind = gradients && run.rejection.find("gradient") != std::string::npos;
    EXPECT_TRUE(names_surrogate || names_kind)
        << run.what << ": the message names neither the surrogate nor the problem: "
        << run.rejection;
  }
}

TEST_P(SolverContract, FitsHaveTheDocumentedShapesAndDiagnoseTheirParameters) {
  for (const SolverRun& run : RunAll()) {
    if (!run.fit) continue;
    const FitResult& fit = *run.fit;
    const int64_t p = run.surrogate->NumParameters(kD);
    ASSERT_EQ(fit.params.sizes(), (std::vector<int64_t>{kN, p})) << run.what;
    for (const torch::Tensor& diagnostic : {fit.loss, fit.r2, fit.ridge, fit.iterations})
      EXPECT_EQ(diagnostic.sizes(), (std::vector<int64_t>{kN})) << run.what;
    EXPECT_TRUE(torch::isfinite(fit.params).all().item<bool>()) << run.what;
    EXPECT_GE(fit.ridge.min().item<double>(), 0.0) << run.what;
    EXPECT_GE(fit.iterations.min().item<int64_t>(), 0) << run.what;
    const torch::Tensor loss = EmpiricalLoss(*run.problem, *run.surrogate, fit.params);
    EXPECT_TRUE(AllClose(fit.loss, loss, 1e-12 * (1 + test::MaxAbs(loss)))) << run.what;
    EXPECT_TRUE(AllClose(fit.r2, WeightedR2(*run.problem, *run.surrogate, fit.params), 1e-12))
        << run.what;
  }
}

// A point whose fit reports a ridge (a fallback, or a penalty the solver chose) minimises a
// penalised loss instead, and is left out of the two minimiser checks.
TEST_P(SolverContract, FitsWithoutARidgeMinimiseTheEmpiricalLoss) {
  for (const SolverRun& run : RunAll()) {
    if (!run.fit) continue;
    const FitResult& fit = *run.fit;
    const torch::Tensor plain = fit.ridge == 0;
    const torch::Tensor best = EmpiricalLoss(*run.problem, *run.surrogate, fit.params);
    const torch::Tensor slack = 1e-12 * (1 + best.abs());
    for (int trial = 0; trial < 20; ++trial) {
      const double scale = trial < 10 ? 1e-3 : 0.3;
      const torch::Tensor other =
          fit.params + scale * RandomNormal(fit.params.sizes().vec(), 100 + trial);
      const torch::Tensor loss = EmpiricalLoss(*run.problem, *run.surrogate, other);
      EXPECT_TRUE((best <= loss + slack).logical_or(~plain).all().item<bool>())
          << run.what << ", trial " << trial;
    }
  }
}

// For a linear g the minimiser is where the weighted residuals are orthogonal to every parameter
// direction (the normal equations); the intercept is not identified by gradients. Iterative
// solvers stop at their tolerances: the residual is compared with the terms it sums.
TEST_P(SolverContract, LinearFitsSatisfyTheNormalEquations) {
  for (const SolverRun& run : RunAll()) {
    if (!run.fit || !run.surrogate->is_linear()) continue;
    const LocalProblem& problem = *run.problem;
    const torch::Tensor r = Residuals(problem, *run.surrogate, run.fit->params);
    const torch::Tensor w = problem.weights;
    torch::Tensor normal, scale;
    if (problem.response == LocalProblem::Response::kValues) {
      torch::Tensor z = problem.xi;
      if (run.surrogate->intercept())
        z = torch::cat({z, torch::ones({kN, kS, 1}, torch::kDouble)}, 2);
      normal = (z * (w * r).unsqueeze(2)).sum(1);  // [N, p]
      scale = (z.abs() * (w * problem.responses.abs()).unsqueeze(2)).sum(1);
    } else {
      normal = (r * w.unsqueeze(2)).sum(1);  // d/dw of sum pi ||J - w||^2
      scale = (problem.responses.abs() * w.unsqueeze(2)).sum(1);
    }
    const torch::Tensor plain = (run.fit->ridge == 0).unsqueeze(1);
    EXPECT_LT(test::MaxAbs(normal * plain), 1e-8 * test::MaxAbs(scale)) << run.what;
  }
}

INSTANTIATE_TEST_SUITE_P(Registered, SolverContract,
                         ::testing::ValuesIn(test::SolverCases(DefaultRegistry())),
                         test::CaseName());

// ---- What each built-in solver promises --------------------------------------------------------

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
