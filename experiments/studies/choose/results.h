// Results of `lfa choose`: for each neighbourhood of interest, every candidate's LFA loss over it
// on fresh samples, ranked, with the statistics a choice rests on. Typed, no I/O; tables.h writes
// them, verdict.h judges them, report.h tells them.
//
// Per neighbourhood and candidate c, from the per-point losses L_c,i (i = 1..N):
//   loss        mean and standard error over the points (metrics/summary.h);
//   relative    mean L_c / mean L_0, where L_0 is the loss of the constant local model (slope 0):
//               the share of f's variation over the neighbourhood that the explanation leaves
//               unexplained (1 - R² in spirit; 0 is exact, 1 is no better than saying nothing);
//   to_best     the paired difference L_c - L_best with its confidence interval over the points
//               (paired_comparison.h; 0 for the best itself);
//   win_share   the share of points at which c has the smallest loss (ties shared);
//   rank        1 + the number of candidates with a smaller mean loss.
// A loss at or below kZeroRelativeLoss times the constant model's counts as zero (the local model
// is exact up to floating-point rounding), and losses within that of each other at a point tie
// there.
//
//   NeighbourhoodResult r = ScoreNeighbourhood(header, entries, losses /*[C, N]*/, constant);
//   r.scores.front();   // the best candidate
//
// WARNING: the own composition's loss is measured on fresh samples, so it need not rank first: its
// fit is an estimate of the population optimum from its own samples (see verdict.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "experiments/studies/choose/candidate.h"
#include "experiments/studies/choose/neighbourhood_of_interest.h"
#include "experiments/studies/choose/paired_comparison.h"
#include "experiments/studies/choose/population.h"
#include "metrics/summary.h"

namespace lfa {

// A loss at or below this share of the constant model's loss is zero: float32 models round f to
// ~6e-8 of its value, which leaves losses of ~1e-10 of the constant model's on the paper's linear
// model; a real approximation error on these models is 1e-6 of it or more.
inline constexpr double kZeroRelativeLoss = 1e-8;

struct CandidateScore {
  std::string candidate;
  CandidateKind kind = CandidateKind::kLfa;
  bool own = false;  // the neighbourhood's own composition (the population optimum)
  MetricSummary loss;
  double relative = 0.0;     // mean loss / the constant model's mean loss
  PairedDifference to_best;  // loss - the best candidate's loss, paired over the points
  double win_share = 0.0;
  int rank = 0;
  PopulationSolution population;
  bool zero = false;  // mean loss at or below kZeroRelativeLoss of the constant model's
};

struct NeighbourhoodResult {
  NeighbourhoodOfInterest neighbourhood;  // its spec as evaluated
  int64_t points = 0;
  int64_t evaluation_samples = 0;      // fresh samples per point of every loss
  int64_t candidate_samples = 0;       // perturbations per point of the compositions
  double level = 0.95;                 // of every interval
  MetricSummary constant_loss;         // the loss of the constant local model (slope 0)
  std::vector<CandidateScore> scores;  // by rank, ties in the candidates' order

  const CandidateScore* Find(const std::string& candidate) const;
  const CandidateScore* Own() const;
};

// What ScoreNeighbourhood needs to know of each candidate beside its losses.
struct ScoredEntry {
  std::string candidate;
  CandidateKind kind = CandidateKind::kLfa;
  bool own = false;
  PopulationSolution population;
};

// `header` carries the neighbourhood, counts and level (its scores are ignored); losses [C, N]
// for the C entries in order, constant_loss [N]. Fills scores as above.
NeighbourhoodResult ScoreNeighbourhood(NeighbourhoodResult header,
                                       const std::vector<ScoredEntry>& entries,
                                       const torch::Tensor& losses,
                                       const torch::Tensor& constant_loss);

// Everything one `lfa choose` run measured.
struct ChooseResults {
  std::string model;                 // as the user named it
  std::string data;                  // the data file
  int64_t first_row = 0;             // index of the first point among the file's rows
  std::vector<int64_t> input_shape;  // of one point
  std::string targets;               // "output 0", "the predicted class"
  std::vector<std::string> skipped;  // candidates left out, with the reason
  std::vector<NeighbourhoodResult> neighbourhoods;  // in the order given, profiles expanded
};

}  // namespace lfa
