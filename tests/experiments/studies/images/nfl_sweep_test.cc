// The image no-free-lunch sample sweep read into typed rows and verdicts
// (experiments/studies/images/nfl_sweep.h), from hand-made matrices whose answers are worked out
// by hand, and the tables a run writes with and without the sweep (tables.h).

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/studies/images/nfl_sweep.h"
#include "experiments/studies/images/results.h"
#include "experiments/studies/images/tables.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MetricSummary LossOf(double mean) {
  MetricSummary s;
  s.mean = mean;
  return s;
}

// Rows and columns: clime_s0.1, lime_p4, smoothgrad_s0.1 (rows by name). loss[r][c], columns in
// the order lime_p4, clime_s0.1, smoothgrad_s0.1.
NflMatrix Matrix(const std::vector<std::vector<double>>& loss) {
  NflMatrix m;
  m.rows = {{"clime_s0.1", "clime", 0.1}, {"lime_p4", "lime", 0.0},
            {"smoothgrad_s0.1", "smoothgrad", 0.1}};
  m.columns = {{"lime_p4", "lime", 0.0}, {"clime_s0.1", "clime", 0.1},
               {"smoothgrad_s0.1", "smoothgrad", 0.1}};
  m.column_losses = {"squared", "squared", "gradient_matching"};
  for (const auto& row : loss) {
    m.loss.emplace_back();
    for (double v : row) m.loss.back().push_back(LossOf(v));
  }
  return m;
}

// One model, 784 pixels, the sweep's points with C-LIME's own-column loss `clime` and the
// SmoothGrad row's loss `smoothgrad` in that column (the other cells fixed: lime and smoothgrad
// win their own columns).
ImageStudyResults Swept(const std::vector<int64_t>& samples, const std::vector<double>& clime,
                        const std::vector<double>& smoothgrad) {
  ImageStudyResults r;
  r.options.samples = 1000;
  r.options.nfl_samples = samples;
  r.features = 784;
  ImageModelResult m;
  m.model.name = "cnn";
  m.nfl = Matrix({{5, clime[0], 4}, {1, 9, 9}, {6, smoothgrad[0], 1}});
  for (size_t i = 0; i < samples.size(); ++i)
    m.nfl_sweep.push_back({samples[i], {"clime_s0.1", "smoothgrad_s0.1"},
                           Matrix({{5, clime[i], 4}, {1, 9, 9}, {6, smoothgrad[i], 1}}),
                           10.0 * static_cast<double>(i + 1)});
  r.models.push_back(m);
  return r;
}

TEST(ExcessFactor, LeastSquaresVarianceLawPerUnitResidualVariance) {
  // Antithetic: m = n / 2 pairs; D / (m - D - 1).
  EXPECT_DOUBLE_EQ(ExcessFactor(4000, 784, true), 784.0 / (2000 - 785));
  EXPECT_DOUBLE_EQ(ExcessFactor(1572, 784, true), 784.0);  // m = 786: one spare pair
  EXPECT_TRUE(std::isnan(ExcessFactor(1570, 784, true)));  // m = 785 = D + 1: the law fails
  EXPECT_TRUE(std::isnan(ExcessFactor(1000, 784, true)));  // rank-deficient (500 pairs)
  // Independent draws: m = n - 1 (one spent on the intercept).
  EXPECT_DOUBLE_EQ(ExcessFactor(1000, 784, false), 784.0 / (999 - 785));
  EXPECT_TRUE(ClimeIsAntithetic());  // the recipes pair their Gaussian noise (recipes.cc)
}

TEST(FitExcessLaw, RecoversAnExactLineAndRefusesTooFewPoints) {
  const ExcessLawFit fit = FitExcessLaw({0.5, 0.1, 0.01}, {2 + 3 * 0.5, 2 + 3 * 0.1, 2 + 3 * 0.01});
  EXPECT_NEAR(fit.limit, 2.0, 1e-12);
  EXPECT_NEAR(fit.scale, 3.0, 1e-12);
  const ExcessLawFit two = FitExcessLaw({0.5, 0.25}, {3.0, 2.0});
  EXPECT_NEAR(two.limit, 1.0, 1e-12);
  EXPECT_NEAR(two.scale, 4.0, 1e-12);
  EXPECT_TRUE(std::isnan(FitExcessLaw({0.5}, {3.0}).limit));
  EXPECT_TRUE(std::isnan(FitExcessLaw({0.5, 0.5}, {3.0, 2.0}).scale));
}

TEST(SummarizeNflSweep, OneRowPerCountOfTheCLimeColumnFromTheMatrix) {
  // At 1000: C-LIME 4, SmoothGrad 1 -> SmoothGrad wins, ratio 4, the diagonal wins 2 of 3.
  // At 8000: C-LIME 0.5, SmoothGrad 1 -> the diagonal wins, ratio 1, 3 of 3.
  const auto rows = SummarizeNflSweep(Swept({1000, 8000}, {4, 0.5}, {1, 1}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].model, "cnn");
  EXPECT_EQ(rows[0].column, "clime_s0.1");
  EXPECT_EQ(rows[0].samples, 1000);
  EXPECT_DOUBLE_EQ(rows[0].seconds, 10.0);
  EXPECT_DOUBLE_EQ(rows[0].diagonal_loss, 4.0);
  EXPECT_EQ(rows[0].best_row, "smoothgrad_s0.1");
  EXPECT_DOUBLE_EQ(rows[0].best_loss, 1.0);
  EXPECT_DOUBLE_EQ(rows[0].ratio, 4.0);
  EXPECT_EQ(rows[0].diagonal_wins, 2);
  EXPECT_EQ(rows[0].columns, 3);
  EXPECT_FALSE(rows[0].determined);  // 500 pairs < 784 pixels
  EXPECT_EQ(rows[1].best_row, "clime_s0.1");
  EXPECT_DOUBLE_EQ(rows[1].ratio, 1.0);
  EXPECT_EQ(rows[1].diagonal_wins, 3);
  EXPECT_TRUE(rows[1].determined);
  EXPECT_TRUE(SummarizeNflSweep(Swept({}, {4}, {1})).empty());
}

