// The image study's CSV tables, written from the typed results (results.h):
//   models.csv   model, test_accuracy, train_seconds
//   metrics.csv  model, explainer, metric, mean, sem        (one row per model, map and metric)
//   nfl.csv      dataset, model, explainer, neighbourhood, loss, mean, sem
//                (per model, column by column of the no-free-lunch matrix, rows by name)
// Means and standard errors print with six significant digits (FormatG).
//
//   WriteImageStudyTables("out/images", results);   // after each model: the tables so far
//
// WARNING: these tables are the study's output, not its input: the report is written from the
// same typed results, never from the text of these files.
#pragma once

#include <string>

#include "experiments/io/csv.h"
#include "experiments/studies/images/results.h"

namespace lfa {

TextTable ImageMetricsTable(const ImageStudyResults& results);
TextTable ImageNflTable(const ImageStudyResults& results);

// models.csv, metrics.csv and nfl.csv in directory `out`, each atomically.
void WriteImageStudyTables(const std::string& out, const ImageStudyResults& results);

}  // namespace lfa
