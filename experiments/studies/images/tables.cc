#include "experiments/studies/images/tables.h"

#include <string>
#include <vector>

#include "experiments/report/markdown.h"
#include "experiments/studies/common/study_models.h"
#include "experiments/studies/images/nfl_sweep.h"

namespace lfa {

TextTable ImageMetricsTable(const ImageStudyResults& results) {
  TextTable table{{"model", "explainer", "metric", "mean", "sem"}, {}};
  for (const ImageModelResult& m : results.models)
    for (const ExplainerScores& e : m.scores)
      for (ImageMetric metric : kImageMetrics) {
        const MetricSummary& s = e.Get(metric);
        table.rows.push_back({m.model.name, e.explainer, ImageMetricName(metric), FormatG(s.mean),
                              FormatG(s.sem)});
      }
  return table;
}

TextTable ImageNflTable(const ImageStudyResults& results) {
  TextTable table{{"dataset", "model", "explainer", "neighbourhood", "loss", "mean", "sem"}, {}};
  for (const ImageModelResult& m : results.models) {
    const NflMatrix& nfl = m.nfl;
    for (size_t c = 0; c < nfl.columns.size(); ++c)
      for (size_t r = 0; r < nfl.rows.size(); ++r) {
        const MetricSummary& s = nfl.loss[r][c];
        table.rows.push_back({"fashion_mnist", m.model.name, nfl.rows[r].name, nfl.columns[c].name,
                              nfl.column_losses[c], FormatG(s.mean), FormatG(s.sem)});
      }
  }
  return table;
}

bool HasNflSweep(const ImageStudyResults& results) {
  for (const ImageModelResult& m : results.models)
    if (!m.nfl_sweep.empty()) return true;
  return false;
}

TextTable ImageNflSweepTable(const ImageStudyResults& results) {
  TextTable table{{"model", "samples", "seconds", "column", "diagonal_loss", "best_row", "best_loss",
                   "ratio", "diagonal_wins", "columns", "full_rank"},
                  {}};
  for (const ClimeColumnAtSamples& s : SummarizeNflSweep(results))
    table.rows.push_back({s.model, std::to_string(s.samples), Format(s.seconds, 1), s.column,
                          FormatG(s.diagonal_loss), s.best_row, FormatG(s.best_loss), FormatG(s.ratio),
                          std::to_string(s.diagonal_wins), std::to_string(s.columns),
                          s.determined ? "true" : "false"});
  return table;
}

TextTable ImageNflSweepMatrixTable(const ImageStudyResults& results) {
  TextTable table{{"dataset", "model", "samples", "explainer", "neighbourhood", "loss", "mean", "sem"},
                  {}};
  for (const ImageModelResult& m : results.models)
    for (const NflSweepPoint& point : m.nfl_sweep) {
      const NflMatrix& nfl = point.matrix;
      for (size_t c = 0; c < nfl.columns.size(); ++c)
        for (size_t r = 0; r < nfl.rows.size(); ++r) {
          const MetricSummary& s = nfl.loss[r][c];
          table.rows.push_back({"fashion_mnist", m.model.name, std::to_string(point.samples),
                                nfl.rows[r].name, nfl.columns[c].name, nfl.column_losses[c],
                                FormatG(s.mean), FormatG(s.sem)});
        }
    }
  return table;
}

void WriteImageStudyTables(const std::string& out, const ImageStudyResults& results) {
  std::vector<StudyModel> models;
  for (const ImageModelResult& m : results.models) models.push_back(m.model);
  WriteStudyModelsCsv(out + "/models.csv", "model", models);
  ImageMetricsTable(results).Write(out + "/metrics.csv");
  ImageNflTable(results).Write(out + "/nfl.csv");
  if (!HasNflSweep(results)) return;
  ImageNflSweepTable(results).Write(out + "/nfl_sweep.csv");
  ImageNflSweepMatrixTable(results).Write(out + "/nfl_sweep_matrix.csv");
}

}  // namespace lfa
