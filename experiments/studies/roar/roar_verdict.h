// The ROAR study's verdict on the ensembles: do SmoothGrad-Squared and VarGrad beat random once
// the removal mask no longer shows (ROAD's imputation), and does their mask leak the label?
//
// Hooker et al. find SG-SQ and VarGrad far better than random under ROAR; on Fashion-MNIST with
// the channel-mean removal they are not. The hypothesis is leakage: the mean-filled silhouette of
// the removed set tells the retrained model the class. Two measurements test it:
//   - under ROAD's removal (no flat silhouette) the method's ROAR curve against random's
//     (roar_results.h's majority rule, and the difference at the largest fraction T with its
//     combined standard error sqrt(sem_m^2 + sem_random^2));
//   - the mask leakage at T: the accuracy of a linear classifier that sees only the removal mask.
//     It is *high* when it recovers at least half of the unmodified model's margin over chance:
//         leak - chance >= (unmodified - chance) / 2.
// What the numbers support, per method (every clause computed):
//   beats random under the mean removal             -> no disagreement with the paper to explain;
//   beats under ROAD only, leakage high              -> the leakage explanation;
//   beats under ROAD only, leakage not high          -> ROAD changes the verdict, but the linear
//                                                       mask read-out does not show the leak;
//   does not beat under ROAD, leakage high           -> the mask leaks, but removing the leak does
//                                                       not make the method beat random: leakage
//                                                       is not the whole explanation;
//   does not beat under ROAD, leakage not high       -> neither;
//   a removal or the leakage missing                 -> undetermined.
//
//   for (const EnsembleVerdict& v : EnsembleVerdicts(results, options.fractions))
//     md << EnsembleVerdictText(v) << "\n";
//
// WARNING: with two retrains "beats random" is a consistency rule, not a significance test, and a
// linear mask classifier bounds the leak from below only.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "experiments/studies/roar/roar_results.h"

namespace lfa {

// One method's ROAR result under one removal, at the largest fraction and over all fractions.
struct RemovalOutcome {
  bool run = false;                 // the method and random were run under this removal
  double accuracy = NAN;            // the method's ROAR accuracy at the largest fraction
  double difference = NAN;          // method - random at the largest fraction
  double standard_error = NAN;      // combined, at the largest fraction
  VersusRandom verdict = VersusRandom::kIndistinguishable;  // the majority rule over fractions
};

enum class LeakageSupport {
  kNoDisagreement,   // beats random already under the mean removal
  kLeakage,          // beats random under ROAD only, and the mask leaks the label
  kRoadWithoutLeak,  // beats random under ROAD only, but the mask does not leak (linearly)
  kNotLeakage,       // the mask leaks, but the method does not beat random under ROAD either
  kNeither,          // no leak, and no better under ROAD
  kUndetermined,     // a removal or the leakage fit is missing
};

struct EnsembleVerdict {
  std::string method;
  double fraction = NAN;  // the largest fraction
  RemovalOutcome mean, road;
  double leakage = NAN;         // the method's mask leakage at `fraction`
  double random_leakage = NAN;  // random's, for comparison
  double chance = NAN, unmodified = NAN;
  bool leakage_high = false;
  LeakageSupport support = LeakageSupport::kUndetermined;
};

// SG-SQ and VarGrad (those of them that were run), at the largest of `fractions`.
std::vector<EnsembleVerdict> EnsembleVerdicts(const RoarResults& results,
                                              const std::vector<double>& fractions);

// Two or three sentences stating the numbers and what they support.
std::string EnsembleVerdictText(const EnsembleVerdict& verdict);

}  // namespace lfa
