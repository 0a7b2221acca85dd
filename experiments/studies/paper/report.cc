#include "experiments/studies/paper/report.h"

#include <algorithm>
#include <optional>
#include <sstream>

#include "experiments/io/text.h"
#include "experiments/report/markdown.h"
#include "experiments/studies/paper/report_text.h"
#include "experiments/studies/paper/tables.h"
#include "experiments/studies/paper/verdicts.h"

namespace lfa {
namespace {

// A released number as its table prints it, or "" when there is none.
std::string Released(const std::optional<ReleasedDistance>& released,
                     double ReleasedDistance::*field) {
  return released ? Format((*released).*field, kDistanceDecimals) : "";
}

// ours - released with 4 decimals, or "" when there is no released number.
std::string Difference(double ours, const std::optional<double>& released) {
  return released ? Format(ours - *released) : "";
}

// "100", or "90-100" when the models were given different numbers of points.
std::string PointsText(const PaperResults& results) {
  int64_t fewest = 0, most = 0;
  for (size_t m = 0; m < results.models.size(); ++m) {
    const int64_t points = results.models[m].points;
    fewest = m ? std::min(fewest, points) : points;
    most = m ? std::max(most, points) : points;
  }
  std::string text = std::to_string(fewest);
  if (most != fewest) {
    text += '-';
    text += std::to_string(most);
  }
  return text;
}

// The compositions (columns of the no-free-lunch matrix) of the first model.
size_t CompositionCount(const PaperResults& results) {
  std::vector<std::string> columns;
  if (!results.models.empty())
    for (const NflCell& cell : results.models.front().nfl)
      if (std::find(columns.begin(), columns.end(), cell.neighbourhood) == columns.end())
        columns.push_back(cell.neighbourhood);
  return columns.size();
}

}  // namespace

std::string PaperRunSection(const PaperResults& results, const ReleasedNumbers& released) {
  std::ostringstream md;
  md << "# Reproduction of Han, Srinivas & Lakkaraju (NeurIPS 2022)\n\n"
     << "`lfa reproduce paper --samples " << results.samples << " --seed " << results.seed
     << "`: " << results.models.size() << " models x " << PointsText(results)
     << " points, every surrogate solved exactly (closed form or Ceres). Whole run: "
     << Format(results.seconds, 1) << " s on ";
  if (results.processes > 1) md << results.processes << " MPI ranks of ";
  md << results.threads << " thread(s)" << (results.processes > 1 ? " each" : "")
     << ". Released numbers: ";
  if (released.directory().empty()) {
    md << "not found (pass --reference-dir)";
  } else {
    md << "`" << released.directory() << "`";
  }
  md << ".\n\n";
  return md.str();
}

std::string Exp1Section(const PaperResults& results, const ReleasedNumbers& released) {
  std::ostringstream md;
  md << "## exp1: classic vs LFA, the diagonal (mean L1 / mean cosine distance)\n\n"
     << "The paper fits every LFA surrogate by SGD; lfa solves the same problems exactly, so the "
     << "diagonal measures how far each classic algorithm is from the exact solution of its "
     << "composition (sampling noise and convention differences, e.g. Captum's LIME kernel has a "
     << "factor 2 the composition lacks). Below the table: how many cells are at or below the "
     << "released value.\n\n"
     << MarkdownRow({"dataset", "model", "method", "L1 ours", "L1 released", "diff", "cos ours",
                     "cos released"})
     << MarkdownRow({"---", "---", "---", "---:", "---:", "---:", "---:", "---:"});
  for (const PaperModelResults& m : results.models) {
    for (const ClassicVsLfa& cell : m.exp1) {
      if (cell.classic != cell.lfa) continue;
      const auto theirs = released.Exp1(m.dataset, m.model, cell.classic, cell.lfa);
      md << MarkdownRow(
          {m.dataset, m.model, cell.classic, Format(cell.l1_mean, kDistanceDecimals),
           Released(theirs, &ReleasedDistance::l1),
           Difference(cell.l1_mean, theirs ? std::optional(theirs->l1) : std::nullopt),
           Format(cell.cosine_mean, kDistanceDecimals),
           Released(theirs, &ReleasedDistance::cosine)});
    }
  }
  const DiagonalAgreement agreement = CompareDiagonal(results, released);
  if (agreement.compared == 0) {
    md << "\nNo released numbers to compare the diagonal with.\n\n";
  } else {
    md << "\nDiagonal L1 at or below the released value: " << agreement.at_or_below << " of "
       << agreement.compared << " cells.\n\n";
  }
  return md.str();
}

std::string Exp1bSection(const PaperResults& results, const ReleasedNumbers& released) {
  std::ostringstream md;
  md << "## exp1b: the limits (medians over points)\n\n"
     << MarkdownRow({"dataset", "model", "sweep", "value", "L1 ours", "L1 released", "cos ours",
                     "cos released"})
     << MarkdownRow({"---", "---", "---", "---:", "---:", "---:", "---:", "---:"});
  for (const PaperModelResults& m : results.models) {
    for (const LimitStep& step : m.exp1b) {
      const auto theirs = released.Exp1b(m.dataset, m.model, step.sweep, step.value);
      md << MarkdownRow({m.dataset, m.model, step.sweep, FormatSweepValue(step.value),
                         Format(step.l1_median, kDistanceDecimals),
                         Released(theirs, &ReleasedDistance::l1),
                         Format(step.cosine_median, kDistanceDecimals),
                         Released(theirs, &ReleasedDistance::cosine)});
    }
  }
  md << "\n" << SweepVerdictText(JudgeSweeps(results, released)) << "\n\n";
  return md.str();
}

std::string Exp2Section(const PaperResults& results, const ReleasedNumbers& released) {
  std::ostringstream md;
  md << "## exp2: recovery of the models in G (mean L1 / cosine distance)\n\n"
     << MarkdownRow({"dataset", "model", "source", "method", "reference", "L1 ours", "L1 released",
                     "cos ours", "cos released"})
     << MarkdownRow({"---", "---", "---", "---", "---", "---:", "---:", "---:", "---:"});
  for (const PaperModelResults& m : results.models) {
    for (const Recovery& r : m.exp2) {
      const auto theirs = released.Exp2(m.dataset, m.model, r.source, r.method, r.reference);
      md << MarkdownRow(
          {m.dataset, m.model, r.source, r.method, r.reference,
           Format(r.l1_mean, kDistanceDecimals), Released(theirs, &ReleasedDistance::l1),
           Format(r.cosine_mean, kDistanceDecimals), Released(theirs, &ReleasedDistance::cosine)});
    }
  }
  return md.str();
}

std::string Exp3Section(const PaperResults& results, const ReleasedNumbers& released) {
  std::ostringstream md;
  md << "\n## exp3: perturbation tests of the classic attributions\n\n"
     << "Mean |f(x) - f(x')| over the " << PointsText(results)
     << " points (sem in brackets) when the "
     << "top-k or bottom-k features by |attribution| are set to 0 (binary) or get N(0, 0.1^2) "
        "noise "
     << "(continuous, 100 draws). Binary numbers of occlusion, gradient and gradient_x_input are "
     << "deterministic and should equal the released ones; the others carry Monte Carlo error. "
        "Below: "
     << "k = 1, 5 and 11 for every model; `exp3.csv` has all k. Then the paper's pattern: which "
        "family "
     << "wins each test, averaged over k (top-k: larger gap is better; bottom-k: smaller is "
        "better).\n\n"
     << MarkdownRow({"dataset", "model", "method", "test", "k", "ours", "released", "diff"})
     << MarkdownRow({"---", "---", "---", "---", "---:", "---:", "---:", "---:"});
  for (const PaperModelResults& m : results.models) {
    for (const PerturbationResult& r : m.exp3) {
      if (r.k != 1 && r.k != 5 && r.k != 11) continue;
      const auto theirs =
          released.Exp3(m.dataset, m.model, r.method, r.ranking, r.perturbation, r.k);
      std::string ours = Format(r.mean, kPerturbationDecimals);
      ours += " (";
      ours += Format(r.sem, kPerturbationDecimals);
      ours += ")";
      md << MarkdownRow({m.dataset, m.model, r.method, r.ranking + " " + r.perturbation,
                         std::to_string(r.k), ours,
                         theirs ? Format(theirs->mean, kPerturbationDecimals) : "",
                         Difference(r.mean, theirs ? std::optional(theirs->mean) : std::nullopt)});
    }
  }
  md << "\n" << DeterministicVerdictText(CompareDeterministic(results, released)) << "\n\n";
  const std::vector<FamilyComparison> families = CompareFamilies(results);
  md << MarkdownRow(
            {"dataset", "model", "test", "mask family (mean over k)", "gradient family", "winner"})
     << MarkdownRow({"---", "---", "---", "---:", "---:", "---"});
  for (const FamilyComparison& c : families)
    md << MarkdownRow({c.dataset, c.model, c.ranking + " " + c.perturbation,
                       Format(c.mask_mean, kPerturbationDecimals),
                       Format(c.gradient_mean, kPerturbationDecimals),
                       c.mask_wins ? "mask" : "gradient"});
  md << "\n" << FamilyVerdictText(families) << "\n";
  return md.str();
}

std::string NoFreeLunchSection(const PaperResults& results) {
  std::ostringstream md;
  md << "\n## No free lunch: each explanation's LFA loss over each composition's neighbourhood\n\n"
     << "Rows of `nfl.csv` are explainers, columns evaluation neighbourhoods (each with its own "
     << "loss; docs/metrics.md gives the convention). The diagonal is the explainer built for that "
     << "neighbourhood. Per model: the columns where it has the smallest mean loss among the "
     << CompositionCount(results)
     << " compositions (one class G: linear), where not, who wins and by how much, and the columns "
     << "where a logistic-surrogate variant (a richer G, classifiers only) beats all of them.\n\n"
     << MarkdownRow({"dataset", "model", "largest cell", "diagonal wins",
                     "exceptions (column: winner, loss winner vs diagonal)",
                     "columns a logistic variant wins"})
     << MarkdownRow({"---", "---", "---:", "---:", "---", "---"});
  const std::vector<NflModelVerdict> verdicts = JudgeNoFreeLunch(results);
  for (const NflModelVerdict& v : verdicts) {
    std::string exceptions, logistic_wins;
    for (const NflException& e : v.exceptions) {
      exceptions += e.column + ": " + e.winner + ", " + FormatSignificant(e.winner_loss, 4) +
                    " vs " + FormatSignificant(e.diagonal_loss, 4) + "; ";
    }
    for (const std::string& column : v.logistic_wins) logistic_wins += column + " ";
    std::string wins = std::to_string(v.diagonal_wins);
    wins += " / ";
    wins += std::to_string(v.columns);
    md << MarkdownRow({v.dataset, v.model, FormatSignificant(v.largest_cell, 3), wins, exceptions,
                       v.has_logistic ? logistic_wins : "(regression: none)"});
  }
  md << "\n" << NoFreeLunchVerdictText(verdicts, results.samples) << "\n";
  return md.str();
}

std::string ConvergenceSection(const PaperResults& results) {
  std::ostringstream md;
  md << "\n## Convergence with the number of samples (first " << results.convergence_points
     << " points)\n\n"
     << ConvergenceDesignText(results) << "\n\n"
     << MarkdownRow({"dataset", "model", "method", "reference", "100", "1000", "10000"})
     << MarkdownRow({"---", "---", "---", "---", "---:", "---:", "---:"});
  for (const PaperModelResults& m : results.models) {
    std::vector<std::pair<std::string, std::string>> series;  // (method, reference), in order
    for (const ConvergenceResult& r : m.convergence)
      if (std::find(series.begin(), series.end(), std::pair(r.method, r.reference)) == series.end())
        series.emplace_back(r.method, r.reference);
    for (const auto& [method, reference] : series) {
      std::vector<std::string> cells = {m.dataset, m.model, method, reference};
      for (const int64_t samples : {100, 1000, 10000}) {
        std::string cell;
        for (const ConvergenceResult& r : m.convergence)
          if (r.method == method && r.reference == reference && r.samples == samples)
            cell = Format(r.l1_mean, kConvergenceDecimals);
        cells.push_back(cell);
      }
      md << MarkdownRow(cells);
    }
  }
  md << "\n" << ConvergenceVerdictText(results, JudgeConvergence(results, 100, 10000)) << "\n";
  return md.str();
}

std::string PaperReport(const PaperResults& results, const ReleasedNumbers& released,
                        const std::vector<DrawnPlot>& plots) {
  std::string md = PaperRunSection(results, released);
  md += Exp1Section(results, released);
  md += Exp1bSection(results, released);
  md += Exp2Section(results, released);
  md += Exp3Section(results, released);
  md += NoFreeLunchSection(results);
  md += ConvergenceSection(results);
  if (!plots.empty()) {
    md += "\n## Plots\n\n";
    for (const DrawnPlot& plot : plots) md += "![" + plot.caption + "](" + plot.file + ")\n\n";
  }
  return md;
}

}  // namespace lfa
