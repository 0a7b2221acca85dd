// The image study's verdicts (experiments/studies/images/verdicts.h) from hand-made results: each
// verdict follows the numbers it talks about, and changes when they change.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/studies/images/results.h"
#include "experiments/studies/images/verdicts.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MetricSummary Mean(double mean, double sem = 0.0) {
  MetricSummary s;
  s.mean = mean;
  s.sem = sem;
  return s;
}

// Rows and columns: lime_p4, clime_s0.1, smoothgrad_s0.1 (each also a column). loss[r][c].
NflMatrix ThreeByThree(const std::vector<std::vector<double>>& loss) {
  NflMatrix m;
  m.rows = {{"clime_s0.1", "clime", 0.1}, {"lime_p4", "lime", 0.0},
            {"smoothgrad_s0.1", "smoothgrad", 0.1}};
  m.columns = {{"lime_p4", "lime", 0.0}, {"clime_s0.1", "clime", 0.1},
               {"smoothgrad_s0.1", "smoothgrad", 0.1}};
  m.column_losses = {"squared", "squared", "gradient_matching"};
  for (const auto& row : loss) {
    m.loss.emplace_back();
    for (double v : row) m.loss.back().push_back(Mean(v));
  }
  return m;
}

ImageStudyResults OneModel(const NflMatrix& nfl) {
  ImageStudyResults r;
  r.options.samples = 1000;
  r.options.points = 16;
  r.features = 784;
  r.top_fraction = 0.1;
  r.top_k = 78;
  ImageModelResult m;
  m.model.name = "cnn";
  m.nfl = nfl;
  r.models.push_back(m);
  return r;
}

TEST(JudgeNflColumns, TheDiagonalWinsWhereItsLossIsSmallest) {
  // Every diagonal cell smallest in its column.
  const auto v = JudgeNflColumns(ThreeByThree({{5, 1, 4}, {1, 9, 9}, {6, 2, 1}}));
  ASSERT_EQ(v.size(), 3u);
  for (const auto& c : v) EXPECT_TRUE(c.diagonal_wins);
  EXPECT_EQ(v[0].best_row, 1);  // lime_p4 is row 1
  EXPECT_EQ(v[0].diagonal_row, 1);
  EXPECT_DOUBLE_EQ(v[0].diagonal_ratio, 1.0);
  EXPECT_DOUBLE_EQ(v[0].best_loss, 1.0);
}

TEST(JudgeNflColumns, ALossChangeMovesTheWinnerAndTheRatio) {
  // Column clime_s0.1: clime 3, lime 9, smoothgrad 1.5 -> smoothgrad at the same sigma wins.
  const auto v = JudgeNflColumns(ThreeByThree({{5, 3, 4}, {1, 9, 9}, {6, 1.5, 1}}));
  EXPECT_FALSE(v[1].diagonal_wins);
  EXPECT_EQ(v[1].best_row, 2);
  EXPECT_DOUBLE_EQ(v[1].diagonal_ratio, 2.0);
  EXPECT_TRUE(v[1].shared_solution);
  // Lime wins the clime column instead: not the shared population solution.
  const auto w = JudgeNflColumns(ThreeByThree({{5, 3, 4}, {1, 0.5, 9}, {6, 1.5, 1}}));
  EXPECT_EQ(w[1].best_row, 1);
  EXPECT_FALSE(w[1].shared_solution);
  EXPECT_DOUBLE_EQ(w[1].diagonal_ratio, 6.0);
}

TEST(JudgeNflColumns, SmoothGradAtAnotherSigmaIsNotTheSharedSolution) {
  NflMatrix m = ThreeByThree({{5, 3, 4}, {1, 9, 9}, {6, 1.5, 1}});
  m.rows[2].sigma = 0.2;
  EXPECT_FALSE(JudgeNflColumns(m)[1].shared_solution);
}

TEST(JudgeNflColumns, TiesAtThePublishedPrecisionGoToTheFirstRow) {
  // 1.0000001 and 1.0000002 both publish as "1": row 0 (clime) keeps column 0.
  const auto v = JudgeNflColumns(ThreeByThree({{1.0000002, 1, 1}, {1.0000001, 1, 1}, {2, 2, 2}}));
  EXPECT_EQ(v[0].best_row, 0);
  EXPECT_DOUBLE_EQ(v[0].diagonal_ratio, 1.0);
  EXPECT_DOUBLE_EQ(PublishedValue(0.1234567), 0.123457);
  EXPECT_TRUE(std::isnan(PublishedValue(std::numeric_limits<double>::quiet_NaN())));
}

TEST(JudgeNflColumns, AColumnWithoutItsOwnRowHasNoDiagonal) {
  NflMatrix m = ThreeByThree({{5, 1, 4}, {1, 9, 9}, {6, 2, 1}});
  m.columns[0].name = "lime_p7";
  const auto v = JudgeNflColumns(m);
  EXPECT_EQ(v[0].diagonal_row, -1);
  EXPECT_FALSE(v[0].diagonal_wins);
  EXPECT_TRUE(std::isnan(v[0].diagonal_ratio));
}

TEST(NflVerdict, AllDiagonalWinsSayItWinsEveryColumn) {
  const std::string text = NflVerdict(OneModel(ThreeByThree({{5, 1, 4}, {1, 9, 9}, {6, 2, 1}})));
  EXPECT_THAT(text, HasSubstr("The diagonal wins 3 of 3 columns. It wins every column"));
  EXPECT_THAT(text, Not(HasSubstr("Where it does not")));
  EXPECT_THAT(text, Not(HasSubstr("Stein")));
  // Each row wins one column: the most one explanation wins is 1 of 3.
  EXPECT_THAT(text, HasSubstr("the most columns one explanation wins is 1 of 3 (clime_s0.1 on cnn)"));
}

