// The image study's verdicts: every sentence of report.md that states a finding, computed from the
// typed results it talks about, so that different numbers give a different sentence.
//
//   - JudgeNflColumns: for each column of the no-free-lunch matrix, the row with the smallest
//     loss, whether that is the column's own composition (the "diagonal" the theory predicts to
//     win), and whether a miss is explained by a shared population solution: C-LIME and
//     SmoothGrad at the same sigma minimise the same population objective (Stein's lemma:
//     E[xi xi^T]^-1 E[xi f(x + xi)] = E[grad f(x + xi)] for xi ~ N(0, sigma^2 I)), so SmoothGrad
//     winning C-LIME's column is a statement about estimators, not about the objective.
//   - NflVerdict: the count of diagonal wins, the exceptions, and how far any one explanation
//     is from being best everywhere.
//   - BackgroundVerdict: how much of the images sits at the removal baseline and which methods'
//     bottom-k pixels lie there (a bottom-k gap of 0 by construction, not by insight).
//   - CamSmoothingVerdict: whether Smooth Grad-CAM++ came out equal to Grad-CAM++.
//
//   const auto verdicts = JudgeNflColumns(results.models[0].nfl);
//   if (!verdicts[3].diagonal_wins) ...                // column 3 was won by another explanation
//   report << NflVerdict(results);                      // "The diagonal wins 16 of 22 columns. ..."
//
// WARNING: a column's best is the smallest published mean loss over the images (PublishedValue),
// first row on ties; the
// standard errors are shown in nfl.csv but do not enter the verdict, so with few images a "win"
// can be within noise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/studies/images/results.h"

namespace lfa {

// Maps closer than this (max |a - b| / max |b|) count as equal: the zoo models compute in float32
// (machine epsilon 1.2e-7), and averaging noisy copies' float32 gradients moves the last bits.
inline constexpr double kEqualMapsTolerance = 1e-5;
// A method whose bottom-k pixels are at least this share background is named in the verdict.
inline constexpr double kMostlyBackground = 0.9;

// `value` as metrics.csv and nfl.csv state it (six significant digits, FormatG). The report ranks
// and divides these published values, so every bold cell and ratio can be recomputed from the CSVs
// (and ties at the published precision go to the first row, as a reader would break them).
double PublishedValue(double value);

struct NflColumnVerdict {
  int64_t best_row = -1;           // smallest published mean loss; -1 when no loss is a number
  int64_t diagonal_row = -1;       // the column's own composition; -1 when it is not a row
  double best_loss = 0.0;          // its published mean loss (NaN without a best row)
  double diagonal_ratio = 0.0;     // published diagonal loss / best loss (NaN without either)
  bool diagonal_wins = false;
  bool shared_solution = false;    // lost to SmoothGrad at C-LIME's sigma (see the header)
};

// One verdict per column of `matrix`, in column order.
std::vector<NflColumnVerdict> JudgeNflColumns(const NflMatrix& matrix);

// The paragraphs after the no-free-lunch tables: wins, exceptions, the estimator note.
std::string NflVerdict(const ImageStudyResults& results);

// The paragraph before the metric tables: background share and bottom-k at the baseline.
std::string BackgroundVerdict(const ImageStudyResults& results);

// One sentence per model with CAMs: Smooth Grad-CAM++ against Grad-CAM++; empty without CAMs.
std::string CamSmoothingVerdict(const ImageStudyResults& results);

}  // namespace lfa
