#include "experiments/studies/paper/verdicts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace lfa {
namespace {

// Half a unit of the last published decimal: at or below a released distance means "not above it
// in the printed digits".
constexpr double kHalfDistanceUnit = 5e-5;
// Two published numbers that print alike differ by float error only.
constexpr double kFloatError = 1e-12;

bool IsMaskFamily(const std::string& method) {
  return method == "lime" || method == "kernelshap" || method == "occlusion";
}
bool IsGradientFamily(const std::string& method) {
  return method == "gradient" || method == "smoothgrad";
}

// The steps of each sweep of one model, in order: consecutive runs of the same sweep name.
std::vector<std::vector<LimitStep>> Sweeps(const PaperModelResults& model) {
  std::vector<std::vector<LimitStep>> sweeps;
  for (const LimitStep& step : model.exp1b) {
    if (sweeps.empty() || sweeps.back().front().sweep != step.sweep) sweeps.emplace_back();
    sweeps.back().push_back(step);
  }
  return sweeps;
}

SweepVerdict JudgeSweep(const PaperModelResults& m, const std::vector<LimitStep>& steps,
                        const ReleasedNumbers& released) {
  SweepVerdict v{.dataset = m.dataset, .model = m.model, .sweep = steps.front().sweep};
  v.limit_l1 = steps.back().l1_median;
  v.largest_l1 = steps.front().l1_median;
  double smallest = steps.front().l1_median;
  bool released_never = true, released_complete = true;
  std::optional<double> previous_released;
  for (size_t j = 0; j < steps.size(); ++j) {
    const LimitStep& step = steps[j];
    v.largest_l1 = std::max(v.largest_l1, step.l1_median);
    smallest = std::min(smallest, step.l1_median);
    if (j > 0 && v.never_increases && step.l1_median > steps[j - 1].l1_median + kFloatError) {
      v.never_increases = false;
      v.increase_from = steps[j - 1].value, v.increase_to = step.value;
      v.increase_l1_from = steps[j - 1].l1_median, v.increase_l1_to = step.l1_median;
    }
    const auto theirs = released.Exp1b(m.dataset, m.model, step.sweep, step.value);
    if (!theirs) {
      released_complete = false;
      previous_released.reset();
      continue;
    }
    if (previous_released && theirs->l1 > *previous_released + kFloatError) released_never = false;
    previous_released = theirs->l1;
    const double difference = std::abs(step.l1_median - theirs->l1);
    if (!v.largest_difference || difference > *v.largest_difference) {
      v.largest_difference = difference;
      v.largest_difference_at = step.value;
    }
  }
  v.limit_is_smallest = v.limit_l1 <= smallest + kFloatError;
  if (released_complete) v.released_never_increases = released_never;
  return v;
}

}  // namespace

DiagonalAgreement CompareDiagonal(const PaperResults& results, const ReleasedNumbers& released) {
  DiagonalAgreement agreement;
  for (const PaperModelResults& m : results.models) {
    for (const ClassicVsLfa& cell : m.exp1) {
      if (cell.classic != cell.lfa) continue;
      const auto theirs = released.Exp1(m.dataset, m.model, cell.classic, cell.lfa);
      if (!theirs) continue;
      ++agreement.compared;
      if (cell.l1_mean <= theirs->l1 + kHalfDistanceUnit) ++agreement.at_or_below;
    }
  }
  return agreement;
}

std::vector<SweepVerdict> JudgeSweeps(const PaperResults& results,
                                      const ReleasedNumbers& released) {
  std::vector<SweepVerdict> verdicts;
  for (const PaperModelResults& m : results.models)
    for (const std::vector<LimitStep>& steps : Sweeps(m))
      verdicts.push_back(JudgeSweep(m, steps, released));
  return verdicts;
}

bool IsDeterministicInExp3(const std::string& method) {
  return method == "occlusion" || method == "gradient" || method == "gradient_x_input";
}

DeterministicAgreement CompareDeterministic(const PaperResults& results,
                                            const ReleasedNumbers& released) {
  DeterministicAgreement agreement;
  for (const PaperModelResults& m : results.models) {
    for (const PerturbationResult& r : m.exp3) {
      if (r.perturbation != "binary" || !IsDeterministicInExp3(r.method)) continue;
      const auto theirs =
          released.Exp3(m.dataset, m.model, r.method, r.ranking, r.perturbation, r.k);
      if (!theirs) continue;
      ++agreement.compared;
      agreement.largest_difference =
          std::max(agreement.largest_difference, std::abs(r.mean - theirs->mean));
    }
  }
  return agreement;
}

std::vector<FamilyComparison> CompareFamilies(const PaperResults& results) {
  std::vector<FamilyComparison> comparisons;
  for (const PaperModelResults& m : results.models) {
    // (ranking, perturbation) in order of appearance -> (sum, count) of each family.
    std::vector<std::pair<std::string, std::string>> tests;
    std::map<std::pair<std::string, std::string>, std::pair<double, int>> mask, gradient;
    for (const PerturbationResult& r : m.exp3) {
      const bool in_mask = IsMaskFamily(r.method), in_gradient = IsGradientFamily(r.method);
      if (!in_mask && !in_gradient) continue;
      const std::pair<std::string, std::string> test{r.ranking, r.perturbation};
      if (std::find(tests.begin(), tests.end(), test) == tests.end()) tests.push_back(test);
      auto& [sum, count] = in_mask ? mask[test] : gradient[test];
      sum += r.mean;
      ++count;
    }
    for (const auto& test : tests) {
      if (!mask.count(test) || !gradient.count(test)) continue;
      FamilyComparison c{.dataset = m.dataset,
                         .model = m.model,
                         .ranking = test.first,
                         .perturbation = test.second};
      c.mask_mean = mask[test].first / mask[test].second;
      c.gradient_mean = gradient[test].first / gradient[test].second;
      c.mask_wins =
          test.first == "topk" ? c.mask_mean > c.gradient_mean : c.mask_mean < c.gradient_mean;
      comparisons.push_back(c);
    }
  }
  return comparisons;
}

