// Distances between explanations and the LFA loss of any explanation over any neighbourhood:
// hand-computed distances, the zero matrix on linear models, and the minimiser property (the
// evaluation composition's own solution on the metric's samples has the smallest loss).
#include <gtest/gtest.h>

#include "explainers/builtin_registry.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/random.h"
#include "framework/registry.h"
#include "metrics/distances.h"
#include "metrics/lfa_loss.h"
#include "models/analytic_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;

TEST(Distances, HandComputed) {
  const torch::Tensor a = torch::tensor({{1.0, 2.0, -1.0}, {0.0, 0.0, 0.0}}, torch::kDouble);
  const torch::Tensor b = torch::tensor({{2.0, 4.0, -2.0}, {1.0, 0.0, 0.0}}, torch::kDouble);
  EXPECT_TRUE(AllClose(L1Distance(a, b), torch::tensor({4.0, 1.0}, torch::kDouble), 1e-15));
  // Parallel vectors: 0; a zero vector: reported as 1.
  EXPECT_TRUE(AllClose(CosineDistance(a, b), torch::tensor({0.0, 1.0}, torch::kDouble), 1e-15));
  const torch::Tensor c = torch::tensor({{1.0, 0.0}}, torch::kDouble);
  const torch::Tensor d = torch::tensor({{-1.0, 0.0}}, torch::kDouble);
  EXPECT_NEAR(CosineDistance(c, d).item<double>(), 2.0, 1e-15);
  EXPECT_THROW(L1Distance(a, c), InvalidInput);
}

TEST(Distances, RecoveryTargets) {
  const torch::Tensor w = torch::tensor({2.0, -1.0}, torch::kDouble);
  const torch::Tensor x = torch::tensor({{1.0, 3.0}, {0.5, 0.0}}, torch::kDouble);
  EXPECT_TRUE(AllClose(RecoveryTarget(w, x, false), torch::tensor({{2.0, -1.0}, {2.0, -1.0}}, torch::kDouble), 0));
  EXPECT_TRUE(AllClose(RecoveryTarget(w, x, true, 0.5),
                       torch::tensor({{1.0, -2.5}, {0.0, 0.5}}, torch::kDouble), 1e-15));
}

TEST(InputSpaceSlope, DividesMultiplicativeAttributionsBySpread) {
  const PointBatch points = MakePointBatch(torch::tensor({{2.0, 0.0, -1.0}}, torch::kDouble), 0);
  const torch::Tensor a = torch::tensor({{4.0, 3.0, 1.0}}, torch::kDouble);
  EXPECT_TRUE(AllClose(InputSpaceSlope(a, points, false), a, 0));
  // x_1 = b: slope 0 by convention.
  EXPECT_TRUE(AllClose(InputSpaceSlope(a, points, true),
                       torch::tensor({{2.0, 0.0, -1.0}}, torch::kDouble), 1e-15));
  EXPECT_THROW(InputSpaceSlope(torch::zeros({1, 2}, torch::kDouble), points, true), InvalidInput);
}

// Patch attributions: the minimum-norm slope states each patch's attribution exactly, is
// proportional to (x - b) inside the patch, and equals InputSpaceSlope for one-pixel groups. On a
// linear image model, patch LIME's explanation turned into that slope has zero loss over the patch
// composition it came from (a mask moves whole patches, so only the patch sums matter).
TEST(GroupedSlope, StatesEachPatchAttributionWithTheSmallestSlope) {
  const int64_t n = 3;
  const torch::Tensor x = test::RandomUniform({n, 1, 4, 4}, 0.1, 1.0, 21);
  const PointBatch points = MakePointBatch(x, 4);
  const FeatureGroups patches = FeatureGroups::Patches(2);
  const torch::Tensor a = test::RandomNormal({n, 4}, 22);
  const torch::Tensor slope = GroupedSlope(a, points, patches);
  const torch::Tensor ids = patches.Resolve({1, 4, 4});
  const torch::Tensor stated =
      torch::zeros({n, 4}, torch::kDouble).index_add_(1, ids, slope * points.flat);
  EXPECT_TRUE(AllClose(stated, a, 1e-12));
  const torch::Tensor ratio = slope / points.flat;  // constant within each patch
  for (int64_t g = 0; g < 4; ++g) {
    const torch::Tensor in_g = ratio.index_select(1, torch::nonzero(ids == g).squeeze(1));
    EXPECT_LT(test::MaxAbs(in_g - in_g.select(1, 0).unsqueeze(1)), 1e-12);
  }
  const torch::Tensor flat_a = test::RandomNormal({n, 16}, 23);
  EXPECT_TRUE(AllClose(GroupedSlope(flat_a, points, FeatureGroups()),
                       InputSpaceSlope(flat_a, points, /*multiplicative=*/true), 1e-12));
  EXPECT_THROW(GroupedSlope(torch::zeros({n, 5}, torch::kDouble), points, patches), InvalidInput);

  const torch::Tensor w = test::RandomNormal({16}, 24);
  Oracle oracle(std::make_shared<AnalyticModel>(
      std::vector<int64_t>{1, 4, 4},
      [w](const torch::Tensor& v) { return (v.flatten(1) * w).sum(1, true) + 0.3; }, "linear image"));
  RecipeOptions recipe{.samples = 300};
  recipe.groups = patches;
  const auto lime = DefaultRegistry().Build(RecipeSpec("lime", recipe));
  const Explanation e = lime->Explain(oracle, points, Targets(0, n));
  const torch::Tensor loss =
      LfaLoss(oracle, *lime, points, Targets(0, n), GroupedSlope(e.attributions, points, patches));
  EXPECT_LT(test::MaxAbs(loss), 1e-16);
}

