// The report of `lfa reproduce paper` on hand-made results: its tables set our numbers beside the
// released ones, and every verdict sentence follows the numbers it states (each test changes a
// number and checks that the sentence changes with it).

#include "experiments/studies/paper/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/studies/paper/report_text.h"
#include "experiments/studies/paper/verdicts.h"
#include "tests/experiments/studies/paper/hand_made_results.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PaperReportTest : public ::testing::Test {
 protected:
  PaperReportTest() : dir_("report") {
    test::WritePaperTinyReleased(dir_);
    released_ = ReadReleasedNumbers(dir_.path());
  }
  test::PaperScratchDirectory dir_;
  ReleasedNumbers released_;
  PaperResults results_ = test::PaperTinyResults();
  PaperModelResults& model() { return results_.models.front(); }
};

TEST_F(PaperReportTest, TablesSetOursBesideTheReleasedNumbers) {
  const std::string report = PaperReport(results_, released_, {{"nfl.png", "the matrix"}});
  EXPECT_THAT(report,
              HasSubstr("`lfa reproduce paper --samples 1000 --seed 0`: 1 models x 10 points"));
  EXPECT_THAT(report, HasSubstr("Whole run: 1.5 s on 2 thread(s). Released numbers: `" +
                                dir_.path() + "`."));
  EXPECT_THAT(report,
              HasSubstr("| who | tiny | lime | 0.0240 | 0.0240 | 0.0000 | 0.0004 | 0.0005 |\n"));
  EXPECT_THAT(report, HasSubstr("Diagonal L1 at or below the released value: 2 of 2 cells."));
  EXPECT_THAT(report, HasSubstr("| who | tiny | ig_low_vs_gradient_x_input | 0.5 | 0.2000 | 0.2000 "
                                "| 0.0000 | 0.0000 |\n"));
  EXPECT_THAT(report,
              HasSubstr("| who | tiny | lfa | lime | w_x | 0.0000 | 0.0000 | 0.0000 | 0.0000 |\n"));
  EXPECT_THAT(
      report,
      HasSubstr(
          "| who | tiny | occlusion | topk binary | 1 | 0.10000 (0.01000) | 0.10000 | 0.0000 |\n"));
  EXPECT_THAT(report, HasSubstr("| who | tiny | topk binary | 0.30000 | 0.20000 | mask |\n"));
  EXPECT_THAT(
      report,
      HasSubstr(
          "| who | tiny | 6 | 2 / 3 | clime: smoothgrad, 0.099 vs 0.1;  | (regression: none) |\n"));
  EXPECT_THAT(
      report,
      HasSubstr("| who | tiny | lime | exact_enumeration | 0.100000 | 0.031623 | 0.010000 |\n"));
  EXPECT_THAT(report, HasSubstr("## Plots\n\n![the matrix](nfl.png)\n"));
  EXPECT_THAT(PaperReport(results_, released_, {}), Not(HasSubstr("## Plots")));

  const std::string alone = PaperReport(results_, ReleasedNumbers(), {});
  EXPECT_THAT(alone, HasSubstr("Released numbers: not found (pass --reference-dir)."));
  EXPECT_THAT(alone, HasSubstr("No released numbers to compare the diagonal with."));
  EXPECT_THAT(alone, HasSubstr("| who | tiny | lime | 0.0240 |  |  | 0.0004 |  |\n"));
}

TEST_F(PaperReportTest, DiagonalSentenceFollowsTheCount) {
  model().exp1[0].l1_mean = 0.0300;
  EXPECT_THAT(Exp1Section(results_, released_),
              HasSubstr("Diagonal L1 at or below the released value: 1 of 2 cells."));
}

TEST_F(PaperReportTest, SweepSentencesFollowTheSweeps) {
  std::string text = SweepVerdictText(JudgeSweeps(results_, released_));
  EXPECT_THAT(text, HasSubstr("Sweeps whose median L1 never increases towards the limit: 1 of 2."));
  EXPECT_THAT(text, HasSubstr("It first increases at: who tiny ig_low_vs_gradient_x_input (a 0 -> "
                              "0.5: 0.1000 -> 0.2000)."));
  EXPECT_THAT(text, HasSubstr("The released medians increase on 0 of these 1 sweeps too."));
  EXPECT_THAT(text, Not(HasSubstr("property of f")));
  EXPECT_THAT(
      text, HasSubstr("The limit has the smallest median L1 of its sweep on 2 of 2 sweeps; at the "
                      "limit the median L1 is at most 25.00% of the largest along its sweep "
                      "(who tiny ig_low_vs_gradient_x_input: 0.0500 against 0.2000)."));
  EXPECT_THAT(text, HasSubstr("Largest difference to a released median: 0.2000 (who tiny "
                              "ig_low_vs_gradient_x_input at 0)."));

  // The released sweep increases at the same step too: the bump belongs to f.
  dir_.Write("exp1b.csv",
             "dataset,model,sweep,value,l1_median,cosine_median\n"
             "who,tiny,ig_low_vs_gradient_x_input,0,0.1000,0.0000\n"
             "who,tiny,ig_low_vs_gradient_x_input,0.5,0.2100,0.0000\n"
             "who,tiny,ig_low_vs_gradient_x_input,0.95,0.0500,0.0000\n");
  text = SweepVerdictText(JudgeSweeps(results_, ReadReleasedNumbers(dir_.path())));
  EXPECT_THAT(text, HasSubstr("The released medians increase on 1 of these 1 sweeps too: the exact "
                              "solves here and the released SGD fits find the same bumps"));

  // No increase: no list of increases, and the count says so.
  model().exp1b[4].l1_median = 0.05;
  text = SweepVerdictText(JudgeSweeps(results_, released_));
  EXPECT_THAT(text, HasSubstr("never increases towards the limit: 2 of 2."));
  EXPECT_THAT(text, Not(HasSubstr("It first increases")));
}

