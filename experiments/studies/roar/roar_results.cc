#include "experiments/studies/roar/roar_results.h"

#include <torch/types.h>

#include "experiments/io/csv.h"
#include "experiments/report/markdown.h"
#include "metrics/summary.h"

namespace lfa {
namespace {

double SquaredOrZero(double sem) { return std::isnan(sem) ? 0.0 : sem * sem; }

RandomComparison Compare(const std::string& removal, const std::string& mode, const std::string& method,
                         const RoarCurve& curve, const RoarCurve& random) {
  RandomComparison comparison{mode, method, {}, VersusRandom::kIndistinguishable, removal, {}};
  const bool lower_is_better = mode == "roar";
  int better = 0, worse = 0, count = 0;
  for (const auto& [fraction, a] : curve) {
    const auto r = random.find(fraction);
    if (r == random.end()) continue;
    const double d = a.mean - r->second.mean;
    const double se = std::sqrt(SquaredOrZero(a.sem) + SquaredOrZero(r->second.sem));
    const double gain = lower_is_better ? -d : d;
    if (gain > 2 * se && gain > 0) ++better;
    if (-gain > 2 * se && gain < 0) ++worse;
    ++count;
    comparison.differences.emplace_back(fraction, d);
    comparison.standard_errors.push_back(se);
  }
  if (count > 0 && 2 * better > count) comparison.verdict = VersusRandom::kBeats;
  if (count > 0 && 2 * worse > count) comparison.verdict = VersusRandom::kLoses;
  return comparison;
}

}  // namespace

const RoarCurve* RoarResults::Curve(const std::string& mode, const std::string& method,
                                    const std::string& removal) const {
  const auto r = curves.find(removal);
  if (r == curves.end()) return nullptr;
  const auto m = r->second.find(mode);
  if (m == r->second.end()) return nullptr;
  const auto c = m->second.find(method);
  return c == m->second.end() ? nullptr : &c->second;
}

const MaskLeakage* RoarResults::Leakage(const std::string& method, double fraction) const {
  for (const MaskLeakage& l : leakage)
    if (l.method == method && l.fraction == fraction) return &l;
  return nullptr;
}

RoarResults SummarizeRoarRuns(std::vector<RoarCellResult> cells) {
  RoarResults results;
  for (RoarCellResult& c : cells) {
    std::vector<double> values;
    for (const RoarRun& run : c.runs) values.push_back(run.accuracy);
    const MetricSummary s = Summarize(torch::tensor(values, torch::kDouble));
    c.accuracy = {s.mean, s.sem, static_cast<int64_t>(values.size())};
    if (c.cell.mode == "none") {
      results.unmodified = c.accuracy;
    } else {
      results.curves[c.cell.removal][c.cell.mode][c.cell.method][c.cell.fraction] = c.accuracy;
    }
  }
  results.cells = std::move(cells);
  return results;
}

std::string VersusRandomText(VersusRandom verdict) {
  switch (verdict) {
    case VersusRandom::kBeats: return "beats random";
    case VersusRandom::kLoses: return "loses to random";
    case VersusRandom::kIndistinguishable: break;
  }
  return "indistinguishable";
}

std::vector<RandomComparison> CompareWithRandom(const RoarResults& results,
                                                const std::vector<std::string>& methods) {
  std::vector<RandomComparison> comparisons;
  for (const std::string removal : {"mean", "road"}) {
    for (const std::string mode : {"roar", "kar"}) {
      const RoarCurve* random = results.Curve(mode, "random", removal);
      if (random == nullptr) continue;
      for (const auto& method : methods) {
        const RoarCurve* curve = results.Curve(mode, method, removal);
        if (method == "random" || curve == nullptr) continue;
        comparisons.push_back(Compare(removal, mode, method, *curve, *random));
      }
    }
  }
  return comparisons;
}

void WriteRoarTables(const RoarResults& results, const std::string& out) {
  TextTable runs{
      {"removal", "mode", "fraction", "method", "retrain", "seed", "test_accuracy", "seconds"}, {}};
  TextTable summary{{"removal", "mode", "fraction", "method", "metric", "mean", "sem", "n"}, {}};
  for (const RoarCellResult& c : results.cells) {
    const std::string fraction = FormatG(c.cell.fraction);
    for (const RoarRun& run : c.runs)
      runs.rows.push_back({c.cell.removal, c.cell.mode, fraction, c.cell.method,
                           std::to_string(run.retrain), std::to_string(run.seed),
                           Format(run.accuracy, 6), Format(run.seconds, 2)});
    summary.rows.push_back({c.cell.removal, c.cell.mode, fraction, c.cell.method, "test_accuracy",
                            Format(c.accuracy.mean, 6),
                            std::isnan(c.accuracy.sem) ? "nan" : Format(c.accuracy.sem, 6),
                            std::to_string(c.accuracy.n)});
  }
  runs.Write(out + "/runs.csv");
  summary.Write(out + "/roar.csv");
  if (results.leakage.empty()) return;
  TextTable leakage{{"method", "fraction", "mask_test_accuracy", "chance"}, {}};
  for (const MaskLeakage& l : results.leakage)
    leakage.rows.push_back(
        {l.method, FormatG(l.fraction), Format(l.test_accuracy, 6), Format(results.chance, 6)});
  leakage.Write(out + "/leakage.csv");
}

}  // namespace lfa