TEST(NflVerdict, ASteinExceptionIsListedWithItsRatioAndExplained) {
  const std::string text = NflVerdict(OneModel(ThreeByThree({{5, 3, 4}, {1, 9, 9}, {6, 1.5, 1}})));
  EXPECT_THAT(text, HasSubstr("The diagonal wins 2 of 3 columns. Where it does not:"));
  EXPECT_THAT(text, HasSubstr("- cnn, column clime_s0.1: won by smoothgrad_s0.1; the diagonal is "
                              "2.000x the best (the same population solution by Stein's lemma, "
                              "estimated from gradients instead of a 785-coefficient regression)"));
  EXPECT_THAT(text, HasSubstr("an estimate from 1000 samples. C-LIME fits 785 coefficients"));
  EXPECT_THAT(text, HasSubstr("in the 1 C-LIME column it wins, C-LIME's own explanation has 2.000 "
                              "times its loss"));
  EXPECT_THAT(text, HasSubstr("Every other column is won by its own composition."));
  EXPECT_THAT(text, HasSubstr("wins is 2 of 3 (smoothgrad_s0.1 on cnn)"));
}

TEST(NflVerdict, AnUnexplainedExceptionIsNotCoveredByTheSteinNote) {
  // lime_p4 wins the clime column: no shared population solution, so no Stein note and no claim
  // that every other column is won by its own composition.
  const std::string text = NflVerdict(OneModel(ThreeByThree({{5, 3, 4}, {1, 0.5, 9}, {6, 1.5, 1}})));
  EXPECT_THAT(text, HasSubstr("won by lime_p4; the diagonal is 6.000x the best\n"));
  EXPECT_THAT(text, Not(HasSubstr("Stein")));
  EXPECT_THAT(text, Not(HasSubstr("Every other column")));
  EXPECT_THAT(text, HasSubstr("1 exception is not explained by a shared population solution."));
}

TEST(NflVerdict, TheCoefficientCountFollowsThePixelCount) {
  ImageStudyResults r = OneModel(ThreeByThree({{5, 3, 4}, {1, 9, 9}, {6, 1.5, 1}}));
  r.features = 3 * 32 * 32;
  EXPECT_THAT(NflVerdict(r), HasSubstr("C-LIME fits 3073 coefficients"));
}

TEST(NflVerdict, OneRowBestEverywhereIsReported) {
  const std::string text = NflVerdict(OneModel(ThreeByThree({{5, 3, 4}, {1, 2, 2}, {6, 4, 3}})));
  EXPECT_THAT(text, HasSubstr("lime_p4 on cnn is best over every neighbourhood"));
  EXPECT_THAT(text, Not(HasSubstr("No single explanation")));
}

ImageStudyResults WithScores(double ig_share, double ig_gap, double lime_share) {
  ImageStudyResults r = OneModel({});
  r.background_fraction = 0.5;
  ExplainerScores ig;
  ig.explainer = "integrated_gradients";
  ig.Get(ImageMetric::kBottomKGap) = Mean(ig_gap);
  ig.bottomk_at_baseline = ig_share;
  ExplainerScores lime;
  lime.explainer = "lime";
  lime.Get(ImageMetric::kBottomKGap) = Mean(0.3);
  lime.bottomk_at_baseline = lime_share;
  r.models[0].scores = {lime, ig};
  return r;
}

TEST(BackgroundVerdict, NamesTheMethodsWhoseBottomKIsBackground) {
  const std::string text = BackgroundVerdict(WithScores(1.0, 0.0, 0.25));
  EXPECT_THAT(text, HasSubstr("Reading the table: 50.0% of the pixels of the 16 explained images are 0"));
  EXPECT_THAT(text, HasSubstr("On cnn, all bottom-10% pixels are background for "
                              "integrated_gradients (gap 0); for the other methods at most 25.0% are."));
}

TEST(BackgroundVerdict, ChangesWhenTheSharesChange) {
  EXPECT_THAT(BackgroundVerdict(WithScores(0.95, 0.001, 0.25)),
              HasSubstr("On cnn, most are for integrated_gradients (95.0%, gap 0.001); for the "
                        "other methods at most 25.0% are."));
  EXPECT_THAT(BackgroundVerdict(WithScores(0.5, 0.2, 0.25)),
              HasSubstr("On cnn, no method's bottom-10% pixels are mostly background (at most 50.0%)."));
}

TEST(CamSmoothingVerdict, EqualOnlyWithinTheTolerance) {
  ImageStudyResults r = OneModel({});
  EXPECT_EQ(CamSmoothingVerdict(r), "");  // no CAMs on the model
  r.models[0].cam_smoothing_difference = 9.5e-7;
  EXPECT_THAT(CamSmoothingVerdict(r),
              HasSubstr("On cnn Smooth Grad-CAM++ equals Grad-CAM++ up to float32 rounding (the "
                        "maps differ by at most 9.5e-07 of the largest value)"));
  r.models[0].cam_smoothing_difference = 0.125;
  const std::string differs = CamSmoothingVerdict(r);
  EXPECT_THAT(differs, HasSubstr("differs from Grad-CAM++ by up to 0.125 of the largest map value (12.5%)"));
  EXPECT_THAT(differs, Not(HasSubstr("equals")));
}

}  // namespace
}  // namespace lfa
