// Results of the ROAR study as typed values: every cell's retrains and their summary, the
// accuracy curves by removal (channel mean or ROAD), mode and method, each method set against the
// random baseline under the same removal, and the mask-leakage accuracies.
//
// A cell's accuracy is the mean and standard error (n - 1) of its retrains' test accuracies
// (metrics/summary.h; sem is NaN for one retrain). A method *beats random* in a mode when it is
// better than random (ROAR: lower accuracy; KAR: higher) by more than twice the combined standard
// error sqrt(sem_m^2 + sem_random^2) (a NaN sem counts as 0) at a majority of the fractions both
// were run at; it *loses to random* when it is worse likewise; otherwise it is indistinguishable.
// Methods are compared with random under the same removal only.
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

// How well a linear classifier predicts the label from the removal mask of the top-t pixels alone
// (metrics/mask_leakage.h); the same for ROAR and KAR at t (the masks are complements).
struct MaskLeakage {
  std::string method;
  double fraction = 0;
  double test_accuracy = NAN;
};

struct RoarResults {
  std::vector<RoarCellResult> cells;  // the unmodified reference, then per removal, method, mode, fraction
  AccuracySummary unmodified;
  // removal -> mode -> method -> curve
  std::map<std::string, std::map<std::string, std::map<std::string, RoarCurve>>> curves;
  std::vector<MaskLeakage> leakage;  // by method, then fraction
  double chance = NAN;               // share of the test subset's most frequent label

  // The curve of `method` in `mode` under `removal`, or null when it was not run.
  const RoarCurve* Curve(const std::string& mode, const std::string& method,
                         const std::string& removal = "mean") const;
  // The mask leakage of `method` at `fraction`, or null.
  const MaskLeakage* Leakage(const std::string& method, double fraction) const;
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
  std::string removal = "mean";
  std::vector<double> standard_errors;  // sqrt(sem_m^2 + sem_random^2), by fraction
};

// Every method of `methods` but random against random under the same removal: per removal (mean,
// then road), ROAR first, then KAR, in `methods` order; a mode without a random curve contributes
// nothing.
std::vector<RandomComparison> CompareWithRandom(const RoarResults& results,
                                                const std::vector<std::string>& methods);

// roar.csv (removal, mode, fraction, method, metric, mean, sem, n), runs.csv (removal, mode,
// fraction, method, retrain, seed, test_accuracy, seconds) and, when results.leakage is not empty,
// leakage.csv (method, fraction, mask_test_accuracy, chance) in `out`, one row per cell / run /
// fit in order.
void WriteRoarTables(const RoarResults& results, const std::string& out);

}  // namespace lfa