namespace {

// One column of one model's no-free-lunch matrix: the diagonal against the other compositions
// (the same class G); the logistic variants (a richer G) apart.
void JudgeColumn(const PaperModelResults& m, const std::string& column, NflModelVerdict* v) {
  double best = std::numeric_limits<double>::infinity(), diagonal = 0.0, largest = 0.0;
  double best_logistic = std::numeric_limits<double>::infinity();
  std::string winner;
  for (const NflCell& cell : m.nfl) {
    if (cell.neighbourhood != column) continue;
    if (cell.logistic) {
      best_logistic = std::min(best_logistic, cell.mean);
      continue;
    }
    if (cell.explainer == column) diagonal = cell.mean;
    largest = std::max(largest, cell.mean);
    if (cell.mean < best) best = cell.mean, winner = cell.explainer;
  }
  if (best_logistic < best) v->logistic_wins.push_back(column);
  // Ties within rounding (relative 1e-9, absolute 1e-12: a linear model's cells are ~1e-16) win.
  if (winner == column || diagonal <= best * (1 + 1e-9) + kFloatError) {
    ++v->diagonal_wins;
  } else {
    v->exceptions.push_back({column, winner, best, diagonal, largest});
  }
}

}  // namespace

std::vector<NflModelVerdict> JudgeNoFreeLunch(const PaperResults& results) {
  std::vector<NflModelVerdict> verdicts;
  for (const PaperModelResults& m : results.models) {
    NflModelVerdict v{.dataset = m.dataset, .model = m.model};
    std::vector<std::string> columns;
    for (const NflCell& cell : m.nfl) {
      v.largest_cell = std::max(v.largest_cell, cell.mean);
      v.has_logistic = v.has_logistic || cell.logistic;
      if (std::find(columns.begin(), columns.end(), cell.neighbourhood) == columns.end())
        columns.push_back(cell.neighbourhood);
    }
    v.columns = static_cast<int>(columns.size());
    for (const std::string& column : columns) JudgeColumn(m, column, &v);
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

double ConvergenceRate::slowest() const {
  return slopes.empty() ? 0.0 : *std::max_element(slopes.begin(), slopes.end());
}

double ConvergenceRate::fastest() const {
  return slopes.empty() ? 0.0 : *std::min_element(slopes.begin(), slopes.end());
}

namespace {

// The series of one model: (method, reference) -> samples -> mean L1, in order of appearance.
using Series =
    std::vector<std::pair<std::pair<std::string, std::string>, std::map<int64_t, double>>>;

Series SeriesOf(const PaperModelResults& m) {
  Series series;
  for (const ConvergenceResult& r : m.convergence) {
    const std::pair<std::string, std::string> key{r.method, r.reference};
    auto it =
        std::find_if(series.begin(), series.end(), [&](const auto& s) { return s.first == key; });
    if (it == series.end()) it = series.insert(series.end(), {key, {}});
    it->second[r.samples] = r.l1_mean;
  }
  return series;
}

// Half a unit of the published 6th decimal: a distance printed as 0 is at most this.
constexpr double kHalfConvergenceUnit = 5e-7;

}  // namespace

ConvergenceVerdict JudgeConvergence(const PaperResults& results, int64_t from_samples,
                                    int64_t to_samples) {
  ConvergenceVerdict verdict{.from_samples = from_samples, .to_samples = to_samples};
  for (const PaperModelResults& m : results.models) {
    bool all_exact = true;
    const Series series = SeriesOf(m);
    for (const auto& [key, by_samples] : series) {
      if (!by_samples.count(from_samples) || !by_samples.count(to_samples)) continue;
      bool exact = true;
      for (const auto& [samples, l1] : by_samples)
        exact &= samples < from_samples || l1 <= kExactDistance;
      all_exact &= exact;
      if (exact) continue;
      auto rate = std::find_if(verdict.rates.begin(), verdict.rates.end(), [&](const auto& r) {
        return r.method == key.first && r.reference == key.second;
      });
      if (rate == verdict.rates.end())
        rate = verdict.rates.insert(verdict.rates.end(),
                                    ConvergenceRate{key.first, key.second, {}, {}});
      const double from = std::max(by_samples.at(from_samples), kHalfConvergenceUnit);
      const double to = std::max(by_samples.at(to_samples), kHalfConvergenceUnit);
      rate->models.push_back(m.Name());
      rate->slopes.push_back(std::log(to / from) / std::log(static_cast<double>(to_samples) /
                                                            static_cast<double>(from_samples)));
      if (key.first == "clime" && key.second == "smoothgrad_same_samples") {
        ++verdict.clime_models;
        if (!(to < from)) verdict.clime_not_approaching.push_back(m.Name());
      }
    }
    if (all_exact && !series.empty()) verdict.exact_models.push_back(m.Name());
  }
  return verdict;
}

}  // namespace lfa
