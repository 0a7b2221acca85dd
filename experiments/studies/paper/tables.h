// The CSV tables of `lfa reproduce paper`, made from the typed results (results.h). exp1-exp3 keep
// the columns and method names of the paper's released CSVs, so a released file and ours can be
// compared with any CSV tool; nfl.csv and convergence.csv are this study's own.
//
//   exp1.csv         dataset,model,classic,lfa,l1_mean,cosine_mean
//   exp1b.csv        dataset,model,sweep,value,l1_median,cosine_median
//   exp2.csv         dataset,model,source,method,reference,l1_mean,cosine_mean
//   exp3.csv         dataset,model,method,ranking,perturbation,k,mean,sem
//   nfl.csv          dataset,model,explainer,neighbourhood,loss,mean,sem
//   convergence.csv  dataset,model,method,reference,samples,l1_mean,cosine_mean
//
//   WritePaperTables(results, "out/reproduce");   // the six files, each written atomically
//
// WARNING: the numbers print with their published precision (results.h); a table that printed
// more digits than the results hold would suggest a precision the verdicts never used.
#pragma once

#include <string>

#include "experiments/io/csv.h"
#include "experiments/studies/paper/results.h"

namespace lfa {

// A sweep value as the released CSVs print it: 0.3, 0.05, 0.
std::string FormatSweepValue(double value);

TextTable Exp1Table(const PaperResults& results);
TextTable Exp1bTable(const PaperResults& results);
TextTable Exp2Table(const PaperResults& results);
TextTable Exp3Table(const PaperResults& results);
TextTable NflTable(const PaperResults& results);
TextTable ConvergenceTable(const PaperResults& results);

// Writes the six tables into the directory `out` (which must exist).
void WritePaperTables(const PaperResults& results, const std::string& out);

}  // namespace lfa
