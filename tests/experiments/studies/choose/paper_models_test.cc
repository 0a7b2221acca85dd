// `lfa choose` on the paper's models agrees with the diagonal of `reproduce paper`'s no-free-lunch
// matrix (experiments/studies/paper/run.cc, RunNfl): both score the eight compositions'
// explanations with LfaLossEvaluator over each composition's neighbourhood, on the same 100 points
// with the same seed. Over each neighbourhood the matrix's diagonal is the composition built for
// it; `lfa choose` agrees with it when the composition is among the choices of the neighbourhood's
// verdict: it wins its neighbourhood outright, or it is tied with the winner (zero loss), or it
// shares the winner's population solution (C-LIME and SmoothGrad, Stein's lemma), which is where
// the matrix's diagonal loses its column on estimation noise (report.md of `reproduce paper`).
// Skipped without LFA_DATA_DIR.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "experiments/data/paper_data.h"
#include "experiments/studies/choose/candidate.h"
#include "experiments/studies/choose/neighbourhood_of_interest.h"
#include "experiments/studies/choose/run.h"
#include "experiments/studies/choose/verdict.h"
#include "explainers/recipes.h"
#include "framework/oracle.h"
#include "models/torchscript_model.h"

namespace lfa {
namespace {

class ChoosePaperModels : public ::testing::TestWithParam<std::pair<std::string, std::string>> {
 protected:
  void SetUp() override {
    const auto dir = DataDirFromEnvironment();
    if (!dir) GTEST_SKIP() << "LFA_DATA_DIR with lfa-paper/ not set: skipping the paper models";
    dir_ = *dir;
  }
  std::string dir_;
};

TEST_P(ChoosePaperModels, EveryCompositionIsAChoiceOverItsOwnNeighbourhood) {
  const auto& [dataset, model] = GetParam();
  Oracle oracle(LoadModel(PaperModelPath(dir_, dataset, model)));
  const torch::Tensor x = LoadPaperPoints(dir_, dataset);
  const std::vector<int64_t> shape = {x.size(1)};
  std::vector<Candidate> candidates;
  std::vector<NeighbourhoodOfInterest> neighbourhoods;
  for (const std::string& method : MethodNames()) {
    candidates.push_back(NamedCandidate(method, shape, 1000));
    neighbourhoods.push_back(ParseNamedNeighbourhood(method, shape));
  }
  const auto results =
      RunChoose(oracle, MakePointBatch(x, 0), Targets(0, x.size(0)), neighbourhoods, candidates,
                {.samples = 1000, .evaluation_samples = 1000, .progress = false});
  ASSERT_EQ(results.size(), MethodNames().size());
  for (const NeighbourhoodResult& r : results) {
    const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
    const std::string& own = r.neighbourhood.label;
    ASSERT_NE(r.Own(), nullptr) << own;
    EXPECT_EQ(r.Own()->candidate, own) << "the eight recipes include the own composition";
    const std::vector<std::string> chosen = v.Chosen();
    EXPECT_NE(std::find(chosen.begin(), chosen.end(), own), chosen.end())
        << dataset << "_" << model << ": " << VerdictSentence(v);
    // Where the diagonal loses its column, it loses to the composition that shares its solution.
    if (v.best != own && v.kind != VerdictKind::kTieAtZero) {
      EXPECT_TRUE(r.Find(v.best)->population.Shares(r.Own()->population) ||
                  v.kind == VerdictKind::kUndecided)
          << dataset << "_" << model << ": " << VerdictSentence(v);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Paper, ChoosePaperModels,
    ::testing::Values(std::make_pair("who", "linear"), std::make_pair("who", "ffnnA"),
                      std::make_pair("heloc", "logistic"), std::make_pair("heloc", "ffnnA")),
    [](const auto& info) { return info.param.first + "_" + info.param.second; });

}  // namespace
}  // namespace lfa
