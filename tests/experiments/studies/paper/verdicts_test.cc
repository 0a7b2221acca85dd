// The verdicts of `lfa reproduce paper` on hand-made results (hand_made_results.h), each worked out
// by hand, and each checked to change when the number it judges changes.

#include "experiments/studies/paper/verdicts.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/experiments/studies/paper/hand_made_results.h"

namespace lfa {
namespace {

class PaperVerdictsTest : public ::testing::Test {
 protected:
  PaperVerdictsTest() : dir_("verdicts") {
    test::WritePaperTinyReleased(dir_);
    released_ = ReadReleasedNumbers(dir_.path());
  }
  test::PaperScratchDirectory dir_;
  ReleasedNumbers released_;
  PaperResults results_ = test::PaperTinyResults();
  PaperModelResults& model() { return results_.models.front(); }
};

TEST_F(PaperVerdictsTest, DiagonalCountsCellsAtOrBelowTheReleasedOnes) {
  // lime 0.0240 vs 0.0240 (a tie counts), occlusion 0 vs 0.0001; off-diagonal cells do not count.
  DiagonalAgreement agreement = CompareDiagonal(results_, released_);
  EXPECT_EQ(agreement.compared, 2);
  EXPECT_EQ(agreement.at_or_below, 2);
  model().exp1[0].l1_mean = 0.0241;  // one unit of the last decimal above
  agreement = CompareDiagonal(results_, released_);
  EXPECT_EQ(agreement.at_or_below, 1);
  EXPECT_EQ(CompareDiagonal(results_, ReleasedNumbers()).compared, 0);
}

TEST_F(PaperVerdictsTest, SweepsFindTheFirstIncreaseTheLimitAndTheReleasedDifference) {
  const std::vector<SweepVerdict> sweeps = JudgeSweeps(results_, released_);
  ASSERT_EQ(sweeps.size(), 2u);
  const SweepVerdict& sigma = sweeps[0];
  EXPECT_EQ(sigma.sweep, kSigmaSweep);
  EXPECT_TRUE(sigma.never_increases);
  EXPECT_EQ(sigma.limit_l1, 0.01);
  EXPECT_EQ(sigma.largest_l1, 0.5);
  EXPECT_TRUE(sigma.limit_is_smallest);
  ASSERT_TRUE(sigma.released_never_increases);
  EXPECT_TRUE(*sigma.released_never_increases);
  ASSERT_TRUE(sigma.largest_difference);
  EXPECT_NEAR(*sigma.largest_difference, 0.1, 1e-15);  // 0.5 vs 0.4 at sigma 0.3
  EXPECT_EQ(sigma.largest_difference_at, 0.3);

  const SweepVerdict& low = sweeps[1];
  EXPECT_FALSE(low.never_increases);
  EXPECT_EQ(low.increase_from, 0.0);
  EXPECT_EQ(low.increase_to, 0.5);
  EXPECT_EQ(low.increase_l1_from, 0.1);
  EXPECT_EQ(low.increase_l1_to, 0.2);
  EXPECT_TRUE(low.limit_is_smallest);
  EXPECT_NEAR(*low.largest_difference, 0.2, 1e-15);  // 0.1 vs 0.3 at a = 0
  EXPECT_EQ(low.largest_difference_at, 0.0);

  // An equal step does not increase; a limit above an earlier step is not the smallest.
  model().exp1b[4].l1_median = 0.1;
  model().exp1b[5].l1_median = 0.1;
  EXPECT_TRUE(JudgeSweeps(results_, released_)[1].never_increases);
  model().exp1b[2].l1_median = 0.3;
  const SweepVerdict changed = JudgeSweeps(results_, released_)[0];
  EXPECT_FALSE(changed.never_increases);
  EXPECT_FALSE(changed.limit_is_smallest);
  EXPECT_EQ(changed.increase_from, 0.1);
  EXPECT_EQ(changed.increase_to, 0.01);
}

TEST_F(PaperVerdictsTest, SweepsWithoutReleasedNumbersHaveNoReleasedVerdict) {
  const SweepVerdict sigma = JudgeSweeps(results_, ReleasedNumbers())[0];
  EXPECT_FALSE(sigma.released_never_increases);
  EXPECT_FALSE(sigma.largest_difference);
}

TEST_F(PaperVerdictsTest, DeterministicComparesOnlyBinaryResultsOfDeterministicMethods) {
  // occlusion k = 1: 0.1 vs 0.1, k = 2: 0.3 vs 0.30002; lime's released number is not compared.
  DeterministicAgreement agreement = CompareDeterministic(results_, released_);
  EXPECT_EQ(agreement.compared, 2);
  EXPECT_NEAR(agreement.largest_difference, 2e-5, 1e-15);
  model().exp3[2].mean = 0.1001;
  EXPECT_NEAR(CompareDeterministic(results_, released_).largest_difference, 1e-4, 1e-15);
  EXPECT_TRUE(IsDeterministicInExp3("gradient_x_input"));
  EXPECT_FALSE(IsDeterministicInExp3("smoothgrad"));
}

TEST_F(PaperVerdictsTest, FamiliesAverageOverKAndMethods) {
  std::vector<FamilyComparison> families = CompareFamilies(results_);
  ASSERT_EQ(families.size(), 1u);
  EXPECT_NEAR(families[0].mask_mean, 0.3, 1e-15);      // (0.3 + 0.5 + 0.1 + 0.3) / 4
  EXPECT_NEAR(families[0].gradient_mean, 0.2, 1e-15);  // (0.1 + 0.2 + 0.2 + 0.3) / 4
  EXPECT_TRUE(families[0].mask_wins);                  // top-k: the larger gap
  for (PerturbationResult& r : model().exp3) r.ranking = "bottomk";
  families = CompareFamilies(results_);
  EXPECT_EQ(families[0].ranking, "bottomk");
  EXPECT_FALSE(families[0].mask_wins);  // bottom-k: the smaller gap
  for (PerturbationResult& r : model().exp3)
    if (r.method == "gradient") r.mean = 1.0;  // gradient mean (1 + 1 + 0.2 + 0.3) / 4 = 0.625
  EXPECT_TRUE(CompareFamilies(results_)[0].mask_wins);
}

TEST_F(PaperVerdictsTest, NoFreeLunchFindsTheDiagonalsExceptionsAndLogisticWins) {
  std::vector<NflModelVerdict> verdicts = JudgeNoFreeLunch(results_);
  ASSERT_EQ(verdicts.size(), 1u);
  const NflModelVerdict& v = verdicts[0];
  EXPECT_EQ(v.columns, 3);
  EXPECT_EQ(v.diagonal_wins, 2);
  EXPECT_EQ(v.largest_cell, 6.0);
  EXPECT_FALSE(v.has_logistic);
  EXPECT_FALSE(v.rounding_only());
  ASSERT_EQ(v.exceptions.size(), 1u);
  EXPECT_EQ(v.exceptions[0].column, "clime");
  EXPECT_EQ(v.exceptions[0].winner, "smoothgrad");
  EXPECT_EQ(v.exceptions[0].winner_loss, 0.099);
  EXPECT_EQ(v.exceptions[0].diagonal_loss, 0.1);
  EXPECT_EQ(v.exceptions[0].column_largest, 2.0);

  // A logistic variant below every composition of lime's column: reported apart, not a loss.
  model().nfl.push_back({"clime+logistic", "lime", "squared", true, 0.5, 0.01});
  verdicts = JudgeNoFreeLunch(results_);
  EXPECT_TRUE(verdicts[0].has_logistic);
  EXPECT_EQ(verdicts[0].logistic_wins, std::vector<std::string>{"lime"});
  EXPECT_EQ(verdicts[0].diagonal_wins, 2);

  // A winner below the diagonal by float error only is a tie, and ties win.
  model().nfl[1].mean = 0.1 - 1e-13;
  EXPECT_EQ(JudgeNoFreeLunch(results_)[0].diagonal_wins, 3);
  // Losses at float32 rounding.
  for (NflCell& cell : model().nfl) cell.mean *= 1e-9;
  EXPECT_TRUE(JudgeNoFreeLunch(results_)[0].rounding_only());
}

TEST_F(PaperVerdictsTest, ConvergenceRatesAreLogLogSlopes) {
  ConvergenceVerdict verdict = JudgeConvergence(results_, 100, 10000);
  ASSERT_EQ(verdict.rates.size(), 2u);
  EXPECT_EQ(verdict.rates[0].method, "lime");
  EXPECT_EQ(verdict.rates[0].models, std::vector<std::string>{"who tiny"});
  EXPECT_NEAR(verdict.rates[0].slowest(), -0.5, 1e-12);  // 0.1 -> 0.01 over 100 -> 10000
  EXPECT_TRUE(verdict.rates[0].root_rate());
  EXPECT_NEAR(verdict.rates[1].slowest(), std::log(0.5) / std::log(100.0), 1e-12);
  EXPECT_FALSE(verdict.rates[1].root_rate());
  EXPECT_TRUE(verdict.exact_models.empty());
  EXPECT_EQ(verdict.clime_models, 0);

  // A second model: exact everywhere, and C-LIME moving away from SmoothGrad on the first.
  PaperModelResults exact = test::PaperTinyModel();
  exact.model = "exact";
  for (ConvergenceResult& r : exact.convergence) r.l1_mean = 1e-6;
  results_.models.push_back(exact);
  for (const int64_t samples : {100, 10000})
    model().convergence.push_back(
        {"clime", "smoothgrad_same_samples", samples, samples == 100 ? 0.1 : 0.2, 0.0});
  verdict = JudgeConvergence(results_, 100, 10000);
  EXPECT_EQ(verdict.exact_models, std::vector<std::string>{"who exact"});
  EXPECT_EQ(verdict.rates[0].models.size(), 1u);  // the exact model does not enter a slope
  EXPECT_EQ(verdict.clime_models, 1);
  EXPECT_EQ(verdict.clime_not_approaching, std::vector<std::string>{"who tiny"});
  model().convergence.back().l1_mean = 0.05;
  EXPECT_TRUE(JudgeConvergence(results_, 100, 10000).clime_not_approaching.empty());
}

}  // namespace
}  // namespace lfa