// f(x) = a.x + c: every explanation of the eight methods has loss 0 over every neighbourhood,
// also when some features sit at the baseline (x_i = 0), where multiplicative attributions do not
// state the slope and the metric sets it to its best value.
TEST(LfaLoss, EveryCellIsZeroOnALinearModel) {
  const int64_t n = 4, d = 5;
  const torch::Tensor a = test::RandomNormal({d}, 1);
  Oracle oracle(AnalyticModel::Linear(a, 0.7));
  torch::Tensor x = test::RandomUniform({n, d}, 0.2, 1.0, 2);
  x[0][1] = 0.0;
  x[2][4] = 0.0;
  const PointBatch points = MakePointBatch(x, 3);
  const torch::Tensor targets = Targets(0, n);
  for (const std::string& explained : MethodNames()) {
    const Explanation e = MakeExplainer(explained, {.samples = 200})->Explain(oracle, points, targets);
    const bool multiplicative = IsMultiplicativeMethod(explained);
    const torch::Tensor slope = InputSpaceSlope(e.attributions, points, multiplicative);
    const torch::Tensor unstated = UnstatedSlopes(points, multiplicative);
    EXPECT_EQ(unstated.sum().item<int64_t>(), multiplicative ? 2 : 0) << explained;
    const torch::Tensor stated_a = torch::where(unstated, torch::zeros({n, d}, torch::kDouble),
                                                a.unsqueeze(0).expand({n, d}));
    EXPECT_TRUE(AllClose(slope, stated_a, 1e-8)) << explained;
    for (const std::string& evaluated : MethodNames()) {
      const auto evaluation = DefaultRegistry().Build(RecipeSpec(evaluated, {.samples = 200}));
      const torch::Tensor loss = LfaLoss(oracle, *evaluation, points, targets, slope, unstated);
      EXPECT_LT(test::MaxAbs(loss), 1e-18) << explained << " over " << evaluated;
    }
  }
}

// On a nonlinear f, the evaluation composition's own exact solution on the metric's samples is
// the minimiser: every other slope (other methods, perturbations) has a loss at least as large,
// and the minimiser's loss equals its fit loss.
TEST(LfaLoss, TheCompositionsOwnSolutionIsTheMinimum) {
  const test::SineProduct f{{1.5, -2.0, 3.0, 0.5, 2.5}};
  Oracle oracle(f.Model());
  const int64_t n = 3, d = 5;
  const PointBatch points = MakePointBatch(test::RandomUniform({n, d}, 0.3, 1.0, 4), 11);
  PointBatch metric_draws = points;  // the samples LfaLoss draws
  metric_draws.seed = StreamSeed(points.seed, 0, Component::kMetric);
  const torch::Tensor targets = Targets(0, n);
  for (const char* evaluated : {"lime", "kernelshap", "clime", "smoothgrad",
                                       "integrated_gradients", "occlusion"}) {
    const auto evaluation = DefaultRegistry().Build(RecipeSpec(evaluated, {.samples = 400}));
    const Explanation own = evaluation->Explain(oracle, metric_draws, targets);
    const torch::Tensor own_slope =
        InputSpaceSlope(own.attributions, points, IsMultiplicativeMethod(evaluated));
    const torch::Tensor own_loss = LfaLoss(oracle, *evaluation, points, targets, own_slope);
    EXPECT_TRUE(AllClose(own_loss, own.loss, 1e-10)) << evaluated;
    for (const std::string& other : MethodNames()) {
      const Explanation e = MakeExplainer(other, {.samples = 400})->Explain(oracle, points, targets);
      const torch::Tensor slope = InputSpaceSlope(e.attributions, points, IsMultiplicativeMethod(other));
      const torch::Tensor loss = LfaLoss(oracle, *evaluation, points, targets, slope);
      EXPECT_TRUE((loss >= own_loss - 1e-12).all().item<bool>()) << other << " over " << evaluated;
    }
    const torch::Tensor nudged = own_slope + 0.05 * test::RandomNormal({n, d}, 5);
    EXPECT_TRUE((LfaLoss(oracle, *evaluation, points, targets, nudged) > own_loss).all().item<bool>())
        << evaluated;
  }
}


