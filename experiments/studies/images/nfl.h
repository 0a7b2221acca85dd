// The image study's no-free-lunch matrix: which compositions it has, how each produces its row
// (an input-space slope per image), how every row is scored over every column, and the sample
// sweep that re-explains the sampled rows with more perturbations.
//
// A composition (NflRecipe) is a named recipe with its options. Its explanation, turned into the
// input-space slope of the affine model it states (InputSpaceSlope, or GroupedSlope for patch
// masks), is a row; the composition itself, as an evaluation neighbourhood and loss, is a column.
// A cell is the row's LFA loss over the column's neighbourhood on fresh samples (metric stream of
// the batch's seed, metrics/lfa_loss.h), so the column's samples do not depend on the rows.
//
// The sample sweep tests the theory's account of C-LIME losing its own columns. C-LIME fits
// p = D + 1 coefficients by least squares from n samples; for a Gaussian design the expected loss
// of that estimate over its own neighbourhood is
//     E[L(g_n)] = L* + s^2 p / (n - p - 1)                  (n > p + 1)
// with L* the population minimum and s^2 the residual variance, so the diagonal's excess shrinks
// like 1/n. The recipes draw Gaussian noise in antithetic pairs (xi, -xi): the slope is then
// fitted to the odd part of f from m = n / 2 pairs, the design has rank 1 + min(m, D), and the
// law reads L* + s^2 D / (m - D - 1) for m > D + 1; below m = D the fit is rank-deficient and
// solved with the solver's ridge (solvers/closed_form.h), a minimum-norm slope.
// ExplainNflSweep re-explains the rows of the chosen methods with n samples; EvaluateNfl scores
// several row sets over the same columns (each column's samples drawn and its model queried once),
// so between sweep points only the swept explanations change.
//
//   const auto columns = ImageNflCompositions(/*samples=*/1000, /*patch=*/4);
//   NflSlopes rows;
//   for (const NflRecipe& c : columns) rows[c.id.name] = {c.id, ExplainNflSlope(c, oracle, batch, targets)};
//   NflSweepRows at4k = ExplainNflSweep(columns, rows, {"clime", "smoothgrad"}, 4000, oracle,
//                                       batch, targets, "cnn");
//   auto matrices = EvaluateNfl(columns, {&rows, &at4k.rows}, oracle, batch, targets, "cnn");
//
// WARNING: a sweep point with n equal to the columns' own sample count reproduces the main matrix
// exactly (same seeds, same samples); a swept row is its method's explanation with n samples, not
// the main set's recipe (the main set's clime row uses kernel width and patch options the Gaussian
// recipe ignores, so the two agree, but a new main-set option would have to be mirrored here).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "experiments/studies/images/results.h"
#include "explainers/recipes.h"
#include "framework/explainer.h"
#include "framework/oracle.h"

namespace lfa {

// Noise of the Gaussian recipes in the main set (10% of the [0, 1] pixel range) and the LIME
// kernel width on images: a mask that removes half the patches of a Fashion-MNIST image moves it
// by ~8 in L2, so the paper's tabular width 1 would give all but the nearest masks zero weight.
inline constexpr double kImageSigma = 0.1;
inline constexpr double kImageLimeWidth = 4.0;

// A composition of the matrix with the recipe options that build it.
struct NflRecipe {
  NflComposition id;
  RecipeOptions options;
};

// The rows of the matrix by name: the composition and its input-space slope [N, D].
using NflSlopes = std::map<std::string, std::pair<NflComposition, torch::Tensor>>;

// "clime_s0.1", "lime_p4": the names of the matrix's compositions.
std::string SigmaName(const std::string& method, double sigma);
std::string PatchName(const std::string& method, int64_t patch);

// The study's columns: LIME over patches of 2, `patch` (4 when patch is 2 or 7) and 7 pixels,
// C-LIME and SmoothGrad at sigma 0.05, 0.1, 0.2, the gradient and the IG path, each with `samples`.
std::vector<NflRecipe> ImageNflCompositions(int64_t samples, int64_t patch);

// Whether a method's explanation is estimated from random samples (and so can be swept): lime,
// clime, smoothgrad, integrated_gradients among the matrix's compositions.
bool IsSampledNflMethod(const std::string& method);

// The input-space slope [N, D] of composition `recipe`'s explanation of the batch.
torch::Tensor ExplainNflSlope(const NflRecipe& recipe, Oracle& oracle, const PointBatch& batch,
                              const torch::Tensor& targets);

// One matrix per row set: every row's loss over every column (rows by name). Each column's
// evaluation problem is built once and scores all sets; progress on stderr under
// "study images <label>: ...". `seconds`, when given, receives the time of building the columns'
// problems (their model queries), which all sets share.
std::vector<NflMatrix> EvaluateNfl(const std::vector<NflRecipe>& columns,
                                   const std::vector<const NflSlopes*>& row_sets, Oracle& oracle,
                                   const PointBatch& batch, const torch::Tensor& targets,
                                   const std::string& label, double* seconds = nullptr);

// The rows of one sweep point: those of `methods` re-explained with `samples` samples each (the
// columns' compositions of those methods), the others as in `rows`.
struct NflSweepRows {
  int64_t samples = 0;
  std::vector<std::string> swept;  // the re-explained rows, by name
  NflSlopes rows;
  double seconds = 0.0;            // wall-clock time of the re-explanations
};
NflSweepRows ExplainNflSweep(const std::vector<NflRecipe>& columns, const NflSlopes& rows,
                             const std::vector<std::string>& methods, int64_t samples,
                             Oracle& oracle, const PointBatch& batch, const torch::Tensor& targets,
                             const std::string& label);

}  // namespace lfa