TEST(NflSweepVerdict, FollowsTheRatiosAndTheWinner) {
  const std::string falls = NflSweepVerdict(Swept({1000, 8000}, {4, 0.5}, {1, 1}));
  EXPECT_THAT(falls, HasSubstr("ratio is 4.000 (1000), 1.000 (8000); it falls toward 1 at every step"));
  EXPECT_THAT(falls, HasSubstr("At 8000 samples the diagonal wins its column"));
  EXPECT_THAT(falls, HasSubstr("falls toward 1 at every step in 1 and the diagonal wins at the "
                               "largest count in 1"));
  // Only one full-rank count: the law is not fitted.
  EXPECT_THAT(falls, HasSubstr("needs two counts with a full-rank fit (n / 2 > 785); this sweep has 1"));
  const std::string rises = NflSweepVerdict(Swept({1000, 8000}, {2, 3}, {1, 1}));
  EXPECT_THAT(rises, HasSubstr("it does not fall"));
  EXPECT_THAT(rises, HasSubstr("loses its column to smoothgrad_s0.1"));
  EXPECT_THAT(rises, HasSubstr("in 0 and the diagonal wins at the largest count in 0"));
  const std::string bumpy = NflSweepVerdict(Swept({1000, 2000, 8000}, {3, 4, 2}, {1, 1, 1}));
  EXPECT_THAT(bumpy, HasSubstr("it falls overall, not at every step"));
  EXPECT_TRUE(NflSweepVerdict(Swept({}, {4}, {1})).empty());
}

TEST(NflSweepVerdict, TheLawFittedToTheSmallerCountsPredictsTheLargest) {
  // Diagonal losses exactly on the law L* + s^2 x with L* = 1, s^2 = 0.5: the prediction is exact.
  const std::vector<int64_t> counts = {2000, 4000, 8000};
  std::vector<double> clime;
  for (int64_t n : counts) clime.push_back(1.0 + 0.5 * ExcessFactor(n, 784, true));
  const std::string md = NflSweepVerdict(Swept(counts, clime, {0.9, 0.9, 0.9}));
  EXPECT_THAT(md, HasSubstr("Fitted to the 3 full-rank counts, L* + s^2 D / (m - D - 1) gives L* = "));
  EXPECT_THAT(md, HasSubstr("not below the best row's loss at 8000 (0.9)"));
  EXPECT_THAT(md, HasSubstr("the law predicts"));
  EXPECT_THAT(md, HasSubstr("(the prediction is 0.0%"));
  // A measured value off the law by 10% at the largest count shows as such.
  clime.back() *= 1.1;
  EXPECT_THAT(NflSweepVerdict(Swept(counts, clime, {0.9, 0.9, 0.9})), Not(HasSubstr("0.0%")));
}

TEST(ImageStudyTables, WithoutASweepNoSweepFilesAndTheNflTableIsTheSame) {
  const ImageStudyResults without = Swept({}, {4}, {1});
  const ImageStudyResults with = Swept({1000, 8000}, {4, 0.5}, {1, 1});
  EXPECT_FALSE(HasNflSweep(without));
  EXPECT_TRUE(HasNflSweep(with));
  EXPECT_EQ(ImageNflTable(with).rows, ImageNflTable(without).rows);
  EXPECT_EQ(ImageMetricsTable(with).rows, ImageMetricsTable(without).rows);
  const TextTable sweep = ImageNflSweepTable(with);
  ASSERT_EQ(sweep.rows.size(), 2u);
  EXPECT_EQ(sweep.rows[0], (std::vector<std::string>{"cnn", "1000", "10.0", "clime_s0.1", "4",
                                                     "smoothgrad_s0.1", "1", "4", "2", "3", "false"}));
  EXPECT_EQ(ImageNflSweepMatrixTable(with).rows.size(), 2u * 9u);

  std::string name = "lfa_image_sweep_tables_";
  name += std::to_string(::getpid());
  const std::filesystem::path out = std::filesystem::temp_directory_path() / name;
  std::filesystem::create_directories(out);
  WriteImageStudyTables(out.string(), without);
  EXPECT_TRUE(std::filesystem::exists(out / "nfl.csv"));
  EXPECT_FALSE(std::filesystem::exists(out / "nfl_sweep.csv"));
  EXPECT_FALSE(std::filesystem::exists(out / "nfl_sweep_matrix.csv"));
  WriteImageStudyTables(out.string(), with);
  EXPECT_TRUE(std::filesystem::exists(out / "nfl_sweep.csv"));
  EXPECT_TRUE(std::filesystem::exists(out / "nfl_sweep_matrix.csv"));
  test::RemoveTree(out.string());
}

}  // namespace
}  // namespace lfa
