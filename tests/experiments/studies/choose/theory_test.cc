// `lfa choose` against theory, on analytic models whose LFA solutions are known in closed form:
//   - f linear: every exact candidate ties at zero loss over every neighbourhood;
//   - f(x) = sum_i c_i x_i^3 over Gaussian noise of width sigma: the analytic LFA solution
//     s* = 3 c x^2 + 3 c sigma^2 (the mean gradient, = C-LIME's slope by Stein's lemma) ranks
//     first, C-LIME and SmoothGrad are reported as sharing it, and the gradient's slope gap
//     s* - grad f(x) = 3 c sigma^2 grows like sigma^2: its loss gap is exactly |3 c sigma^2|^2
//     under gradient matching and sigma^2 |3 c sigma^2|^2 under the squared loss;
//   - f additive, f(x) = sum_i g_i(x_i): f(b + m (x - b)) = const + sum_i m_i (g_i(x_i) - g_i(b_i))
//     is linear in the mask, so occlusion, KernelSHAP and mask-LIME all state it exactly: they tie
//     at zero over every mask neighbourhood (and the gradient, which is not exact there, does not).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "experiments/studies/choose/candidate.h"
#include "experiments/studies/choose/neighbourhood_of_interest.h"
#include "experiments/studies/choose/run.h"
#include "experiments/studies/choose/verdict.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "models/analytic_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

constexpr int64_t kD = 3;

std::vector<Candidate> Named(const std::vector<std::string>& names, int64_t samples) {
  std::vector<Candidate> candidates;
  for (const std::string& name : names) candidates.push_back(NamedCandidate(name, {kD}, samples));
  return candidates;
}

std::vector<NeighbourhoodOfInterest> Neighbourhoods(const std::vector<std::string>& names) {
  std::vector<NeighbourhoodOfInterest> list;
  for (const std::string& name : names) list.push_back(ParseNamedNeighbourhood(name, {kD}));
  return list;
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(ChooseTheory, OnALinearModelEveryExactCandidateTiesAtZero) {
  Oracle oracle(AnalyticModel::Linear(torch::tensor({1.5, -2.0, 0.5}, torch::kDouble), 0.25));
  // Away from the baseline 0, so that every multiplicative slope is stated.
  const torch::Tensor x = test::RandomUniform({12, kD}, 0.2, 1.0, 3);
  const auto candidates = Named(DefaultCandidateNames({kD}, false), 200);
  ASSERT_EQ(candidates.size(), 15u);  // 8 compositions, 7 classic forms
  const auto results =
      RunChoose(oracle, MakePointBatch(x, 0), Targets(0, 12),
                Neighbourhoods({"lime", "kernelshap", "occlusion", "clime", "smoothgrad",
                                "gradient", "integrated_gradients", "gradient_x_input"}),
                candidates, {.samples = 200, .evaluation_samples = 200, .progress = false});
  ASSERT_EQ(results.size(), 8u);
  for (const NeighbourhoodResult& r : results) {
    const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
    EXPECT_EQ(v.kind, VerdictKind::kTieAtZero)
        << r.neighbourhood.label << ": " << VerdictSentence(v);
    EXPECT_EQ(v.group.size(), r.scores.size())
        << r.neighbourhood.label << ": " << VerdictSentence(v);
    for (const CandidateScore& s : r.scores)
      EXPECT_LE(s.relative, kZeroRelativeLoss) << r.neighbourhood.label << " " << s.candidate;
    // The own composition is a named candidate here (the eight recipes are all candidates).
    ASSERT_NE(r.Own(), nullptr);
    EXPECT_EQ(r.Own()->candidate, r.neighbourhood.label);
  }
}

// f(x) = sum_i c_i x_i^3 and its mean gradient over N(x, sigma^2 I), 3 c (x^2 + sigma^2).
const std::vector<double> kCubic = {1.0, -0.5, 2.0};

std::shared_ptr<Model> Cubic() {
  const torch::Tensor c = torch::tensor(kCubic, torch::kDouble);
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{kD}, [c](const torch::Tensor& x) { return (c * x.pow(3)).sum(1, true); },
      "sum c x^3");
}

// The analytic LFA slope for the neighbourhood's sigma, stated as sharing the Gaussian
// compositions' population solution (which it is: the mean gradient).
Candidate AnalyticSlope() {
  Candidate analytic{.name = "analytic", .kind = CandidateKind::kGiven, .per_neighbourhood = true};
  analytic.compute = [](Oracle&, const PointBatch& points, const torch::Tensor&,
                        const NeighbourhoodOfInterest& n) {
    const double sigma = n.spec.at("neighbourhood").at("sigma").get<double>();
    const torch::Tensor c = torch::tensor(kCubic, torch::kDouble);
    CandidateSlope s;
    s.slope = 3 * c * (points.flat.square() + sigma * sigma);
    s.population = SpecPopulation(n.spec);
    return s;
  };
  return analytic;
}

