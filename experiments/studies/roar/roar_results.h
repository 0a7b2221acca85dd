// Results of the ROAR study as typed values: every cell's retrains and their summary, the
// accuracy curves by mode and method, and each method set against the random baseline.
//
// A cell's accuracy is the mean and standard error (n - 1) of its retrains' test accuracies
// (metrics/summary.h; sem is NaN for one retrain). A method *beats random* in a mode when it is
// better than random (ROAR: lower accuracy; KAR: higher) by more than twice the combined standard
// error sqrt(sem_m^2 + sem_random^2) (a NaN sem counts as 0) at a majority of the fractions both
// were run at; it *loses to random* when it is worse likewise; otherwise it is indistinguishable.
//
//   RoarResults results = SummarizeRoarRuns(cells);          // cells with their runs
//   for (const RandomComparison& c : CompareWithRandom(results, options.methods))
//     std::cout << c.mode << " " << c.method << ": " << VersusRandomText(c.verdict) << "\n";
//   WriteRoarTables(results, out);                           // roar.csv and runs.csv
//
// WARNING: with two retrains the rule is a consistency rule, not a significance test.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "experiments/studies/roar/roar_journal.h"

namespace lfa {

struct AccuracySummary {
  double mean = NAN;
  double sem = NAN;  // NaN with one retrain
  int64_t n = 0;
};

struct RoarCellResult {
  RoarCell cell;
  std::vector<RoarRun> runs;  // by retrain
  AccuracySummary accuracy;   // over runs
};

// Test accuracy by fraction, for one mode and method.
using RoarCurve = std::map<double, AccuracySummary>;

struct RoarResults {
  std::vector<RoarCellResult> cells;  // the unmodified reference, then per method, mode, fraction
  AccuracySummary unmodified;
  std::map<std::string, std::map<std::string, RoarCurve>> curves;  // mode -> method -> curve

  // The curve of `method` in `mode`, or null when it was not run.
  const RoarCurve* Curve(const std::string& mode, const std::string& method) const;
};

// Summarises each cell's runs and collects the curves; the cell with mode "none" is the
// unmodified reference.
RoarResults SummarizeRoarRuns(std::vector<RoarCellResult> cells);

enum class VersusRandom { kBeats, kLoses, kIndistinguishable };

// "beats random", "loses to random", "indistinguishable".
std::string VersusRandomText(VersusRandom verdict);

struct RandomComparison {
  std::string mode, method;
  std::vector<std::pair<double, double>> differences;  // (fraction, method - random), by fraction
  VersusRandom verdict = VersusRandom::kIndistinguishable;
};

// Every method of `methods` but random against random, ROAR first, then KAR, in `methods` order;
// a mode without a random curve contributes nothing.
std::vector<RandomComparison> CompareWithRandom(const RoarResults& results,
                                                const std::vector<std::string>& methods);

// roar.csv (mode, fraction, method, metric, mean, sem, n) and runs.csv (mode, fraction, method,
// retrain, seed, test_accuracy, seconds) in `out`, one row per cell / run in cell order.
void WriteRoarTables(const RoarResults& results, const std::string& out);

}  // namespace lfa
