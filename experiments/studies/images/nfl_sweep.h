// The sample sweep of the image no-free-lunch matrix, read: per model, sample count and C-LIME
// column, the C-LIME diagonal, the column's best row, their ratio and the count of columns the
// diagonal wins; a fit of the diagonal's loss to the least-squares variance law; the verdict.
//
// The theory (nfl.h): C-LIME's population solution minimises the loss of its own column, so the
// diagonal loses it only through the estimate's variance. For a Gaussian design and a slope of D
// coefficients fitted from m independent draws,
//     E[L(g_m)] = L* + s^2 D / (m - D - 1)                                         (m > D + 1)
// where m = n / 2 pairs when the noise is antithetic (xi, -xi) (the slope is fitted to the odd
// part of f), m = n - 1 otherwise (one draw spent on the intercept). ExcessFactor gives
// D / (m - D - 1); FitExcessLaw fits L* and s^2 to the diagonal's losses by least squares. With
// three or more counts where the fit is determined, the law is fitted to all but the largest and
// predicts the largest, a test of the theory rather than a description of it.
//
//   const auto rows = SummarizeNflSweep(results);             // typed, one per model x count x column
//   const std::string md = NflSweepVerdict(results);          // the report's sentences
//   ExcessLawFit fit = FitExcessLaw({0.5, 0.25}, {3.0, 2.0}); // limit 1, scale 4
//
// WARNING: the counts of diagonal wins at different sample counts share the columns' evaluation
// samples (fresh, drawn once), so they differ only through the swept explanations; the rows the
// sweep does not re-explain keep the main matrix's losses exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/studies/images/results.h"

namespace lfa {

// One C-LIME column of one model's matrix at one sample count of the sweep.
struct ClimeColumnAtSamples {
  std::string model;
  int64_t samples = 0;
  double seconds = 0.0;      // the sweep point's re-explanations
  std::string column;        // "clime_s0.1"
  double diagonal_loss = 0;  // published mean loss of C-LIME's own explanation in its column
  std::string best_row;      // the column's winner ("" when no finite loss)
  double best_loss = 0;      // its published mean loss
  double ratio = 0;          // diagonal / best: 1 when the diagonal wins
  int64_t diagonal_wins = 0; // columns of this model's matrix the diagonal wins at this count
  int64_t columns = 0;
  bool determined = false;   // C-LIME's fit has full rank at this count (ExcessFactor is finite)
};

// Per model (in run order), per C-LIME column (in column order), per sweep point (ascending).
std::vector<ClimeColumnAtSamples> SummarizeNflSweep(const ImageStudyResults& results);

// Whether the study's C-LIME recipe draws antithetic pairs (read from its spec).
bool ClimeIsAntithetic();

// D / (m - D - 1) with m = samples / 2 (antithetic) or samples - 1: the least-squares excess loss
// per unit residual variance; NaN where m <= D + 1 (the law does not apply).
double ExcessFactor(int64_t samples, int64_t features, bool antithetic);

// y = limit + scale * x by least squares; NaN members with fewer than two distinct x.
struct ExcessLawFit {
  double limit = 0;
  double scale = 0;
};
ExcessLawFit FitExcessLaw(const std::vector<double>& x, const std::vector<double>& y);

// The sweep's paragraphs: for each model and C-LIME column, whether the ratio falls toward 1 as
// the samples grow, whether the diagonal wins at the largest count, and the law's prediction;
// then the totals. Empty without a sweep.
std::string NflSweepVerdict(const ImageStudyResults& results);

}  // namespace lfa
