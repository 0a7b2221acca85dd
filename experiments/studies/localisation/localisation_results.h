// Results of the localisation study as typed values: each task's model, and each task's maps
// scored against each of its masks (metric x preprocessing variant, mean and standard error over
// the images), with the verdict the report draws from them.
//
// A task's maps are scored against its own mask; the control task's maps also against the
// two-block mask, as the scored mask "control_two_blocks". Each scored mask may have a control:
// the same mask scored on the control task's maps (block -> control, two_blocks ->
// control_two_blocks), which says how much relevance lands there when it is *not* the signal.
//
// A method *localises* on a scored mask by a metric when its mean exceeds the random map's and
// (when the control was run) its own mean on the control by more than three combined standard
// errors, sqrt(sem_a^2 + sem_b^2), each. Its rank is 1 + the number of other methods (random
// excluded) with a higher mean.
//
//   LocalisationVerdict v = Judge(results, "block", "smoothgrad", LocalisationMetric::kMassAccuracy);
//   if (v.localises()) ...;                  // v.rank of v.of, v.mean, v.control_mean
//   WriteScoresTable(results, out);          // localisation.csv
//
// WARNING: a verdict blames the map and the model together: a model that predicts the label from
// correlated pixels outside the mask makes every method look bad.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace lfa {

enum class LocalisationMetric { kMassAccuracy, kRankAccuracy, kPointingGame };
enum class MapVariant { kAbsolute, kTopOnePercent };

inline constexpr std::array<LocalisationMetric, 3> kLocalisationMetrics = {
    LocalisationMetric::kMassAccuracy, LocalisationMetric::kRankAccuracy,
    LocalisationMetric::kPointingGame};
inline constexpr std::array<MapVariant, 2> kMapVariants = {MapVariant::kAbsolute,
                                                           MapVariant::kTopOnePercent};
// The fraction of the pixels the second variant keeps.
inline constexpr double kTopFraction = 0.01;

// "mass_accuracy", "rank_accuracy_top1pct", ...: the metric column of localisation.csv.
std::string MetricColumnName(LocalisationMetric metric, MapVariant variant);
// "relevance mass accuracy", "relevance rank accuracy", "pointing game".
std::string MetricLabel(LocalisationMetric metric);
// "absolute value", "absolute value, top 1% of the pixels kept".
std::string VariantLabel(MapVariant variant);

struct ScoreSummary {
  double mean = NAN;
  double sem = NAN;
};

struct MethodScores {
  std::string method;
  std::array<std::array<ScoreSummary, 3>, 2> scores;  // [variant][metric]

  const ScoreSummary& at(LocalisationMetric metric, MapVariant variant = MapVariant::kAbsolute) const {
    return scores[static_cast<size_t>(variant)][static_cast<size_t>(metric)];
  }
  ScoreSummary& at(LocalisationMetric metric, MapVariant variant = MapVariant::kAbsolute) {
    return scores[static_cast<size_t>(variant)][static_cast<size_t>(metric)];
  }
};

// One task's maps scored against one mask.
struct MaskScores {
  std::string name;                  // the task, or "control_two_blocks"
  std::string task;                  // whose maps were scored
  double area = 0;                   // mask pixels / image pixels: a random map's expected score
  int64_t mask_pixels = 0;
  std::vector<MethodScores> methods;  // in the study's method order

  // The method's scores; InvalidInput naming it when it was not run.
  const MethodScores& method(const std::string& name) const;
};

// A task's model, as models.csv and the report's task table show it.
struct TaskModel {
  std::string task, description;
  int64_t classes = 2;
  double test_accuracy = 0;
  double train_seconds = 0;
  double positive_fraction = NAN;  // share of test labels = 1 (two-class tasks)
  bool from_cache = false;
};

struct LocalisationResults {
  std::vector<TaskModel> models;  // in task order
  std::vector<MaskScores> masks;  // in task order, each task's own mask first

  // The scored mask called `name`, or null.
  const MaskScores* Find(const std::string& name) const;
  // The scored mask that controls `name` ("control" for "block", "control_two_blocks" for
  // "two_blocks"), or null when it has none or it was not run.
  const MaskScores* Control(const std::string& name) const;
};

struct LocalisationVerdict {
  double mean = NAN, sem = NAN;
  double chance_mean = NAN;                 // the random map's mean
  double control_mean = NAN;                // the same method on the control (NaN without one)
  bool above_chance = false;
  bool has_control = false;
  bool above_control = false;
  int rank = 0, of = 0;                     // among the methods, random excluded; 1 = best

  bool localises() const { return above_chance && (!has_control || above_control); }
};

LocalisationVerdict Judge(const LocalisationResults& results, const std::string& mask,
                          const std::string& method, LocalisationMetric metric,
                          MapVariant variant = MapVariant::kAbsolute);

// The method with the highest mean on `mask` (the first in method order on a tie); random takes
// part only when `include_random`.
std::string BestMethod(const MaskScores& mask, LocalisationMetric metric, MapVariant variant,
                       bool include_random);

// out/models.csv: task, test_accuracy, train_seconds for results.models.
void WriteModelsTable(const LocalisationResults& results, const std::string& out);
// out/localisation.csv: task, method, metric, mean, sem for every scored mask; rows by task, then
// method, then the task's masks, variant and metric.
void WriteScoresTable(const LocalisationResults& results, const std::string& out);

}  // namespace lfa