TEST(ChooseTheory, OnACubicTheAnalyticSlopeRanksFirstAndCLimeSharesItWithSmoothGrad) {
  Oracle oracle(Cubic());
  const int64_t n = 100;
  const torch::Tensor x = test::RandomUniform({n, kD}, -1.0, 1.0, 5);
  std::vector<Candidate> candidates = {AnalyticSlope()};
  for (Candidate& c : Named(
           {"clime", "smoothgrad", "gradient", "gradient_classic", "lime", "integrated_gradients"},
           1000))
    candidates.push_back(c);
  const auto results = RunChoose(oracle, MakePointBatch(x, 0), Targets(0, n),
                                 Neighbourhoods({"clime", "smoothgrad"}), candidates,
                                 {.samples = 1000, .evaluation_samples = 1000, .progress = false});
  for (const NeighbourhoodResult& r : results) {
    const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
    EXPECT_EQ(r.scores.front().candidate, "analytic") << VerdictSentence(v);
    EXPECT_EQ(v.kind, VerdictKind::kSharedSolution) << VerdictSentence(v);
    EXPECT_TRUE(Contains(v.group, "clime") && Contains(v.group, "smoothgrad"))
        << VerdictSentence(v);
    EXPECT_FALSE(Contains(v.group, "gradient_classic")) << VerdictSentence(v);
    EXPECT_NE(VerdictSentence(v).find("Stein's lemma"), std::string::npos) << VerdictSentence(v);
  }
}

TEST(ChooseTheory, OnACubicTheGradientsGapGrowsLikeSigmaSquaredAcrossTheProfile) {
  Oracle oracle(Cubic());
  const int64_t n = 100;
  // |x| <= 0.5 keeps the evaluation's sampling error (~ |x| / (sigma sqrt(S)) of the gap per
  // coordinate, averaged over 300 coordinates) well inside the 5% tolerance.
  const torch::Tensor x = test::RandomUniform({n, kD}, -0.5, 0.5, 7);
  const auto neighbourhoods = ExpandProfile(Neighbourhoods({"smoothgrad", "clime"}),
                                            ParseWidthProfile("sigma:0.1..0.8:4"), {kD});
  ASSERT_EQ(neighbourhoods.size(), 8u);
  const auto results = RunChoose(oracle, MakePointBatch(x, 0), Targets(0, n), neighbourhoods,
                                 {AnalyticSlope(), NamedCandidate("gradient_classic", {kD}, 1000)},
                                 {.samples = 1000, .evaluation_samples = 2000, .progress = false});
  double c2 = 0;
  for (const double c : kCubic) c2 += c * c;
  for (const NeighbourhoodResult& r : results) {
    const double sigma = *r.neighbourhood.width;
    // |s* - grad f(x)|^2 = 9 sigma^4 |c|^2 at every point; the squared loss weighs it by
    // Cov(xi) = sigma^2 I.
    const bool matching = r.neighbourhood.label == "smoothgrad";
    const double expected = 9 * std::pow(sigma, matching ? 4 : 6) * c2;
    const double gap = r.Find("gradient_classic")->loss.mean - r.Find("analytic")->loss.mean;
    EXPECT_NEAR(gap / expected, 1.0, 0.05) << r.neighbourhood.Name() << ": gap " << gap;
    // The slope gap, sqrt(gap / Cov), is 3 sigma^2 |c|: it grows like sigma^2.
    const double slope_gap = std::sqrt(gap / (matching ? 1.0 : sigma * sigma));
    EXPECT_NEAR(slope_gap / (sigma * sigma), 3 * std::sqrt(c2), 0.03 * 3 * std::sqrt(c2))
        << r.neighbourhood.Name();
    EXPECT_EQ(r.scores.front().candidate, "analytic") << r.neighbourhood.Name();
  }
  // The profile verdicts see it too: the analytic slope is the best named candidate at every width.
  for (const ProfileVerdict& p : JudgeProfiles(results)) {
    EXPECT_TRUE(p.changes.empty()) << ProfileSentence(p);
    EXPECT_EQ(p.steps.front().best_named, "analytic") << ProfileSentence(p);
  }
}

TEST(ChooseTheory, OnAnAdditiveModelTheMaskMethodsAreEquallyFaithfulOverMaskNeighbourhoods) {
  // f(x) = sin(2 x_0) + x_1^2 + exp(x_2): additive, not linear.
  auto additive = std::make_shared<AnalyticModel>(
      std::vector<int64_t>{kD},
      [](const torch::Tensor& x) {
        return (torch::sin(2 * x.select(1, 0)) + x.select(1, 1).square() +
                torch::exp(x.select(1, 2)))
            .unsqueeze(1);
      },
      "additive");
  Oracle oracle(additive);
  const torch::Tensor x = test::RandomUniform({20, kD}, 0.3, 1.5, 11);
  const auto results = RunChoose(
      oracle, MakePointBatch(x, 0), Targets(0, 20),
      Neighbourhoods({"lime", "kernelshap", "occlusion"}),
      Named({"lime", "kernelshap", "occlusion", "occlusion_classic", "gradient", "smoothgrad"},
            500),
      {.samples = 500, .evaluation_samples = 500, .progress = false});
  for (const NeighbourhoodResult& r : results) {
    const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
    EXPECT_EQ(v.kind, VerdictKind::kTieAtZero) << VerdictSentence(v);
    for (const std::string exact : {"lime", "kernelshap", "occlusion", "occlusion_classic"})
      EXPECT_TRUE(Contains(v.group, exact)) << exact << ": " << VerdictSentence(v);
    EXPECT_FALSE(Contains(v.group, "gradient")) << VerdictSentence(v);
    EXPECT_GT(r.Find("gradient")->relative, 1e-4) << r.neighbourhood.label;
  }
}

}  // namespace
}  // namespace lfa
