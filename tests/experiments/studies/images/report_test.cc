// The image study's report and tables (experiments/studies/images/report.h, tables.h) from
// hand-made results: the bold cells and ratios follow the numbers, the CSV rows come in the
// documented order with six significant digits.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/studies/images/report.h"
#include "experiments/studies/images/results.h"
#include "experiments/studies/images/tables.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MetricSummary Summary(double mean, double sem = 0.0) {
  MetricSummary s;
  s.mean = mean;
  s.sem = sem;
  return s;
}

ExplainerScores Scores(const std::string& name, double deletion, double insertion) {
  ExplainerScores e;
  e.explainer = name;
  for (ImageMetric metric : kImageMetrics) e.Get(metric) = Summary(1.0, 0.5);
  e.Get(ImageMetric::kDeletionAuc) = Summary(deletion, 0.01);
  e.Get(ImageMetric::kInsertionAuc) = Summary(insertion, 0.02);
  return e;
}

// Two explanations (gradient, lime_p4), both also columns; lime_p4 wins its column 2:1.
ImageStudyResults Study(double lime_deletion) {
  ImageStudyResults r;
  r.options.points = 4;
  r.options.samples = 200;
  r.features = 784;
  r.top_fraction = 0.1;
  r.top_k = 78;
  r.insertion_blur = 5.0;
  r.background_fraction = 0.5;
  ImageModelResult m;
  m.model = {"cnn", 0.8916, 29.06, true};
  m.scores = {Scores("gradient", 0.2, 0.6), Scores("lime", lime_deletion, 0.8)};
  m.nfl.rows = {{"gradient", "gradient"}, {"lime_p4", "lime"}};
  m.nfl.columns = {{"gradient", "gradient"}, {"lime_p4", "lime"}};
  m.nfl.column_losses = {"gradient_matching", "squared"};
  m.nfl.loss = {{Summary(1.5, 0.1), Summary(4.0, 0.2)}, {Summary(3.0, 0.3), Summary(2.0, 0.4)}};
  m.montages = {"heatmaps/cnn_0.png"};
  r.models.push_back(m);
  return r;
}

TEST(ImageStudyReport, TheBestMeanOfEachMetricIsBold) {
  // Infidelity and the gaps tie at 1: the first row (gradient) is bold.
  const std::string md = ImageStudyReport(Study(0.1));
  EXPECT_THAT(md, HasSubstr("| cnn | 0.8916 | 29.1 | zoo cache |\n"));
  EXPECT_THAT(md, HasSubstr("| gradient | 0.2 +/- 0.01 | 0.6 +/- 0.02 | **1 +/- 0.5** | "
                            "**1 +/- 0.5** | **1 +/- 0.5** |\n"));
  EXPECT_THAT(md, HasSubstr("| lime | **0.1 +/- 0.01** | **0.8 +/- 0.02** | 1 +/- 0.5 | "
                            "1 +/- 0.5 | 1 +/- 0.5 |\n"));
  // A larger deletion AUC for lime moves that bold cell (lower is better) to gradient.
  const std::string changed = ImageStudyReport(Study(0.3));
  EXPECT_THAT(changed, HasSubstr("| gradient | **0.2 +/- 0.01** | 0.6 +/- 0.02 | **1 +/- 0.5** |"));
  EXPECT_THAT(changed, HasSubstr("| lime | 0.3 +/- 0.01 | **0.8 +/- 0.02** | 1 +/- 0.5 |"));
}

TEST(ImageStudyReport, NflCellsAreLossOverTheColumnMinimum) {
  const std::string md = ImageStudyReport(Study(0.1));
  EXPECT_THAT(md, HasSubstr("| explainer \\ neighbourhood | gradient | lime_p4 |\n"));
  EXPECT_THAT(md, HasSubstr("| gradient | **1.00** (diag) | 2.00 |\n"));
  EXPECT_THAT(md, HasSubstr("| lime_p4 | 2.00 | **1.00** (diag) |\n"));
  EXPECT_THAT(md, HasSubstr("The diagonal wins 2 of 2 columns."));
  EXPECT_THAT(md, HasSubstr("![cnn heatmaps/cnn_0.png](heatmaps/cnn_0.png)"));
  EXPECT_THAT(md, HasSubstr("`lfa study images --points 4 --samples 200 --seed 0 --patch 4"));
}

TEST(ImageStudyReport, ALosingDiagonalIsBoldNoMore) {
  ImageStudyResults r = Study(0.1);
  r.models[0].nfl.loss[1][1] = Summary(8.0);  // lime_p4 over its own column: now 2x gradient's 4
  const std::string md = ImageStudyReport(r);
  EXPECT_THAT(md, HasSubstr("| gradient | **1.00** (diag) | **1.00** |\n"));
  EXPECT_THAT(md, HasSubstr("| lime_p4 | 2.00 | 2.00 (diag) |\n"));
  EXPECT_THAT(md, HasSubstr("The diagonal wins 1 of 2 columns. Where it does not:"));
  EXPECT_THAT(md, HasSubstr("- cnn, column lime_p4: won by gradient; the diagonal is 2.000x the best\n"));
}

TEST(ImageStudyTables, MetricsRowsInMetricOrderWithSixDigits) {
  ImageStudyResults r = Study(0.1234567);
  const TextTable t = ImageMetricsTable(r);
  EXPECT_EQ(t.header, (std::vector<std::string>{"model", "explainer", "metric", "mean", "sem"}));
  ASSERT_EQ(t.rows.size(), 10u);  // 2 explainers x 5 metrics
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"cnn", "gradient", "deletion_auc", "0.2", "0.01"}));
  EXPECT_EQ(t.rows[5], (std::vector<std::string>{"cnn", "lime", "deletion_auc", "0.123457", "0.01"}));
  EXPECT_EQ(t.rows[9][2], "bottomk_binary_gap");
  EXPECT_EQ(t.rows[8][2], "topk_binary_gap");
}

TEST(ImageStudyTables, NflRowsColumnByColumn) {
  const TextTable t = ImageNflTable(Study(0.1));
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"fashion_mnist", "cnn", "gradient", "gradient",
                                                 "gradient_matching", "1.5", "0.1"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"fashion_mnist", "cnn", "lime_p4", "gradient",
                                                 "gradient_matching", "3", "0.3"}));
  EXPECT_EQ(t.rows[2], (std::vector<std::string>{"fashion_mnist", "cnn", "gradient", "lime_p4",
                                                 "squared", "4", "0.2"}));
}

TEST(ImageMetric, NamesAndDirections) {
  EXPECT_EQ(ImageMetricName(ImageMetric::kDeletionAuc), "deletion_auc");
  EXPECT_EQ(ImageMetricName(ImageMetric::kInsertionAuc), "insertion_auc");
  EXPECT_EQ(ImageMetricName(ImageMetric::kInfidelity), "infidelity");
  EXPECT_FALSE(HigherIsBetter(ImageMetric::kDeletionAuc));
  EXPECT_TRUE(HigherIsBetter(ImageMetric::kInsertionAuc));
  EXPECT_FALSE(HigherIsBetter(ImageMetric::kInfidelity));
  EXPECT_TRUE(HigherIsBetter(ImageMetric::kTopKGap));
  EXPECT_FALSE(HigherIsBetter(ImageMetric::kBottomKGap));
}

}  // namespace
}  // namespace lfa
