#include "experiments/studies/images/verdicts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "experiments/io/text.h"
#include "experiments/report/markdown.h"

namespace lfa {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Percent(double share) { return Format(100.0 * share, 1) + "%"; }

// One exception of the diagonal, as a bullet of the report.
std::string ExceptionLine(const std::string& model, const NflMatrix& matrix, size_t column,
                          const NflColumnVerdict& v, int64_t features) {
  std::string line = model;
  line += ", column ";
  line += matrix.columns[column].name;
  line += ": won by ";
  line += v.best_row >= 0 ? matrix.rows[v.best_row].name : "no explanation (no finite loss)";
  if (v.diagonal_row < 0) {
    line += "; the column's own composition is not a row";
  } else {
    line += "; the diagonal is ";
    line += Format(v.diagonal_ratio, 3);
    line += "x the best";
  }
  if (v.shared_solution) {
    line += " (the same population solution by Stein's lemma, estimated from gradients instead of a ";
    line += std::to_string(features + 1);
    line += "-coefficient regression)";
  }
  return line;
}

// The estimator note for the exceptions that a shared population solution explains.
std::string SharedSolutionNote(const ImageStudyResults& results, double min_ratio,
                               double max_ratio, int64_t count) {
  std::ostringstream md;
  md << "A composition's explanation minimises its loss over the population of perturbations; "
        "what is fitted is an estimate from " << results.options.samples << " samples. C-LIME "
        "fits " << results.features + 1 << " coefficients per image (one per pixel and the "
        "intercept) by least squares, so its estimate carries sampling noise, which fresh samples "
        "expose. SmoothGrad with the same sigma has the same population solution (Stein's lemma: "
        "the slope of the Gaussian-weighted linear fit is the Gaussian-averaged gradient) and "
        "estimates it from gradients; in the " << count << " C-LIME column"
     << (count == 1 ? "" : "s") << " it wins, C-LIME's own explanation has "
     << (min_ratio == max_ratio ? Format(min_ratio, 3) : Format(min_ratio, 3) + " to " + Format(max_ratio, 3))
     << " times its loss. This is a statement about estimators, not about the LFA objective: the "
        "objective's minimiser is shared.";
  return md.str();
}

// "No single explanation is best over every neighbourhood: ..." from the column winners.
std::string BestEverywhereSentence(const ImageStudyResults& results) {
  int64_t most = -1, columns = 0;
  std::string who;
  for (const ImageModelResult& m : results.models) {
    const auto verdicts = JudgeNflColumns(m.nfl);
    for (size_t r = 0; r < m.nfl.rows.size(); ++r) {
      const auto won = std::count_if(verdicts.begin(), verdicts.end(), [&](const NflColumnVerdict& v) {
        return v.best_row == static_cast<int64_t>(r);
      });
      if (won > most) {
        most = won;
        columns = static_cast<int64_t>(verdicts.size());
        who = m.nfl.rows[r].name + " on " + m.model.name;
      }
    }
  }
  if (most < 0) return "";
  std::ostringstream md;
  if (most < columns)
    md << "No single explanation is best over every neighbourhood: the most columns one "
          "explanation wins is " << most << " of " << columns << " (" << who << ").\n";
  else
    md << who << " is best over every neighbourhood of the matrix: on this model the matrix "
          "shows no free-lunch trade-off.\n";
  return md.str();
}

// Which methods' bottom-k pixels lie (mostly) on the background of one model's images.
std::string BottomKClause(const ImageModelResult& m, const std::string& bottom) {
  std::vector<std::string> all, most;
  double rest = -1;  // the largest share among the methods not named
  for (const ExplainerScores& e : m.scores) {
    const std::string gap = FormatG(e.Get(ImageMetric::kBottomKGap).mean);
    if (e.bottomk_at_baseline >= 1.0)
      all.push_back(e.explainer + " (gap " + gap + ")");
    else if (e.bottomk_at_baseline >= kMostlyBackground)
      most.push_back(e.explainer + " (" + Percent(e.bottomk_at_baseline) + ", gap " + gap + ")");
    else
      rest = std::max(rest, e.bottomk_at_baseline);
  }
  std::ostringstream clause;
  if (all.empty() && most.empty()) {
    clause << "no method's " << bottom << " pixels are mostly background";
    if (rest >= 0) clause << " (at most " << Percent(rest) << ")";
    return clause.str();
  }
  if (!all.empty()) clause << "all " << bottom << " pixels are background for " << Join(all, ", ");
  if (!all.empty() && !most.empty()) clause << "; ";
  if (!most.empty()) clause << "most are for " << Join(most, ", ");
  if (rest >= 0) clause << "; for the other methods at most " << Percent(rest) << " are";
  return clause.str();
}

}  // namespace

double PublishedValue(double value) {
  if (!std::isfinite(value)) return value;
  return ParseDouble(FormatG(value)).value_or(value);
}

