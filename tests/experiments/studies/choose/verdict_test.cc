// The statistics and verdicts of `lfa choose` on hand-made losses: every expected value is worked
// out from the formulas of paired_comparison.h and verdict.h, not read from the code.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "experiments/studies/choose/paired_comparison.h"
#include "experiments/studies/choose/results.h"
#include "experiments/studies/choose/verdict.h"
#include "framework/errors.h"

namespace lfa {
namespace {

torch::Tensor T(std::vector<double> v) { return torch::tensor(v, torch::kDouble); }

TEST(ChooseStatistics, StudentQuantilesAreTheTabulatedOnes) {
  EXPECT_NEAR(StudentQuantile(0.95, 1), 12.7062047, 1e-6);
  EXPECT_NEAR(StudentQuantile(0.95, 3), 3.1824463, 1e-6);
  EXPECT_NEAR(StudentQuantile(0.95, 99), 1.9842170, 1e-6);
  EXPECT_NEAR(StudentQuantile(0.99, 10), 3.1692727, 1e-6);
  EXPECT_THROW(StudentQuantile(1.0, 3), InvalidInput);
  EXPECT_THROW(StudentQuantile(0.95, 0), InvalidInput);
}

TEST(ChooseStatistics, PairedDifferenceIsTheTIntervalOfThePerPointDifferences) {
  // d = (1, 2, 3, 6): mean 3, sample variance (4 + 1 + 0 + 9) / 3 = 14/3.
  const PairedDifference d = ComparePaired(T({2, 4, 6, 10}), T({1, 2, 3, 4}), 0.95);
  const double sem = std::sqrt(14.0 / 3.0) / 2.0;
  EXPECT_DOUBLE_EQ(d.mean, 3.0);
  EXPECT_NEAR(d.sem, sem, 1e-12);
  EXPECT_NEAR(d.low, 3.0 - 3.1824463 * sem, 1e-6);
  EXPECT_NEAR(d.high, 3.0 + 3.1824463 * sem, 1e-6);
  EXPECT_EQ(d.points, 4);
  // t sem = 3.1824463 * 1.0801234 = 3.4375 > 3: the interval contains 0 at 4 points ...
  EXPECT_FALSE(d.Resolved());
  // ... and n = ceil((t s / mean)^2) = ceil((3.1824463 * 2.1602469 / 3)^2) = ceil(5.2516) = 6
  // points would resolve a difference of this size.
  ASSERT_TRUE(d.points_needed.has_value());
  EXPECT_EQ(*d.points_needed, 6);
  // Identical losses: no number of points separates them.
  const PairedDifference same = ComparePaired(T({1, 2}), T({1, 2}), 0.95);
  EXPECT_FALSE(same.Resolved());
  EXPECT_FALSE(same.points_needed.has_value());
  // d = (1, 2, 3, 4): sem = sqrt(5/3)/2 = 0.6455, t sem = 2.0543 < 2.5: resolved.
  EXPECT_TRUE(ComparePaired(T({2, 4, 6, 8}), T({1, 2, 3, 4}), 0.95).Resolved());
  EXPECT_THROW(ComparePaired(T({1}), T({1}), 0.95), InvalidInput);
  EXPECT_THROW(ComparePaired(T({1, 2}), T({1, 2, 3}), 0.95), InvalidInput);
}

TEST(ChooseStatistics, WinSharesSplitTiesAndSumToOne) {
  // Rows are candidates: c0 = (1, 2, 3), c1 = (5, 2.05, 1), c2 = (9, 7, 0.5). Point 0: c0 wins;
  // point 1: c0 and c1 tie (within 0.1); point 2: c2 wins.
  const torch::Tensor losses = T({1, 2, 3, 5, 2.05, 1, 9, 7, 0.5}).reshape({3, 3});
  const torch::Tensor shares = WinShares(losses, T({0.1, 0.1, 0.1}));
  EXPECT_NEAR(shares[0].item<double>(), (1 + 0.5) / 3, 1e-12);
  EXPECT_NEAR(shares[1].item<double>(), 0.5 / 3, 1e-12);
  EXPECT_NEAR(shares[2].item<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(shares.sum().item<double>(), 1.0, 1e-12);
}

// Three candidates at four points: a (best), b, c; the constant model's loss is 10 everywhere.
NeighbourhoodResult Scored(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& c,
                           const PopulationSolution& pa = {}, const PopulationSolution& pb = {}) {
  NeighbourhoodResult header;
  header.neighbourhood.label = "smoothgrad";
  header.evaluation_samples = 1000;
  header.level = 0.95;
  const std::vector<ScoredEntry> entries = {{.candidate = "a", .population = pa},
                                            {.candidate = "b", .own = true, .population = pb},
                                            {.candidate = "c"}};
  return ScoreNeighbourhood(header, entries, torch::stack({a, b, c}),
                            torch::full({4}, 10.0, torch::kDouble));
}

TEST(ChooseVerdict, ARunnerUpWhoseIntervalExcludesZeroGivesAClearChoice) {
  const torch::Tensor a = T({1, 2, 3, 4});
  const NeighbourhoodResult r = Scored(a, a + T({1, 1.1, 0.9, 1}), a + 5);
  ASSERT_EQ(r.scores.size(), 3u);
  EXPECT_EQ(r.scores[0].candidate, "a");
  EXPECT_EQ(r.scores[0].rank, 1);
  EXPECT_DOUBLE_EQ(r.scores[0].relative, 2.5 / 10);
  EXPECT_EQ(r.scores[1].candidate, "b");
  EXPECT_NEAR(r.scores[1].to_best.mean, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(r.scores[0].win_share, 1.0);
  const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
  EXPECT_EQ(v.kind, VerdictKind::kClear);
  EXPECT_EQ(v.Chosen(), std::vector<std::string>{"a"});
  EXPECT_EQ(v.own, "b");
  EXPECT_EQ(v.own_rank, 2);
  const std::string sentence = VerdictSentence(v);
  EXPECT_NE(sentence.find("choose `a`"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("loss 2.5 ±"), std::string::npos) << sentence;  // mean of a
  EXPECT_NE(sentence.find("by 1 ("), std::string::npos) << sentence;      // the paired gap
  EXPECT_NE(sentence.find("100% of the points"), std::string::npos) << sentence;
  EXPECT_NE(sentence.find("ranks 2"), std::string::npos) << sentence;
}

TEST(ChooseVerdict, AnIntervalContainingZeroSaysHowManyPointsWouldTellThemApart) {
  const torch::Tensor a = T({1, 2, 3, 4});
  // d = (0.5, -0.4, 0.6, -0.5): mean 0.05, s = sqrt(sum (d - 0.05)^2 / 3).
  const NeighbourhoodResult r = Scored(a, a + T({0.5, -0.4, 0.6, -0.5}), a + 5);
  const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
  EXPECT_EQ(v.kind, VerdictKind::kUndecided);
  EXPECT_EQ(v.Chosen(), (std::vector<std::string>{"a", "b"}));
  const double s = std::sqrt((0.45 * 0.45 + 0.45 * 0.45 + 0.55 * 0.55 + 0.55 * 0.55) / 3);
  const auto needed = static_cast<int64_t>(std::ceil(std::pow(3.1824463 * s / 0.05, 2)));
  ASSERT_TRUE(v.gap.points_needed.has_value());
  EXPECT_EQ(*v.gap.points_needed, needed);
  const std::string sentence = VerdictSentence(v);
  EXPECT_NE(sentence.find("cannot be told apart at 4 points x 1000 samples"), std::string::npos)
      << sentence;
  EXPECT_NE(sentence.find("about " + std::to_string(needed) + " points"), std::string::npos)
      << sentence;
}

TEST(ChooseVerdict, ASharedPopulationSolutionNamesNoWinner) {
  const torch::Tensor a = T({1, 2, 3, 4});
  const PopulationSolution stein{"mean gradient", "Stein's lemma"};
  const NeighbourhoodResult r = Scored(a, a + T({1, 1.1, 0.9, 1}), a + 5, stein, stein);
  const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
  EXPECT_EQ(v.kind, VerdictKind::kSharedSolution);
  EXPECT_EQ(v.Chosen(), (std::vector<std::string>{"a", "b"}));
  const std::string sentence = VerdictSentence(v);
  EXPECT_NE(sentence.find("same population solution (Stein's lemma)"), std::string::npos)
      << sentence;
  EXPECT_EQ(sentence.find("choose `a`"), std::string::npos) << sentence;
}

TEST(ChooseVerdict, LossesAtRoundingLevelTieAtZero) {
  const torch::Tensor tiny = T({1e-12, 2e-12, 1e-12, 0});
  const NeighbourhoodResult r = Scored(tiny, tiny * 2, T({1, 1, 1, 1}));
  const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
  EXPECT_EQ(v.kind, VerdictKind::kTieAtZero);
  EXPECT_EQ(v.Chosen(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r.scores[0].zero && r.scores[1].zero && !r.scores[2].zero);
  // Ties at every point share it: a and b split the four points.
  EXPECT_NEAR(r.scores[0].win_share, 0.5, 1e-12);
  EXPECT_NE(VerdictSentence(v).find("2 of 3 candidates tie at zero loss"), std::string::npos);
}

TEST(ChooseVerdict, AProfileReportsWhereTheBestNamedCandidateChanges) {
  std::vector<NeighbourhoodResult> results;
  const std::vector<double> widths = {0.01, 0.1, 1.0};
  for (size_t k = 0; k < widths.size(); ++k) {
    NeighbourhoodResult header;
    header.neighbourhood = {
        .label = "smoothgrad", .width_kind = WidthKind::kSigma, .width = widths[k]};
    // "gradient" is best at the smallest width, "smoothgrad" at the others; own is first at k = 2.
    const double g = k == 0 ? 1 : 3, s = 2, own = k == 2 ? 0.5 : 2.5;
    const std::vector<ScoredEntry> entries = {
        {.candidate = "own", .kind = CandidateKind::kOwn, .own = true},
        {.candidate = "gradient"},
        {.candidate = "smoothgrad"}};
    const torch::Tensor losses =
        torch::tensor({own, own + 0.1, g, g + 0.1, s, s + 0.1}, torch::kDouble).reshape({3, 2});
    results.push_back(
        ScoreNeighbourhood(header, entries, losses, torch::full({2}, 10.0, torch::kDouble)));
  }
  const std::vector<ProfileVerdict> profiles = JudgeProfiles(results);
  ASSERT_EQ(profiles.size(), 1u);
  const ProfileVerdict& p = profiles.front();
  ASSERT_EQ(p.steps.size(), 3u);
  EXPECT_EQ(p.steps[0].best_named, "gradient");
  EXPECT_EQ(p.steps[1].best_named, "smoothgrad");
  EXPECT_EQ(p.changes, std::vector<size_t>{1});
  EXPECT_TRUE(p.steps[2].own_first);
  const std::string sentence = ProfileSentence(p);
  EXPECT_NE(sentence.find("is `gradient` at sigma 0.01, then `smoothgrad` from sigma 0.1 to 1 "
                          "(the best choice changes 1 time)"),
            std::string::npos)
      << sentence;
  EXPECT_NE(sentence.find("ranks first at 1 of 3 widths"), std::string::npos) << sentence;
}

TEST(ChooseVerdict, AProfileDoesNotCountASwitchWithinOnePopulationSolutionAsAChange) {
  const PopulationSolution mean_gradient{"mean gradient", "Stein's lemma"};
  std::vector<NeighbourhoodResult> results;
  const std::vector<std::string> best = {"smoothgrad", "smoothgrad_classic", "gradient"};
  for (size_t k = 0; k < best.size(); ++k) {
    NeighbourhoodResult header;
    header.neighbourhood = {.label = "smoothgrad",
                            .width_kind = WidthKind::kSigma,
                            .width = 0.1 * static_cast<double>(k + 1)};
    const std::vector<ScoredEntry> entries = {
        {.candidate = best[k], .population = k < 2 ? mean_gradient : PopulationSolution{}},
        {.candidate = "lime"}};
    const torch::Tensor losses = T({1, 1.1, 2, 2.1}).reshape({2, 2});
    results.push_back(
        ScoreNeighbourhood(header, entries, losses, torch::full({2}, 10.0, torch::kDouble)));
  }
  const ProfileVerdict p = JudgeProfiles(results).front();
  EXPECT_EQ(p.changes, std::vector<size_t>{2});
  EXPECT_NE(
      ProfileSentence(p).find("is `smoothgrad` from sigma 0.1 to 0.2 (or `smoothgrad_classic`: "
                              "one population solution), then `gradient` at sigma 0.3"),
      std::string::npos)
      << ProfileSentence(p);
}

}  // namespace
}  // namespace lfa
