// Verdicts of `lfa reproduce paper`: the facts the report states, computed from the typed results
// (results.h) and the released numbers (released.h), so that every sentence of the report follows
// the numbers it talks about. Pure functions, no I/O.
//
//   exp1         how many diagonal cells (classic vs its own composition) are at or below the
//                released distance;
//   exp1b        per sweep: does the median L1 ever increase towards the limit (ours and the
//                released), where first, how far down the limit gets, how far from the released;
//   exp3         the largest difference of the deterministic binary results to the released ones;
//                per model and test, which family (masks or gradients) wins on average over k;
//   nfl          per model: the columns the diagonal wins, the exceptions with their margins, the
//                columns a logistic variant wins, and whether every cell is float32 rounding;
//   convergence  the decay rate of each series between two sample counts (a log-log slope).
//
//   const std::vector<SweepVerdict> sweeps = JudgeSweeps(results, released);
//   int never = std::count_if(..., [](auto& s) { return s.never_increases; });
//
// WARNING: a verdict compares the numbers as published (results.h); tolerances here absorb
// floating-point error only, they are not thresholds of significance.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiments/studies/paper/released.h"
#include "experiments/studies/paper/results.h"

namespace lfa {

// ---- exp1 --------------------------------------------------------------------------------------

struct DiagonalAgreement {
  int at_or_below = 0;  // diagonal cells whose mean L1 is at or below the released one
  int compared = 0;     // diagonal cells with a released value
};
DiagonalAgreement CompareDiagonal(const PaperResults& results, const ReleasedNumbers& released);

// ---- exp1b -------------------------------------------------------------------------------------

struct SweepVerdict {
  std::string dataset, model, sweep;
  bool never_increases = true;  // the median L1 never increases towards the limit
  // The first increase, when there is one: sweep values and median L1 before and after it.
  double increase_from = 0.0, increase_to = 0.0;
  double increase_l1_from = 0.0, increase_l1_to = 0.0;
  // The same question of the released medians; nullopt unless every step has one.
  std::optional<bool> released_never_increases;
  double limit_l1 = 0.0;           // at the limit (the last step)
  double largest_l1 = 0.0;         // along the sweep
  bool limit_is_smallest = false;  // the limit has the sweep's smallest median L1
  // Largest |ours - released| over the steps with a released value, and where.
  std::optional<double> largest_difference;
  double largest_difference_at = 0.0;
};
// One verdict per sweep, in the results' order.
std::vector<SweepVerdict> JudgeSweeps(const PaperResults& results, const ReleasedNumbers& released);

// ---- exp3 --------------------------------------------------------------------------------------

// The methods whose binary perturbation results are deterministic (no sampling anywhere).
bool IsDeterministicInExp3(const std::string& method);

struct DeterministicAgreement {
  int compared = 0;  // binary results of the deterministic methods with a released value
  double largest_difference = 0.0;  // largest |ours - released| among them
};
DeterministicAgreement CompareDeterministic(const PaperResults& results,
                                            const ReleasedNumbers& released);

// The binary-mask family {lime, kernelshap, occlusion} against the gradient family {gradient,
// smoothgrad} on one perturbation test of one model, each the mean over k and its methods.
struct FamilyComparison {
  std::string dataset, model, ranking, perturbation;
  double mask_mean = 0.0;
  double gradient_mean = 0.0;
  bool mask_wins = false;  // top-k: the larger gap wins; bottom-k: the smaller
};
// Per model, the tests in the results' order (each test where both families were measured).
std::vector<FamilyComparison> CompareFamilies(const PaperResults& results);

// ---- nfl ---------------------------------------------------------------------------------------

// LFA losses at or below this are zero up to a float32 model's rounding.
constexpr double kFloat32RoundingLoss = 1e-8;

struct NflException {
  std::string column;  // the evaluation neighbourhood
  std::string winner;  // the composition with the smallest loss there
  double winner_loss = 0.0;
  double diagonal_loss = 0.0;   // the loss of the column's own composition
  double column_largest = 0.0;  // the largest loss of a composition in the column
};

struct NflModelVerdict {
  std::string dataset, model;
  double largest_cell = 0.0;  // over every cell, logistic variants included
  int columns = 0;            // evaluation neighbourhoods
  int diagonal_wins = 0;      // columns whose own composition has the smallest loss (ties win)
  std::vector<NflException> exceptions;
  bool has_logistic = false;  // logistic-surrogate variants were scored (the classifiers)
  std::vector<std::string>
      logistic_wins;  // columns where a logistic variant beats every composition
  // Every cell is zero up to float32 rounding: the win counts compare rounding errors.
  bool rounding_only() const { return largest_cell <= kFloat32RoundingLoss; }
};
std::vector<NflModelVerdict> JudgeNoFreeLunch(const PaperResults& results);

// ---- convergence -------------------------------------------------------------------------------

// A series shrinks "like 1/sqrt(samples)" when its log-log slope is at most this (-0.5 +- 0.1).
constexpr double kRootRateSlope = -0.4;
// A series is exact when every distance from the first compared sample count on is at most this.
constexpr double kExactDistance = 1e-5;

// The decay of one series (method against reference) over the models where it is not exact.
struct ConvergenceRate {
  std::string method, reference;
  std::vector<std::string> models;  // "who ffnnA", ...
  std::vector<double> slopes;       // d log(L1) / d log(samples) between the two sample counts
  double slowest() const;           // the largest slope
  double fastest() const;           // the smallest slope
  bool root_rate() const { return slowest() <= kRootRateSlope; }
};

struct ConvergenceVerdict {
  int64_t from_samples = 0, to_samples = 0;
  std::vector<ConvergenceRate> rates;     // series in the results' order
  std::vector<std::string> exact_models;  // models where every series is exact
  // C-LIME against SmoothGrad at equal samples: the models where it was measured (and not
  // exact), and those where the distance at to_samples is not below the one at from_samples.
  int clime_models = 0;
  std::vector<std::string> clime_not_approaching;
};
ConvergenceVerdict JudgeConvergence(const PaperResults& results, int64_t from_samples,
                                    int64_t to_samples);

}  // namespace lfa
