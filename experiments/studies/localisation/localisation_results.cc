#include "experiments/studies/localisation/localisation_results.h"

#include "experiments/io/csv.h"
#include "experiments/report/markdown.h"
#include "framework/errors.h"

namespace lfa {
namespace {

double CombinedSem(double a, double b) { return std::sqrt(a * a + b * b); }

}  // namespace

std::string MetricColumnName(LocalisationMetric metric, MapVariant variant) {
  std::string name = metric == LocalisationMetric::kMassAccuracy   ? "mass_accuracy"
                     : metric == LocalisationMetric::kRankAccuracy ? "rank_accuracy"
                                                                    : "pointing_game";
  if (variant == MapVariant::kTopOnePercent) name += "_top1pct";
  return name;
}

std::string MetricLabel(LocalisationMetric metric) {
  return metric == LocalisationMetric::kMassAccuracy   ? "relevance mass accuracy"
         : metric == LocalisationMetric::kRankAccuracy ? "relevance rank accuracy"
                                                        : "pointing game";
}

std::string VariantLabel(MapVariant variant) {
  return variant == MapVariant::kAbsolute ? "absolute value"
                                          : "absolute value, top 1% of the pixels kept";
}

const MethodScores& MaskScores::method(const std::string& method_name) const {
  for (const MethodScores& m : methods)
    if (m.method == method_name) return m;
  Fail("study localisation: no scores of method '", method_name, "' on '", name, "'");
}

const MaskScores* LocalisationResults::Find(const std::string& name) const {
  for (const MaskScores& mask : masks)
    if (mask.name == name) return &mask;
  return nullptr;
}

const MaskScores* LocalisationResults::Control(const std::string& name) const {
  if (name == "block") return Find("control");
  if (name == "two_blocks") return Find("control_two_blocks");
  return nullptr;
}

LocalisationVerdict Judge(const LocalisationResults& results, const std::string& mask_name,
                          const std::string& method, LocalisationMetric metric,
                          MapVariant variant) {
  const MaskScores* mask = results.Find(mask_name);
  if (mask == nullptr) Fail("study localisation: no scores on '", mask_name, "'");
  LocalisationVerdict v;
  const ScoreSummary& own = mask->method(method).at(metric, variant);
  const ScoreSummary& random = mask->method("random").at(metric, variant);
  v.mean = own.mean;
  v.sem = own.sem;
  v.chance_mean = random.mean;
  v.above_chance = own.mean - random.mean > 3 * CombinedSem(own.sem, random.sem);
  if (const MaskScores* control = results.Control(mask_name)) {
    const ScoreSummary& other = control->method(method).at(metric, variant);
    v.has_control = true;
    v.control_mean = other.mean;
    v.above_control = own.mean - other.mean > 3 * CombinedSem(own.sem, other.sem);
  }
  for (const MethodScores& other : mask->methods) {
    if (other.method == "random") continue;
    ++v.of;
    if (other.at(metric, variant).mean > own.mean) ++v.rank;
  }
  ++v.rank;
  return v;
}

std::string BestMethod(const MaskScores& mask, LocalisationMetric metric, MapVariant variant,
                       bool include_random) {
  std::string best;
  double best_value = -INFINITY;
  for (const MethodScores& m : mask.methods) {
    if (m.method == "random" && !include_random) continue;
    if (m.at(metric, variant).mean > best_value) {
      best_value = m.at(metric, variant).mean;
      best = m.method;
    }
  }
  return best;
}

void WriteModelsTable(const LocalisationResults& results, const std::string& out) {
  TextTable models{{"task", "test_accuracy", "train_seconds"}, {}};
  for (const TaskModel& model : results.models)
    models.rows.push_back({model.task, Format(model.test_accuracy), Format(model.train_seconds, 1)});
  models.Write(out + "/models.csv");
}

void WriteScoresTable(const LocalisationResults& results, const std::string& out) {
  TextTable table{{"task", "method", "metric", "mean", "sem"}, {}};
  for (const TaskModel& model : results.models) {
    std::vector<const MaskScores*> masks;
    for (const MaskScores& mask : results.masks)
      if (mask.task == model.task) masks.push_back(&mask);
    if (masks.empty()) continue;
    for (size_t m = 0; m < masks[0]->methods.size(); ++m) {
      for (const MaskScores* mask : masks) {
        const MethodScores& scores = mask->methods.at(m);
        for (MapVariant variant : kMapVariants)
          for (LocalisationMetric metric : kLocalisationMetrics)
            table.rows.push_back({mask->name, scores.method, MetricColumnName(metric, variant),
                                  FormatG(scores.at(metric, variant).mean),
                                  FormatG(scores.at(metric, variant).sem)});
      }
    }
  }
  table.Write(out + "/localisation.csv");
}

}  // namespace lfa