TEST_F(PaperReportTest, DeterministicSentenceFollowsTheLargestDifference) {
  EXPECT_THAT(DeterministicVerdictText({2, 0.0}),
              HasSubstr("k: 0.00000. All 2 equal the released numbers"));
  EXPECT_THAT(DeterministicVerdictText({2, 1e-5}), HasSubstr("up to one unit of the last decimal"));
  EXPECT_THAT(DeterministicVerdictText(CompareDeterministic(results_, released_)),
              HasSubstr("k: 0.00002. They differ beyond rounding"));
  EXPECT_THAT(DeterministicVerdictText({0, 0.0}), HasSubstr("No released binary results"));
}

TEST_F(PaperReportTest, FamilySentenceFollowsTheWinners) {
  EXPECT_EQ(
      FamilyVerdictText(CompareFamilies(results_)),
      "The mask family wins topk binary on 1 of 1 models. On every model each family wins the "
      "tests whose perturbation resembles its own neighbourhood (masks set features to 0, "
      "gradients see small Gaussian noise): the paper's pattern.");
  for (PerturbationResult& r : model().exp3)
    if (r.method == "gradient") r.mean = 1.0;
  const std::string text = FamilyVerdictText(CompareFamilies(results_));
  EXPECT_THAT(text, HasSubstr("wins topk binary on 0 of 1 models."));
  EXPECT_THAT(text, HasSubstr("holds on 0 of 1 model-tests; it breaks on who tiny topk binary."));
}

TEST_F(PaperReportTest, NoFreeLunchExplainsOnlyTheExceptionsThatOccurred) {
  std::string text = NoFreeLunchVerdictText(JudgeNoFreeLunch(results_), 1000);
  EXPECT_THAT(text, HasSubstr("own 1000-sample fit"));
  EXPECT_THAT(text, HasSubstr("The diagonal loses 1 of 3 columns (models above float32 rounding): "
                              "clime's column to smoothgrad on 1 model (by at most 1.00%)."));
  EXPECT_THAT(text, HasSubstr("Stein's lemma"));
  EXPECT_THAT(text, Not(HasSubstr("Shapley kernel")));
  EXPECT_THAT(
      text,
      HasSubstr("the worst composition's loss is 20.2 to 20.2 times the winner's: small margins"));

  // The same matrix under other names: the exception is KernelSHAP's column, won by LIME.
  for (NflCell& cell : model().nfl)
    for (std::string* name : {&cell.explainer, &cell.neighbourhood})
      *name = *name == "clime" ? "kernelshap" : *name == "smoothgrad" ? "lime" : "occlusion";
  text = NoFreeLunchVerdictText(JudgeNoFreeLunch(results_), 1000);
  EXPECT_THAT(text, HasSubstr("kernelshap's column to lime"));
  EXPECT_THAT(text, HasSubstr("Shapley kernel"));
  EXPECT_THAT(text, Not(HasSubstr("Stein's lemma")));

  model().nfl[1].mean = 0.2;  // the diagonal now wins its column
  text = NoFreeLunchVerdictText(JudgeNoFreeLunch(results_), 1000);
  EXPECT_EQ(
      text,
      "The diagonal wins every column of every model whose losses are above float32 rounding.");

  for (NflCell& cell : model().nfl) cell.mean *= 1e-9;
  text = NoFreeLunchVerdictText(JudgeNoFreeLunch(results_), 1000);
  EXPECT_THAT(text, HasSubstr("On who tiny (largest cell 6e-09) every cell is at most 1e-08"));
  EXPECT_THAT(text, Not(HasSubstr("The diagonal")));
}

TEST_F(PaperReportTest, ConvergenceSentencesFollowTheRates) {
  std::string text = ConvergenceVerdictText(results_, JudgeConvergence(results_, 100, 10000));
  EXPECT_THAT(
      text,
      HasSubstr("| lime | exact_enumeration | 1 | -0.50 to -0.50 | 1/sqrt(samples) or faster |\n"));
  EXPECT_THAT(
      text,
      HasSubstr("| kernelshap | exact_enumeration | 1 | -0.15 to -0.15 | slower: levels off |\n"));
  EXPECT_THAT(text, HasSubstr("lime vs exact_enumeration shrink like 1/sqrt(samples) or faster"));
  // d = 3 features: each coalition has probability 2^-3.
  EXPECT_THAT(text, HasSubstr("(probability 2^-3 each, 2^-2 together)"));

  for (ConvergenceResult& r : model().convergence)
    if (r.method == "kernelshap") r.l1_mean = 0.1 * 100.0 / static_cast<double>(r.samples);
  text = ConvergenceVerdictText(results_, JudgeConvergence(results_, 100, 10000));
  EXPECT_THAT(
      text,
      HasSubstr(
          "| kernelshap | exact_enumeration | 1 | -1.00 to -1.00 | 1/sqrt(samples) or faster |"));
  EXPECT_THAT(text, Not(HasSubstr("levels off")));
  EXPECT_THAT(ConvergenceDesignText(results_), HasSubstr("all 2^d masks (who, d = 3), C-LIME"));
}

}  // namespace
}  // namespace lfa