std::vector<NflColumnVerdict> JudgeNflColumns(const NflMatrix& matrix) {
  std::vector<NflColumnVerdict> verdicts;
  for (size_t c = 0; c < matrix.columns.size(); ++c) {
    NflColumnVerdict v;
    double best = INFINITY;
    for (size_t r = 0; r < matrix.rows.size(); ++r) {
      const double loss = PublishedValue(matrix.loss[r][c].mean);
      if (loss < best) best = loss, v.best_row = static_cast<int64_t>(r);
    }
    v.best_loss = v.best_row >= 0 ? best : kNaN;
    v.diagonal_row = matrix.RowOf(matrix.columns[c].name);
    v.diagonal_wins = v.best_row >= 0 && v.best_row == v.diagonal_row;
    v.diagonal_ratio = v.best_row >= 0 && v.diagonal_row >= 0
                           ? PublishedValue(matrix.loss[v.diagonal_row][c].mean) / best
                           : kNaN;
    if (!v.diagonal_wins && v.best_row >= 0) {  // lost to SmoothGrad at the same sigma?
      const NflComposition& column = matrix.columns[c];
      const NflComposition& winner = matrix.rows[v.best_row];
      v.shared_solution = column.method == "clime" && winner.method == "smoothgrad" &&
                          winner.sigma == column.sigma;
    }
    verdicts.push_back(v);
  }
  return verdicts;
}

std::string NflVerdict(const ImageStudyResults& results) {
  int64_t wins = 0, cells = 0, shared = 0;
  double min_ratio = INFINITY, max_ratio = -INFINITY;
  std::vector<std::string> exceptions;
  for (const ImageModelResult& m : results.models) {
    const auto verdicts = JudgeNflColumns(m.nfl);
    for (size_t c = 0; c < verdicts.size(); ++c) {
      const NflColumnVerdict& v = verdicts[c];
      ++cells;
      if (v.diagonal_wins) {
        ++wins;
        continue;
      }
      exceptions.push_back(ExceptionLine(m.model.name, m.nfl, c, v, results.features));
      if (v.shared_solution) {
        ++shared;
        min_ratio = std::min(min_ratio, v.diagonal_ratio);
        max_ratio = std::max(max_ratio, v.diagonal_ratio);
      }
    }
  }
  std::ostringstream md;
  md << "\nThe diagonal wins " << wins << " of " << cells << " columns.";
  if (exceptions.empty()) {
    md << " It wins every column: on images too, each explanation is the best local model over "
          "its own neighbourhood.\n";
  } else {
    md << " Where it does not:\n\n";
    for (const auto& e : exceptions) md << "- " << e << "\n";
    const auto others = static_cast<int64_t>(exceptions.size()) - shared;
    if (shared > 0) md << "\n" << SharedSolutionNote(results, min_ratio, max_ratio, shared);
    if (others == 0)
      md << " Every other column is won by its own composition.\n";
    else
      md << (shared > 0 ? " The other " : "\n") << others << " exception"
         << (others == 1 ? " is" : "s are") << " not explained by a shared population solution.\n";
  }
  md << "\n" << BestEverywhereSentence(results);
  return md.str();
}

std::string BackgroundVerdict(const ImageStudyResults& results) {
  std::string bottom = "bottom-";
  bottom += Format(100.0 * results.top_fraction, 0);
  bottom += "%";
  std::ostringstream md;
  md << "Reading the table: " << Percent(results.background_fraction) << " of the pixels of the "
     << results.options.points << " explained images are 0, the removal baseline (black "
        "background). Removing such a pixel changes nothing, so a method whose " << bottom
     << " pixels all lie there has a bottom-k gap of 0 by construction, not as a sign of insight.";
  for (const ImageModelResult& m : results.models)
    md << " On " << m.model.name << ", " << BottomKClause(m, bottom) << ".";
  md << "\n";
  return md.str();
}

std::string CamSmoothingVerdict(const ImageStudyResults& results) {
  std::ostringstream md;
  for (const ImageModelResult& m : results.models) {
    if (!m.cam_smoothing_difference) continue;
    const double d = *m.cam_smoothing_difference;
    if (d <= kEqualMapsTolerance) {
      md << "On " << m.model.name << " Smooth Grad-CAM++ equals Grad-CAM++ up to float32 rounding "
            "(the maps differ by at most " << FormatG(d) << " of the largest value). docs/images.md derives this where the "
            "class score is linear in the explained layer's activation, as at the zoo CNN's last "
            "pooling output: every noisy copy then has the same gradient, and the averaged "
            "derivative powers are the clean ones.\n";
    } else {
      md << "On " << m.model.name << " Smooth Grad-CAM++ differs from Grad-CAM++ by up to "
         << FormatG(d) << " of the largest map value (" << Percent(d) << "): averaging over "
            "noisy copies changed the maps.\n";
    }
  }
  return md.str();
}

}  // namespace lfa
