// Verdicts of `lfa choose`: which explanation to choose over each neighbourhood of interest, and
// how sure that choice is, computed from the scores (results.h) alone. Pure functions, no I/O.
//
// Over one neighbourhood, with candidates ranked by mean loss (best first, runner-up second):
//   kTieAtZero       the best loss is zero (results.h: kZeroRelativeLoss): every zero-loss
//                    candidate is exact over the neighbourhood, and they tie;
//   kSharedSolution  the best and the runner-up estimate the same population solution
//                    (population.h, e.g. C-LIME and SmoothGrad by Stein's lemma): their gap is
//                    estimation noise, and the verdict says so instead of naming a winner;
//   kClear           the runner-up's paired difference to the best excludes 0 at the level: choose
//                    the best;
//   kUndecided       it does not: the two cannot be told apart at this number of points and
//                    samples, and the verdict says how many points would resolve a difference of
//                    the observed size.
// The choice is the best and, for the last three kinds, every candidate the verdict cannot
// separate from it (the shared group, or the candidates whose interval contains 0).
// A profile (one neighbourhood swept over widths) adds where the best choice changes: at each
// width the best candidate a user can run by name (every candidate but an added
// "<neighbourhood> (own)" composition), a change counted only to a candidate that does not share
// the current choice's population solution, and whether the own composition ranks first.
//
//   NeighbourhoodVerdict v = JudgeNeighbourhood(result);
//   std::string sentence = VerdictSentence(v);      // computed from v's numbers
//
// WARNING: a verdict is about the points given: another population of points can order the
// candidates differently (that is the no-free-lunch result, one level up).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiments/studies/choose/paired_comparison.h"
#include "experiments/studies/choose/population.h"
#include "experiments/studies/choose/results.h"

namespace lfa {

enum class VerdictKind { kTieAtZero, kSharedSolution, kClear, kUndecided };

struct NeighbourhoodVerdict {
  std::string neighbourhood;  // NeighbourhoodOfInterest::Name()
  size_t candidates = 0;
  VerdictKind kind = VerdictKind::kClear;
  std::string best;
  double best_loss = 0.0, best_sem = 0.0, best_relative = 0.0, best_win_share = 0.0;
  std::string runner_up;  // empty with a single candidate
  PairedDifference gap;   // the runner-up's loss minus the best's
  // kTieAtZero: the zero-loss candidates; kSharedSolution: the candidates sharing the best's
  // population solution; kUndecided: those whose interval to the best contains 0; best first.
  std::vector<std::string> group;
  std::string shared_reason;  // kSharedSolution: why (population.h)
  std::string own;            // the own composition's candidate name
  int own_rank = 0;
  PairedDifference own_gap;  // the own composition's loss minus the best's
  int64_t points = 0, evaluation_samples = 0;
  double level = 0.95;

  // The candidates the verdict names as the choice (best first).
  std::vector<std::string> Chosen() const;
};

NeighbourhoodVerdict JudgeNeighbourhood(const NeighbourhoodResult& result);

// One or two sentences, every number from the verdict.
std::string VerdictSentence(const NeighbourhoodVerdict& verdict);

struct ProfileStep {
  double width = 0.0;
  std::string best;  // over every candidate
  // Over every candidate a user can run by name: all but an added "<neighbourhood> (own)".
  std::string best_named;
  PopulationSolution best_named_population;
  bool own_first = false;  // the own composition ranks first
};

struct ProfileVerdict {
  std::string neighbourhood;       // the label, without the width
  std::string width_name;          // "sigma", "patch", "length"
  std::vector<ProfileStep> steps;  // by increasing width
  // Indices j >= 1 of steps where the best choice changes: best_named differs from the one that
  // began the current run of widths and does not share its population solution (a switch
  // between SmoothGrad and its classic form is estimation noise, not a change of choice).
  std::vector<size_t> changes;
};

// One verdict per profiled neighbourhood, in the order of the results.
std::vector<ProfileVerdict> JudgeProfiles(const std::vector<NeighbourhoodResult>& results);

std::string ProfileSentence(const ProfileVerdict& verdict);

// The one-paragraph answer (stderr and the report's first section): each neighbourhood's choice,
// each profile's changes, and whether one candidate is chosen over every neighbourhood.
std::string Answer(const ChooseResults& results);

}  // namespace lfa
