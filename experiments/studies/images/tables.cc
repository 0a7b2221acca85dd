#include "experiments/studies/images/tables.h"

#include <vector>

#include "experiments/report/markdown.h"
#include "experiments/studies/common/study_models.h"

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

void WriteImageStudyTables(const std::string& out, const ImageStudyResults& results) {
  std::vector<StudyModel> models;
  for (const ImageModelResult& m : results.models) models.push_back(m.model);
  WriteStudyModelsCsv(out + "/models.csv", "model", models);
  ImageMetricsTable(results).Write(out + "/metrics.csv");
  ImageNflTable(results).Write(out + "/nfl.csv");
}

}  // namespace lfa
