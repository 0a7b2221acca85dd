#include "experiments/studies/roar/roar_verdict.h"

#include <algorithm>

#include "experiments/report/markdown.h"

namespace lfa {
namespace {

std::string MethodTitle(const std::string& method) {
  return method == "smoothgrad_squared" ? "SG-SQ" : method == "vargrad" ? "VarGrad" : method;
}

RemovalOutcome Outcome(const RoarResults& results, const std::vector<RandomComparison>& comparisons,
                       const std::string& method, const std::string& removal, double fraction) {
  RemovalOutcome outcome;
  const auto it = std::find_if(comparisons.begin(), comparisons.end(), [&](const auto& c) {
    return c.removal == removal && c.mode == "roar" && c.method == method;
  });
  if (it == comparisons.end()) return outcome;
  for (size_t i = 0; i < it->differences.size(); ++i) {
    if (it->differences[i].first != fraction) continue;
    outcome.run = true;
    outcome.difference = it->differences[i].second;
    outcome.standard_error = it->standard_errors[i];
    outcome.accuracy = results.Curve("roar", method, removal)->at(fraction).mean;
  }
  outcome.verdict = it->verdict;
  return outcome;
}

LeakageSupport Support(const EnsembleVerdict& v) {
  if (!v.mean.run || !v.road.run || std::isnan(v.leakage)) return LeakageSupport::kUndetermined;
  if (v.mean.verdict == VersusRandom::kBeats) return LeakageSupport::kNoDisagreement;
  const bool road_beats = v.road.verdict == VersusRandom::kBeats;
  if (road_beats) return v.leakage_high ? LeakageSupport::kLeakage : LeakageSupport::kRoadWithoutLeak;
  return v.leakage_high ? LeakageSupport::kNotLeakage : LeakageSupport::kNeither;
}

// "beats random (-0.123 +/- 0.010 at t = 0.9)".
std::string OutcomeText(const RemovalOutcome& o, double fraction) {
  std::string text = o.verdict == VersusRandom::kIndistinguishable ? "is indistinguishable from random"
                                                                  : VersusRandomText(o.verdict);
  text += " (accuracy ";
  text += Format(o.accuracy, 3);
  text += ", ";
  text += o.difference >= 0 ? "+" : "";
  text += Format(o.difference, 3);
  text += " +/- ";
  text += Format(o.standard_error, 3);
  text += " against random at t = ";
  text += FormatG(fraction);
  text += ")";
  return text;
}

}  // namespace

std::vector<EnsembleVerdict> EnsembleVerdicts(const RoarResults& results,
                                              const std::vector<double>& fractions) {
  std::vector<EnsembleVerdict> verdicts;
  if (fractions.empty()) return verdicts;
  const double largest = *std::max_element(fractions.begin(), fractions.end());
  const std::vector<RandomComparison> comparisons =
      CompareWithRandom(results, {"smoothgrad_squared", "vargrad"});
  for (const std::string method : {"smoothgrad_squared", "vargrad"}) {
    if (results.Curve("roar", method, "mean") == nullptr && results.Curve("roar", method, "road") == nullptr)
      continue;
    EnsembleVerdict v{.method = method, .fraction = largest};
    v.mean = Outcome(results, comparisons, method, "mean", largest);
    v.road = Outcome(results, comparisons, method, "road", largest);
    if (const MaskLeakage* l = results.Leakage(method, largest)) v.leakage = l->test_accuracy;
    if (const MaskLeakage* l = results.Leakage("random", largest)) v.random_leakage = l->test_accuracy;
    v.chance = results.chance;
    v.unmodified = results.unmodified.mean;
    v.leakage_high = !std::isnan(v.leakage) && v.leakage - v.chance >= (v.unmodified - v.chance) / 2;
    v.support = Support(v);
    verdicts.push_back(v);
  }
  return verdicts;
}

std::string EnsembleVerdictText(const EnsembleVerdict& v) {
  const std::string name = MethodTitle(v.method);
  std::string text = "**";
  text += name;
  text += ".** ";
  if (v.mean.run) {
    text += "Under the mean removal it ";
    text += OutcomeText(v.mean, v.fraction);
    text += "; ";
  }
  if (v.road.run) {
    text += "under ROAD's imputation it ";
    text += OutcomeText(v.road, v.fraction);
    text += ". ";
  }
  if (!std::isnan(v.leakage)) {
    text += "Its removal mask alone predicts the label with accuracy ";
    text += Format(v.leakage, 3);
    if (!std::isnan(v.random_leakage)) {
      text += " (random's mask: ";
      text += Format(v.random_leakage, 3);
      text += ")";
    }
    text += " against chance ";
    text += Format(v.chance, 3);
    text += " and the unmodified model's ";
    text += Format(v.unmodified, 3);
    text += v.leakage_high ? ": high leakage (at least half the unmodified margin over chance). "
                           : ": not high (less than half the unmodified margin over chance). ";
  }
  switch (v.support) {
    case LeakageSupport::kNoDisagreement:
      text += "It beats random already under the mean removal, so there is no disagreement with "
              "Hooker et al. to explain.";
      break;
    case LeakageSupport::kLeakage:
      text += "Once the mask no longer shows it beats random while its mask carries the label: "
              "the numbers support the leakage explanation.";
      break;
    case LeakageSupport::kRoadWithoutLeak:
      text += "ROAD's imputation turns the verdict, but the mask alone does not carry the label "
              "(linearly): the numbers support a removal artefact other than the mask's shape.";
      break;
    case LeakageSupport::kNotLeakage:
      text += "The mask leaks the label, but removing the leak does not make it beat random: the "
              "numbers do not support leakage as the whole explanation (its top pixels do not "
              "carry information the retrained model needs, or the imputation restores it).";
      break;
    case LeakageSupport::kNeither:
      text += "Its mask does not leak the label and it does not beat random under ROAD either: "
              "the numbers support neither the leakage explanation nor the paper's claim here.";
      break;
    case LeakageSupport::kUndetermined:
      text += "Both removals and the leakage fit are needed for a verdict (run with --removal "
              "mean,road).";
      break;
  }
  return text;
}

}  // namespace lfa
