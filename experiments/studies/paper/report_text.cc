#include "experiments/studies/paper/report_text.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <utility>

#include "experiments/io/text.h"
#include "experiments/report/markdown.h"
#include "experiments/studies/paper/tables.h"

namespace lfa {
namespace {

std::string Percent(double fraction) {
  std::string text = Format(100.0 * fraction, 2);
  text += '%';
  return text;
}

std::string SweepName(const SweepVerdict& s) {
  std::string name = s.dataset;
  name += ' ';
  name += s.model;
  name += ' ';
  name += s.sweep;
  return name;
}

// "who ffnnC ig_low_vs_gradient_x_input (a 0 -> 0.5: 0.0887 -> 0.0917)".
std::string IncreaseText(const SweepVerdict& s) {
  std::ostringstream text;
  text << SweepName(s) << " (" << (s.sweep == kSigmaSweep ? "sigma " : "a ")
       << FormatSweepValue(s.increase_from) << " -> " << FormatSweepValue(s.increase_to) << ": "
       << Format(s.increase_l1_from, kDistanceDecimals) << " -> "
       << Format(s.increase_l1_to, kDistanceDecimals) << ")";
  return text.str();
}

// Where the sweeps increase, and whether the released medians do too.
std::string IncreaseVerdictText(const std::vector<const SweepVerdict*>& increasing) {
  if (increasing.empty()) return "";
  std::vector<std::string> where;
  int known = 0, also = 0;
  for (const SweepVerdict* s : increasing) {
    where.push_back(IncreaseText(*s));
    if (!s->released_never_increases) continue;
    ++known;
    if (!*s->released_never_increases) ++also;
  }
  std::ostringstream text;
  text << " It first increases at: " << Join(where, "; ") << ".";
  if (known == 0) return text.str();
  text << " The released medians increase on " << also << " of these " << known << " sweeps too";
  if (also == known) {
    text << ": the exact solves here and the released SGD fits find the same bumps, so they are a "
         << "property of f (a network's kinks), not noise of the fit.";
  } else if (also > 0) {
    text << "; where both increase, the bump is a property of f (a network's kinks), not noise of "
         << "the fit.";
  } else {
    text << ".";
  }
  return text.str();
}

}  // namespace

std::string FormatSignificant(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*g", digits, value);
  return buffer;
}

std::string SweepVerdictText(const std::vector<SweepVerdict>& sweeps) {
  if (sweeps.empty()) return "No sweeps were measured.";
  std::vector<const SweepVerdict*> increasing;
  int limit_smallest = 0;
  const SweepVerdict* highest_limit = nullptr;  // the largest limit / largest-along-the-sweep share
  const SweepVerdict* farthest = nullptr;       // the largest difference to a released median
  for (const SweepVerdict& s : sweeps) {
    if (!s.never_increases) increasing.push_back(&s);
    limit_smallest += s.limit_is_smallest;
    if (s.largest_l1 > 0 &&
        (!highest_limit ||
         s.limit_l1 / s.largest_l1 > highest_limit->limit_l1 / highest_limit->largest_l1))
      highest_limit = &s;
    if (s.largest_difference &&
        (!farthest || *s.largest_difference > *farthest->largest_difference))
      farthest = &s;
  }
  std::ostringstream text;
  text << "Sweeps whose median L1 never increases towards the limit: "
       << sweeps.size() - increasing.size() << " of " << sweeps.size() << "."
       << IncreaseVerdictText(increasing);
  text << " The limit has the smallest median L1 of its sweep on " << limit_smallest << " of "
       << sweeps.size() << " sweeps";
  if (highest_limit) {
    text << "; at the limit the median L1 is at most "
         << Percent(highest_limit->limit_l1 / highest_limit->largest_l1)
         << " of the largest along its sweep (" << SweepName(*highest_limit) << ": "
         << Format(highest_limit->limit_l1, kDistanceDecimals) << " against "
         << Format(highest_limit->largest_l1, kDistanceDecimals) << ")";
  }
  text << ".";
  if (farthest) {
    text << " Largest difference to a released median: "
         << Format(*farthest->largest_difference, kDistanceDecimals) << " (" << SweepName(*farthest)
         << " at " << FormatSweepValue(farthest->largest_difference_at) << ").";
  }
  return text.str();
}

std::string DeterministicVerdictText(const DeterministicAgreement& agreement) {
  if (agreement.compared == 0)
    return "No released binary results of the deterministic methods (occlusion, gradient, "
           "gradient_x_input) to compare with.";
  std::ostringstream text;
  text << "Largest difference to the released binary results of the deterministic methods "
       << "(occlusion, gradient, gradient_x_input), over all models and k: "
       << Format(agreement.largest_difference, kPerturbationDecimals) << ". ";
  // Both sides carry 5 decimals: a difference is 0 or at least one unit of the last decimal.
  if (agreement.largest_difference < 0.5e-5) {
    text << "All " << agreement.compared << " equal the released numbers in every printed decimal.";
  } else if (agreement.largest_difference < 1.5e-5) {
    text << "All " << agreement.compared
         << " agree with the released numbers up to one unit of the last decimal (rounding).";
  } else {
    text << "They differ beyond rounding: the deterministic methods do not reproduce the released "
         << "results here.";
  }
  return text.str();
}

std::string FamilyVerdictText(const std::vector<FamilyComparison>& comparisons) {
  if (comparisons.empty()) return "No test had both families measured.";
  // Per test (in order of appearance): (mask wins, models).
  std::vector<std::pair<std::string, std::pair<int, int>>> tests;
  std::vector<std::string> broken;
  for (const FamilyComparison& c : comparisons) {
    const std::string test = c.ranking + " " + c.perturbation;
    auto it =
        std::find_if(tests.begin(), tests.end(), [&](const auto& t) { return t.first == test; });
    if (it == tests.end()) it = tests.insert(tests.end(), {test, {0, 0}});
    it->second.first += c.mask_wins;
    ++it->second.second;
    // The paper's pattern: masks win the binary tests, gradients the continuous ones.
    if ((c.perturbation == "binary") != c.mask_wins)
      broken.push_back(c.dataset + " " + c.model + " " + test);
  }
  std::ostringstream text;
  text << "The mask family wins ";
  for (size_t t = 0; t < tests.size(); ++t) {
    text << (t == 0                  ? ""
             : t + 1 == tests.size() ? " and "
                                     : ", ")
         << tests[t].first << " on " << tests[t].second.first << " of " << tests[t].second.second
         << (t == 0 ? " models" : "");
  }
  text << ".";
  if (broken.empty()) {
    text << " On every model each family wins the tests whose perturbation resembles its own "
         << "neighbourhood (masks set features to 0, gradients see small Gaussian noise): the "
         << "paper's pattern.";
  } else {
    text << " The paper's pattern (the mask family wins the binary tests, the gradient family the "
         << "continuous ones) holds on " << comparisons.size() - broken.size() << " of "
         << comparisons.size() << " model-tests; it breaks on " << Join(broken, ", ") << ".";
  }
  return text.str();
}

namespace {

// The exceptions of the models whose cells are above float32 rounding, grouped by (column,
// winner) in order of appearance.
struct ExceptionGroup {
  std::string column, winner;
  int models = 0;
  double largest_margin = 0.0;  // (diagonal - winner) / diagonal
};

std::string ExceptionGroupsText(const std::vector<ExceptionGroup>& groups) {
  std::vector<std::string> parts;
  for (const ExceptionGroup& g : groups) {
    std::string part = g.column;
    part += "'s column to ";
    part += g.winner;
    part += " on ";
    part += std::to_string(g.models);
    part += g.models == 1 ? " model" : " models";
    part += " (by at most ";
    part += Percent(g.largest_margin);
    part += ')';
    parts.push_back(part);
  }
  return Join(parts, ", ");
}

// The explanations of the exceptions that have one; the others are named.
std::string ExceptionExplanations(const std::vector<ExceptionGroup>& groups) {
  bool stein = false, shapley = false;
  std::vector<std::string> unexplained;
  for (const ExceptionGroup& g : groups) {
    if ((g.column == "clime" && g.winner == "smoothgrad") ||
        (g.column == "smoothgrad" && g.winner == "clime")) {
      stein = true;
    } else if (g.column == "kernelshap" && g.winner == "lime") {
      shapley = true;
    } else {
      unexplained.push_back(g.column + ": " + g.winner);
    }
  }
  std::string text;
  if (stein)
    text +=
        " SmoothGrad estimates the same population solution as C-LIME (Stein's lemma) from "
        "gradients, with far less variance than C-LIME's regression on function values, so the "
        "two can take each other's column by estimation error alone.";
  if (shapley)
    text +=
        " On KernelSHAP's column (Bernoulli(0.5) masks re-weighted by the Shapley kernel, "
        "whose weights span orders of magnitude) the effective sample size is small and LIME's "
        "estimate from the same kind of masks generalises better.";
  if (!unexplained.empty()) {
    text += " No explanation is offered here for ";
    text += Join(unexplained, ", ");
    text += "; `nfl.csv` has their cells.";
  }
  return text;
}

}  // namespace

std::string NoFreeLunchVerdictText(const std::vector<NflModelVerdict>& verdicts, int64_t samples) {
  std::vector<ExceptionGroup> groups;
  std::vector<std::string> rounding;
  int columns = 0, lost = 0;
  double largest_margin = 0.0, smallest_spread = 0.0, largest_spread = 0.0;
  std::string largest_margin_at;
  for (const NflModelVerdict& v : verdicts) {
    if (v.rounding_only()) {
      rounding.push_back(v.dataset + " " + v.model + " (largest cell " +
                         FormatSignificant(v.largest_cell, 3) + ")");
      continue;
    }
    columns += v.columns;
    for (const NflException& e : v.exceptions) {
      const double margin = (e.diagonal_loss - e.winner_loss) / e.diagonal_loss;
      const double spread = e.column_largest / e.winner_loss;
      auto it = std::find_if(groups.begin(), groups.end(), [&](const ExceptionGroup& g) {
        return g.column == e.column && g.winner == e.winner;
      });
      if (it == groups.end()) it = groups.insert(groups.end(), {e.column, e.winner, 0, 0.0});
      ++it->models;
      it->largest_margin = std::max(it->largest_margin, margin);
      if (lost == 0 || margin > largest_margin)
        largest_margin = margin, largest_margin_at = v.dataset + " " + v.model + " " + e.column;
      smallest_spread = lost == 0 ? spread : std::min(smallest_spread, spread);
      largest_spread = lost == 0 ? spread : std::max(largest_spread, spread);
      ++lost;
    }
  }
  std::ostringstream text;
  if (lost == 0 && columns > 0) {
    text
        << "The diagonal wins every column of every model whose losses are above float32 rounding.";
  } else if (lost > 0) {
    text << "Why the diagonal can lose: each cell is measured on fresh samples, so a composition's "
         << "own " << samples << "-sample fit is an estimate of its neighbourhood's minimiser, not "
         << "the minimiser. The diagonal loses " << lost << " of " << columns << " columns (models "
         << "above float32 rounding): " << ExceptionGroupsText(groups) << "."
         << ExceptionExplanations(groups) << " Every exception is a margin of at most "
         << Percent(largest_margin) << " (" << largest_margin_at << "); in the same columns the "
         << "worst composition's loss is " << FormatSignificant(smallest_spread, 3) << " to "
         << FormatSignificant(largest_spread, 3) << " times the winner's";
    if (largest_margin < 0.1 && smallest_spread >= 10)
      text << ": small margins against the off-family cells (`nfl.csv`)";
    text << ".";
  }
  if (!rounding.empty()) {
    text << (lost > 0 || columns > 0 ? " " : "") << "On " << Join(rounding, ", ")
         << " every cell is at most " << FormatSignificant(kFloat32RoundingLoss, 3)
         << ", zero up to the model's float32 rounding: "
         << (rounding.size() == 1 ? "its" : "their") << " win counts compare rounding errors and "
         << "mean nothing.";
  }
  return text.str();
}

std::string ConvergenceDesignText(const PaperResults& results) {
  // Per dataset (in order): whether its 2^d masks were enumerated.
  std::vector<std::pair<std::string, int64_t>> datasets;
  for (const PaperModelResults& m : results.models)
    if (std::find_if(datasets.begin(), datasets.end(),
                     [&](const auto& d) { return d.first == m.dataset; }) == datasets.end())
      datasets.emplace_back(m.dataset, m.features);
  std::vector<std::string> enumerated, left_out;
  for (const auto& [dataset, d] : datasets) {
    if (d <= results.max_enumerated_features) {
      enumerated.push_back(dataset + ", d = " + std::to_string(d));
    } else {
      left_out.push_back(dataset + ": 2^" + std::to_string(d) + " masks per point");
    }
  }
  std::ostringstream text;
  text << "Mean L1 distance to the exact solution: LIME and KernelSHAP against the enumeration of "
       << "all 2^d masks (" << (enumerated.empty() ? "none" : Join(enumerated, "; "));
  if (!left_out.empty())
    text << "; left out, d > " << results.max_enumerated_features << ": " << Join(left_out, "; ");
  text << "), C-LIME and SmoothGrad against the analytic w_f on the linear model and against a "
       << results.reference_samples << "-sample SmoothGrad on the networks, and C-LIME against "
       << "SmoothGrad at equal samples.";
  return text.str();
}

namespace {

// "lime vs exact_enumeration".
std::string SeriesName(const ConvergenceRate& rate) {
  std::string name = rate.method;
  name += " vs ";
  name += rate.reference;
  return name;
}

// The KernelSHAP composition's plateau, explained for d enumerated features.
std::string KernelShapPlateauText(int64_t d) {
  std::ostringstream text;
  text << " The KernelSHAP composition (Bernoulli(0.5) masks weighted by the Shapley kernel) "
       << "levels off: its samples almost never contain the empty or the full coalition "
          "(probability "
       << "2^-" << d << " each, 2^-" << d - 1 << " together), whose 1e6 weights pin the exact "
       << "solution to efficiency, so it converges to a different (unconstrained) regression than "
       << "the enumerated one, and the Shapley kernel's spread of weights keeps its effective "
          "sample "
       << "size small.";
  return text.str();
}

}  // namespace

std::string ConvergenceVerdictText(const PaperResults& results, const ConvergenceVerdict& verdict) {
  std::ostringstream text;
  if (verdict.rates.empty()) {
    text << "No series changes between " << verdict.from_samples << " and " << verdict.to_samples
         << " samples.";
  } else {
    text
        << "Decay from " << verdict.from_samples << " to " << verdict.to_samples << " samples: the "
        << "slope of log(L1) against log(samples) between those two columns, over the models where "
        << "the series is not exact (1/sqrt(samples) gives -0.5):\n\n"
        << MarkdownRow({"method", "reference", "models", "slope (fastest to slowest)", "rate"})
        << MarkdownRow({"---", "---", "---:", "---:", "---"});
  }
  std::vector<std::string> root_rate;
  bool kernelshap_levels_off = false;
  for (const ConvergenceRate& rate : verdict.rates) {
    if (rate.root_rate()) root_rate.push_back(SeriesName(rate));
    kernelshap_levels_off |= !rate.root_rate() && rate.method == "kernelshap";
    text << MarkdownRow({rate.method, rate.reference, std::to_string(rate.models.size()),
                         Format(rate.fastest(), 2) + " to " + Format(rate.slowest(), 2),
                         rate.root_rate() ? "1/sqrt(samples) or faster" : "slower: levels off"});
  }
  if (!verdict.rates.empty()) text << "\n";
  if (!root_rate.empty())
    text << Join(root_rate, ", ")
         << " shrink like 1/sqrt(samples) or faster on every model (slope at most "
         << Format(kRootRateSlope, 1) << ").";
  int64_t enumerated_d = 0;
  for (const PaperModelResults& m : results.models)
    if (m.features <= results.max_enumerated_features)
      enumerated_d = std::max(enumerated_d, m.features);
  // KernelSHAP's plateau has its own sentence; the other slow series are named.
  const bool explain_kernelshap = kernelshap_levels_off && enumerated_d > 0;
  std::vector<std::string> unexplained;
  for (const ConvergenceRate& rate : verdict.rates)
    if (!rate.root_rate() && !(explain_kernelshap && rate.method == "kernelshap"))
      unexplained.push_back(SeriesName(rate));
  if (!unexplained.empty())
    text << " " << Join(unexplained, ", ")
         << (unexplained.size() == 1
                 ? " shrinks more slowly than 1/sqrt(samples) on some model: it levels off."
                 : " shrink more slowly than 1/sqrt(samples) on some model: they level off.");
  if (explain_kernelshap) text << KernelShapPlateauText(enumerated_d);
  if (verdict.clime_models > 0) {
    if (verdict.clime_not_approaching.empty()) {
      text << " C-LIME approaches SmoothGrad at equal samples on all " << verdict.clime_models
           << " models, as Stein's lemma says (both estimate the same population solution).";
    } else {
      text << " C-LIME does not approach SmoothGrad at equal samples on "
           << Join(verdict.clime_not_approaching, ", ") << ".";
    }
  }
  if (!verdict.exact_models.empty())
    text << " On " << Join(verdict.exact_models, ", ") << " every series is within "
         << FormatSignificant(kExactDistance, 3) << " of its reference from "
         << verdict.from_samples << " samples on: every estimate there is exact up to rounding.";
  return text.str();
}

}  // namespace lfa