// Gradient matching evaluates from the precomputed mean m and spread of the pulled-back gradients:
// E_pi ||J - w||^2 = E_pi ||J - m||^2 + ||m - w||^2. Checked against the direct weighted mean over
// the evaluator's own samples, with the pull-back written out by hand (identity for the Gaussian,
// x (.) s on the scale path with baseline 0), stated and unstated slopes alike.
TEST(LfaLoss, GradientMatchingEqualsTheDirectWeightedMeanOverTheSamples) {
  const int64_t n = 3, d = 4;
  Oracle oracle(AnalyticModel::Logistic(test::RandomNormal({d}, 21), 0.4));
  const PointBatch points = MakePointBatch(test::RandomUniform({n, d}, 0.2, 1.0, 22), 23);
  const torch::Tensor targets = Targets(0, n);
  const torch::Tensor slope = test::RandomNormal({n, d}, 24);
  torch::Tensor unstated = torch::zeros({n, d}, torch::kBool);
  unstated.index_put_({0, 1}, true);
  unstated.index_put_({2, 3}, true);
  for (const std::string method : {"smoothgrad", "integrated_gradients"}) {
    const auto evaluation = DefaultRegistry().Build(RecipeSpec(method, {.samples = 50}));
    const LfaLossEvaluator evaluator(oracle, *evaluation, points, targets);
    const LocalProblem& problem = evaluator.problem();
    const torch::Tensor w_stated = method == "smoothgrad" ? slope : slope * points.flat;
    const torch::Tensor total = problem.weights.sum(1);
    const torch::Tensor mean = (problem.responses * problem.weights.unsqueeze(2)).sum(1) /
                               total.unsqueeze(1);
    for (const bool with_unstated : {false, true}) {
      const torch::Tensor w = with_unstated ? torch::where(unstated, mean, w_stated) : w_stated;
      const torch::Tensor direct =
          ((problem.responses - w.unsqueeze(1)).square().sum(2) * problem.weights).sum(1) / total;
      const torch::Tensor loss = with_unstated ? evaluator.Evaluate(slope, unstated)
                                               : evaluator.Evaluate(slope);
      EXPECT_TRUE(AllClose(loss, direct, 1e-12 * (1 + test::MaxAbs(direct))))
          << method << (with_unstated ? " with unstated slopes" : "");
    }
  }
}

// f(x) = sigmoid(a.x + c) is in G for the logistic surrogate: the clime+logistic explanation is f
// itself, so its LFA loss is 0 over every neighbourhood, with every loss (delta responses too).
TEST(LfaLoss, ALogisticExplanationOfALogisticModelHasZeroLossEverywhere) {
  const int64_t n = 3, d = 4;
  const torch::Tensor a = test::RandomNormal({d}, 7);
  Oracle oracle(AnalyticModel::Logistic(a, -0.3));
  const PointBatch points = MakePointBatch(test::RandomUniform({n, d}, 0.2, 1.0, 8), 9);
  const torch::Tensor targets = Targets(0, n);
  nlohmann::json spec = RecipeSpec("clime", {.samples = 300});
  spec["surrogate"] = {{"type", "logistic"}, {"intercept", true}};
  const Explanation e = DefaultRegistry().Build(spec)->Explain(oracle, points, targets);
  EXPECT_TRUE(AllClose(e.attributions, a.unsqueeze(0).expand({n, d}), 1e-6));
  for (const std::string& evaluated : MethodNames()) {
    const auto evaluation = DefaultRegistry().Build(RecipeSpec(evaluated, {.samples = 200}));
    const LfaLossEvaluator evaluator(oracle, *evaluation, points, targets);
    const torch::Tensor loss = evaluator.EvaluateLogistic(e.attributions, points.flat, e.intercepts);
    EXPECT_LT(test::MaxAbs(loss), 1e-12) << "over " << evaluated;
    // A wrong slope is seen.
    EXPECT_GT(test::MaxAbs(evaluator.EvaluateLogistic(2 * e.attributions, points.flat, e.intercepts)),
              1e-8) << "over " << evaluated;
  }
}

}  // namespace
}  // namespace lfa
