// The plumbing of the image no-free-lunch matrix and its sample sweep
// (experiments/studies/images/nfl.h) on a tiny analytic model of 2 x 2 "images", where the
// answers follow from theory: re-explaining with the columns' own sample count reproduces the
// matrix exactly, rows not swept keep their losses bit for bit, and more samples bring C-LIME's
// estimate closer to its population solution.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "experiments/studies/images/nfl.h"
#include "framework/oracle.h"
#include "models/analytic_model.h"

namespace lfa {
namespace {

// f(x) = sum_i x_i^3 on [1, 2, 2] images: the odd part of f(x + xi) - f(x - xi) keeps xi^3, so
// even antithetic C-LIME has a residual, and its estimate has variance.
std::shared_ptr<AnalyticModel> Cubic() {
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{1, 2, 2},
      [](const torch::Tensor& x) { return x.pow(3).flatten(1).sum(1, true); }, "sum of cubes");
}

struct TinyProblem {
  Oracle oracle{Cubic()};
  torch::Tensor images = torch::tensor({0.2, 0.5, 0.9, 0.4, 0.7, 0.1, 0.3, 0.6}, torch::kDouble)
                             .reshape({2, 1, 2, 2});
  PointBatch batch = MakePointBatch(images, /*seed=*/3);
  torch::Tensor targets = torch::zeros({2}, torch::kLong);
  // Columns with many fresh samples (the loss differences below must exceed the evaluation's
  // noise), rows explained with few (kRowSamples = 8 antithetic pairs for 4 pixels: full rank).
  static constexpr int64_t kRowSamples = 16;
  std::vector<NflRecipe> columns = {
      {{"clime_s0.5", "clime", 0.5}, RecipeOptions{.samples = 4096, .sigma = 0.5}},
      {{"smoothgrad_s0.5", "smoothgrad", 0.5}, RecipeOptions{.samples = 4096, .sigma = 0.5}}};
  NflSlopes rows;
  TinyProblem() {
    for (NflRecipe c : columns) {
      c.options.samples = kRowSamples;
      rows[c.id.name] = {c.id, ExplainNflSlope(c, oracle, batch, targets)};
    }
  }
};

double Loss(const NflMatrix& m, const std::string& row, size_t column) {
  return m.loss[m.RowOf(row)][column].mean;
}

TEST(ImageNflSweep, TheColumnsOwnSampleCountReproducesTheMatrixExactly) {
  TinyProblem s;
  const NflSweepRows same = ExplainNflSweep(s.columns, s.rows, {"clime", "smoothgrad"}, s.kRowSamples,
                                            s.oracle, s.batch, s.targets, "test");
  EXPECT_EQ(same.samples, s.kRowSamples);
  EXPECT_EQ(same.swept, (std::vector<std::string>{"clime_s0.5", "smoothgrad_s0.5"}));
  const auto matrices = EvaluateNfl(s.columns, {&s.rows, &same.rows}, s.oracle, s.batch, s.targets,
                                    "test");
  ASSERT_EQ(matrices.size(), 2u);
  for (const std::string row : {"clime_s0.5", "smoothgrad_s0.5"})
    for (size_t c = 0; c < 2; ++c) EXPECT_EQ(Loss(matrices[1], row, c), Loss(matrices[0], row, c));
  EXPECT_EQ(matrices[0].column_losses, (std::vector<std::string>{"squared", "gradient_matching"}));
}

TEST(ImageNflSweep, RowsNotSweptKeepTheirLossesAndMoreSamplesApproachThePopulation) {
  TinyProblem s;
  const NflSweepRows more = ExplainNflSweep(s.columns, s.rows, {"clime"}, 20000, s.oracle, s.batch,
                                            s.targets, "test");
  EXPECT_EQ(more.swept, (std::vector<std::string>{"clime_s0.5"}));
  const auto matrices = EvaluateNfl(s.columns, {&s.rows, &more.rows}, s.oracle, s.batch, s.targets,
                                    "test");
  for (size_t c = 0; c < 2; ++c)  // the evaluation's samples are shared: identical losses
    EXPECT_EQ(Loss(matrices[1], "smoothgrad_s0.5", c), Loss(matrices[0], "smoothgrad_s0.5", c));
  // C-LIME's population slope for sum x^3 under N(0, s^2): E[xi f(x + xi)] / s^2 = 3 x^2 + 3 s^2.
  const torch::Tensor population = 3 * s.images.flatten(1).pow(2) + 3 * 0.25;
  const double error16 = (s.rows.at("clime_s0.5").second - population).abs().max().item<double>();
  const double error20k = (more.rows.at("clime_s0.5").second - population).abs().max().item<double>();
  EXPECT_LT(error20k, 0.2 * error16);
  // ... and its loss over its own column (column 0) falls toward the population minimum: the
  // expected excess at 8 pairs is s_odd^2 D / (m - D - 1) = 4/3 of the odd residual's variance
  // sum_i Var(xi^3 - 3 s^2 xi) = 4 * 6 s^6 = 0.375, far above the 4096 samples' noise (~0.03).
  EXPECT_LT(Loss(matrices[1], "clime_s0.5", 0), Loss(matrices[0], "clime_s0.5", 0));
}

}  // namespace
}  // namespace lfa
