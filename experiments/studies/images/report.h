// The image study's report.md, written from the typed results (results.h): the models, one table
// of faithfulness metrics per model (best of each column in bold), one no-free-lunch matrix per
// model (each cell the loss divided by the column's smallest, the winner in bold, the diagonal
// marked), the montages, and the verdict paragraphs of verdicts.h between them.
//
//   const std::string md = ImageStudyReport(results);      // pure: same results, same text
//   WriteImageStudyReport("out/images/report.md", results);
//
// WARNING: the report must be written from the same results as the CSVs. It ranks and divides the
// values as the CSVs publish them (six significant digits, PublishedValue in verdicts.h): dividing
// the full-precision values instead would move a ratio's last printed digit away from what a
// reader recomputes from nfl.csv.
#pragma once

#include <string>

#include "experiments/studies/images/results.h"

namespace lfa {

std::string ImageStudyReport(const ImageStudyResults& results);

// ImageStudyReport, written atomically to `path`.
void WriteImageStudyReport(const std::string& path, const ImageStudyResults& results);

}  // namespace lfa
