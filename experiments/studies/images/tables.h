// The image study's CSV tables, written from the typed results (results.h):
//   models.csv   model, test_accuracy, train_seconds
//   metrics.csv  model, explainer, metric, mean, sem        (one row per model, map and metric)
//   nfl.csv      dataset, model, explainer, neighbourhood, loss, mean, sem
//                (per model, column by column of the no-free-lunch matrix, rows by name)
// and, with --nfl-samples only (a run without it writes neither file):
//   nfl_sweep.csv         model, samples, seconds, column, diagonal_loss, best_row, best_loss, ratio,
//                         diagonal_wins, columns, full_rank (one row per model, C-LIME column and
//                         sample count: SummarizeNflSweep, nfl_sweep.h)
//   nfl_sweep_matrix.csv  dataset, model, samples, explainer, neighbourhood, loss, mean, sem (every
//                         cell of every sweep point's matrix, like nfl.csv)
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
TextTable ImageNflSweepTable(const ImageStudyResults& results);
TextTable ImageNflSweepMatrixTable(const ImageStudyResults& results);

// Whether any model carries a sample sweep.
bool HasNflSweep(const ImageStudyResults& results);

// models.csv, metrics.csv and nfl.csv (and the sweep's two tables) in directory `out`, each
// atomically.
void WriteImageStudyTables(const std::string& out, const ImageStudyResults& results);

}  // namespace lfa
