// The ROAR study's report (report.md) and plot (roar.png), from its typed results.
//
// The report states the scale of the run, the ROAR and KAR tables, every method against random,
// the paper's ROAR claims with "holds here?", and caveats. Every verdict in it is computed from
// the numbers it talks about: the comparisons with random (roar_results.h), whether KAR at the
// smallest fraction keeps the unmodified accuracy (and whether random keeping does), how far
// ROAR at the largest fraction stays above the chance level, and how many degrees of freedom the
// standard errors have.
//
//   RoarReportFacts facts{.train_images = 8000, .test_images = 10000, .chance = 0.1, ...};
//   facts.plotted = DrawRoarPlot(results, options);
//   WriteRoarReport(results, options, facts);
//
// WARNING: "beats random" is a consistency rule (twice the combined standard error at most
// fractions), not a significance test; with one retrain there is no standard error at all.
#pragma once

#include <cstdint>
#include <string>

#include "experiments/studies/roar/roar_results.h"
#include "experiments/studies/roar/roar_study.h"

namespace lfa {

// What the report says about the run besides the results.
struct RoarReportFacts {
  int64_t train_images = 0;    // the training subset
  int64_t test_images = 0;     // the test subset
  double chance = NAN;         // share of the test subset's most frequent label
  double seconds = 0;          // the whole run
  double maps_seconds = 0;     // computing rankings that were not cached
  double leakage_seconds = 0;  // collecting the results and fitting the mask-leakage classifiers
  int64_t trained_now = 0;     // retrains run by this run (the rest came from the journal)
  double journal_seconds = 0;  // training seconds recorded in the journal for these cells
  int64_t journal_runs = 0;
  bool plotted = false;        // roar.png was drawn
};

// roar.png (a ROAR and a KAR panel) in options.out when gnuplot is installed; true when drawn.
bool DrawRoarPlot(const RoarResults& results, const RoarStudyOptions& options);

// options.out/report.md.
void WriteRoarReport(const RoarResults& results, const RoarStudyOptions& options,
                     const RoarReportFacts& facts);

}  // namespace lfa
