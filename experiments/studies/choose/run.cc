#include "experiments/studies/choose/run.h"

#include <memory>
#include <optional>
#include <sstream>

#include "experiments/report/progress.h"
#include "experiments/studies/choose/prose.h"
#include "explainers/builtin_registry.h"
#include "framework/errors.h"
#include "framework/lfa_explainer.h"
#include "metrics/lfa_loss.h"

namespace lfa {
namespace {

// Per-point loss [N] of one stated local model over the evaluator's neighbourhood.
torch::Tensor Score(const LfaLossEvaluator& evaluator, const CandidateSlope& s,
                    bool refit_unstated) {
  if (s.logistic) return evaluator.EvaluateLogistic(s.slope, s.anchor, s.intercept);
  return evaluator.Evaluate(s.slope, refit_unstated ? s.unstated : torch::Tensor());
}

void CheckFinite(const torch::Tensor& loss, const std::string& candidate,
                 const NeighbourhoodOfInterest& n) {
  const int64_t bad = (~torch::isfinite(loss)).sum().item<int64_t>();
  if (bad > 0)
    Fail("candidate '", candidate, "': its loss over ", n.Name(), " is not finite at ", bad,
         " point(s) (does the model return NaN or inf near these points?)");
}

// Index of the candidate that is `n`'s own composition, if any.
std::optional<size_t> FindOwn(const std::vector<Candidate>& candidates,
                              const NeighbourhoodOfInterest& n) {
  for (size_t j = 0; j < candidates.size(); ++j)
    if (!candidates[j].spec.is_null() && SameComposition(candidates[j].spec, n.spec)) return j;
  return std::nullopt;
}

}  // namespace

bool ChooseSettings::IsValid(std::string* error) const {
  std::ostringstream out;
  if (samples < 1) {
    out << "samples must be >= 1, got " << samples;
  } else if (evaluation_samples < 1) {
    out << "evaluation samples must be >= 1, got " << evaluation_samples;
  } else if (!(level > 0 && level < 1)) {
    out << "confidence level must be in (0, 1), got " << level;
  }
  if (out.str().empty()) return true;
  if (error) *error = out.str();
  return false;
}

std::vector<NeighbourhoodResult> RunChoose(
    Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
    const std::vector<NeighbourhoodOfInterest>& neighbourhoods,
    const std::vector<Candidate>& candidates, const ChooseSettings& settings) {
  std::string error;
  if (!settings.IsValid(&error)) throw InvalidInput(error);
  if (points.size() < 2)
    Fail("lfa choose needs at least 2 points (a standard error needs two), got ", points.size());
  if (neighbourhoods.empty()) Fail("lfa choose needs at least one neighbourhood of interest");
  const auto steps = static_cast<int64_t>(candidates.size() + neighbourhoods.size());
  std::optional<Progress> progress;
  if (settings.progress) progress.emplace("lfa choose", steps);
  int64_t done = 0;
  auto step = [&] {
    ++done;
    if (progress) progress->Update(done);
  };
  std::vector<CandidateSlope> fixed(candidates.size());
  for (size_t j = 0; j < candidates.size(); ++j) {
    if (!candidates[j].per_neighbourhood)
      fixed[j] = candidates[j].compute(oracle, points, targets, neighbourhoods.front());
    step();
  }
  std::vector<NeighbourhoodResult> results;
  for (const NeighbourhoodOfInterest& n : neighbourhoods) {
    nlohmann::json spec = n.spec;
    spec["samples"] = settings.evaluation_samples;
    const std::unique_ptr<LfaExplainer> evaluation = DefaultRegistry().Build(spec);
    const LfaLossEvaluator evaluator(oracle, *evaluation, points, targets);
    const torch::Tensor constant = evaluator.Evaluate(torch::zeros_like(points.flat));
    std::vector<ScoredEntry> entries;
    std::vector<torch::Tensor> losses;
    auto add = [&](const std::string& name, CandidateKind kind, bool own, const CandidateSlope& s) {
      torch::Tensor loss = Score(evaluator, s, settings.refit_unstated);
      CheckFinite(loss, name, n);
      entries.push_back({.candidate = name, .kind = kind, .own = own, .population = s.population});
      losses.push_back(loss);
    };
    const std::optional<size_t> own = FindOwn(candidates, n);
    if (!own) {
      const Candidate c = CompositionCandidate(n.spec, Concat(n.Name(), " (own)"),
                                               CandidateKind::kOwn, settings.samples);
      add(c.name, c.kind, true, c.compute(oracle, points, targets, n));
    }
    for (size_t j = 0; j < candidates.size(); ++j) {
      const Candidate& c = candidates[j];
      add(c.name, c.kind, own && *own == j,
          c.per_neighbourhood ? c.compute(oracle, points, targets, n) : fixed[j]);
    }
    NeighbourhoodOfInterest evaluated = n;
    evaluated.spec = spec;  // as evaluated: with the evaluation's sample count
    NeighbourhoodResult header{.neighbourhood = evaluated,
                               .evaluation_samples = settings.evaluation_samples,
                               .candidate_samples = settings.samples,
                               .level = settings.level};
    results.push_back(ScoreNeighbourhood(header, entries, torch::stack(losses), constant));
    step();
  }
  if (progress) progress->Finish();
  return results;
}

}  // namespace lfa
