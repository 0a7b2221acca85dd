#include "experiments/studies/images/nfl_sweep.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "experiments/report/markdown.h"
#include "experiments/studies/images/verdicts.h"
#include "explainers/recipes.h"

namespace lfa {
namespace {

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

int64_t DiagonalWins(const std::vector<NflColumnVerdict>& verdicts) {
  return std::count_if(verdicts.begin(), verdicts.end(),
                       [](const NflColumnVerdict& v) { return v.diagonal_wins; });
}

ClimeColumnAtSamples SummarizeColumn(const ImageModelResult& m, const NflSweepPoint& point,
                                     size_t column, const std::vector<NflColumnVerdict>& verdicts,
                                     int64_t features) {
  const NflMatrix& matrix = point.matrix;
  const NflColumnVerdict& v = verdicts[column];
  ClimeColumnAtSamples s;
  s.model = m.model.name;
  s.samples = point.samples;
  s.seconds = point.seconds;
  s.column = matrix.columns[column].name;
  s.diagonal_loss = v.diagonal_row >= 0 ? PublishedValue(matrix.loss[v.diagonal_row][column].mean) : kUndefined;
  s.best_row = v.best_row >= 0 ? matrix.rows[v.best_row].name : "";
  s.best_loss = v.best_loss;
  s.ratio = v.diagonal_ratio;
  s.diagonal_wins = DiagonalWins(verdicts);
  s.columns = static_cast<int64_t>(verdicts.size());
  s.determined = std::isfinite(ExcessFactor(point.samples, features, ClimeIsAntithetic()));
  return s;
}

// "3.12 (1000), 1.40 (4000)": a column's ratios along the sweep.
std::string RatioList(const std::vector<ClimeColumnAtSamples>& line) {
  std::string list;
  for (const ClimeColumnAtSamples& s : line) {
    if (!list.empty()) list += ", ";
    list += Format(s.ratio, 3);
    list += " (";
    list += std::to_string(s.samples);
    list += ")";
  }
  return list;
}

// The law's sentence for one column: fitted limit, and the prediction of the largest count.
std::string LawSentence(const std::vector<ClimeColumnAtSamples>& line, int64_t features) {
  const bool antithetic = ClimeIsAntithetic();
  std::vector<double> x, y;
  std::vector<int64_t> counts;
  for (const ClimeColumnAtSamples& s : line) {
    const double factor = ExcessFactor(s.samples, features, antithetic);
    if (!std::isfinite(factor)) continue;
    x.push_back(factor), y.push_back(s.diagonal_loss), counts.push_back(s.samples);
  }
  std::ostringstream md;
  if (x.size() < 2) {
    md << " The least-squares law needs two counts with a full-rank fit (" << (antithetic ? "n / 2" : "n - 1")
       << " > " << features + 1 << "); this sweep has " << x.size() << ".";
    return md.str();
  }
  const ExcessLawFit all = FitExcessLaw(x, y);
  md << " Fitted to the " << x.size() << " full-rank counts, L* + s^2 D / (m - D - 1) gives L* = "
     << FormatG(all.limit) << ", " << (all.limit < line.back().best_loss ? "below" : "not below")
     << " the best row's loss at " << line.back().samples << " (" << FormatG(line.back().best_loss)
     << ").";
  if (x.size() >= 3) {
    const ExcessLawFit head = FitExcessLaw({x.begin(), x.end() - 1}, {y.begin(), y.end() - 1});
    const double predicted = head.limit + head.scale * x.back();
    md << " Fitted without the largest count, the law predicts " << FormatG(predicted) << " at "
       << counts.back() << " samples; measured " << FormatG(y.back()) << " (the prediction is "
       << Format(100.0 * std::abs(predicted - y.back()) / y.back(), 1) << "% "
       << (predicted < y.back() ? "below" : "above") << ").";
  }
  return md.str();
}

}  // namespace

bool ClimeIsAntithetic() {
  const nlohmann::json spec = RecipeSpec("clime");
  return spec.at("neighbourhood").value("antithetic", false);
}

double ExcessFactor(int64_t samples, int64_t features, bool antithetic) {
  const double m = antithetic ? static_cast<double>(samples / 2) : static_cast<double>(samples - 1);
  const double d = static_cast<double>(features);
  return m > d + 1 ? d / (m - d - 1) : kUndefined;
}

ExcessLawFit FitExcessLaw(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
  if (x.size() < 2 || !(sxx > 0)) return {kUndefined, kUndefined};
  const double scale = sxy / sxx;
  return {my - scale * mx, scale};
}

std::vector<ClimeColumnAtSamples> SummarizeNflSweep(const ImageStudyResults& results) {
  std::vector<ClimeColumnAtSamples> summary;
  for (const ImageModelResult& m : results.models) {
    if (m.nfl_sweep.empty()) continue;
    const std::vector<NflComposition>& columns = m.nfl_sweep.front().matrix.columns;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c].method != "clime") continue;
      for (const NflSweepPoint& point : m.nfl_sweep)
        summary.push_back(SummarizeColumn(m, point, c, JudgeNflColumns(point.matrix), results.features));
    }
  }
  return summary;
}

// Lines of (model, column), each along the sweep: consecutive runs of SummarizeNflSweep's rows.
std::string NflSweepVerdict(const ImageStudyResults& results) {
  const std::vector<ClimeColumnAtSamples> summary = SummarizeNflSweep(results);
  if (summary.empty()) return "";
  std::ostringstream md;
  int64_t lines = 0, falling = 0, winning = 0;
  for (size_t begin = 0; begin < summary.size();) {
    size_t end = begin + 1;
    while (end < summary.size() && summary[end].model == summary[begin].model &&
           summary[end].column == summary[begin].column)
      ++end;
    const std::vector<ClimeColumnAtSamples> line(summary.begin() + begin, summary.begin() + end);
    bool monotone = true;
    for (size_t i = 1; i < line.size(); ++i) monotone = monotone && line[i].ratio <= line[i - 1].ratio;
    const bool falls = line.size() > 1 && monotone && line.back().ratio < line.front().ratio;
    const bool wins = line.back().best_row == line.back().column;
    ++lines, falling += falls, winning += wins;
    md << "- " << line.front().model << ", column " << line.front().column << ": the diagonal / best "
       << "ratio is " << RatioList(line) << "; "
       << (falls ? "it falls toward 1 at every step"
                 : line.back().ratio < line.front().ratio ? "it falls overall, not at every step"
                                                          : "it does not fall")
       << ". At " << line.back().samples << " samples the diagonal "
       << (wins ? "wins its column" : "loses its column to " + line.back().best_row) << "."
       << LawSentence(line, results.features) << "\n";
    begin = end;
  }
  md << "\nOver the " << lines << " C-LIME column" << (lines == 1 ? "" : "s") << " of the sweep, the "
     << "ratio falls toward 1 at every step in " << falling << " and the diagonal wins at the largest "
     << "count in " << winning << ".\n";
  return md.str();
}

}  // namespace lfa
