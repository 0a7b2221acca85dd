// The results of `lfa reproduce paper`, as typed structs: one struct per row of each table the
// study publishes, grouped by model. The study computes them (run.h), writes them as CSVs
// (tables.h), judges them (verdicts.h), reports them (report.h) and plots them (plots.h); nothing
// downstream reads a table of strings back.
//
// Every number is held at the precision the study publishes it: distances (exp1, exp1b, exp2)
// with 4 decimals, perturbation gaps (exp3) with 5, convergence distances with 6, LFA losses (nfl)
// with 6 significant digits. These are the digits of the paper's released CSVs, and holding the
// published value means that the report's verdicts are exactly those a reader recomputes from the
// CSVs: a sweep that "never increases" in the report never increases in exp1b.csv.
//
//   PaperModelResults who{.dataset = "who", .model = "ffnnA", .points = 100, .features = 19};
//   who.exp1.push_back({"lime", "lime", RoundToDecimals(l1, kDistanceDecimals), ...});
//   PaperResults results{.samples = 1000, .models = {who}};
//
// WARNING: fill the numbers through RoundToDecimals / RoundToSignificant. A raw double prints the
// same in the CSV but can compare differently in a verdict: a sweep step from 0.12341 to 0.12344
// "increases", although both print as 0.1234 and a reader of the CSV sees no increase.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lfa {

// Published precision of each table (decimals after the point; nfl: significant digits).
constexpr int kDistanceDecimals = 4;       // exp1, exp1b, exp2 (mean / median L1 and cosine)
constexpr int kPerturbationDecimals = 5;   // exp3 (mean |f(x) - f(x')| and its sem)
constexpr int kConvergenceDecimals = 6;    // convergence (mean L1 and cosine)
constexpr int kLossSignificantDigits = 6;  // nfl (mean LFA loss and its sem)

// The sweeps of exp1b, in the released CSV's spelling.
inline constexpr char kSigmaSweep[] = "smoothgrad_sigma_vs_gradient";  // sigma -> 0
inline constexpr char kLowSweep[] = "ig_low_vs_gradient_x_input";      // a -> 1

// `value` as Format(value, decimals) prints it, read back (non-finite values pass unchanged).
double RoundToDecimals(double value, int decimals);
// `value` as FormatG prints it (kLossSignificantDigits), read back.
double RoundToSignificant(double value);

// exp1: a classic implementation against an LFA composition, mean over the points.
struct ClassicVsLfa {
  std::string classic;
  std::string lfa;
  double l1_mean = 0.0;
  double cosine_mean = 0.0;
};

// exp1b: one step of a sweep towards its limit, median over the points. The steps of a sweep are
// stored in sweep order, the limit last.
struct LimitStep {
  std::string sweep;   // kSigmaSweep or kLowSweep
  double value = 0.0;  // sigma, or the lower end a of U(a, 1)
  double l1_median = 0.0;
  double cosine_median = 0.0;
};

// exp2: distance of an explanation to what recovering the model means (w or w x).
struct Recovery {
  std::string source;     // "classic" or "lfa"
  std::string method;     // a method name, or "<method>+logistic"
  std::string reference;  // "w" (additive methods) or "w_x" (multiplicative ones)
  double l1_mean = 0.0;
  double cosine_mean = 0.0;
};

// exp3: one point of a perturbation curve of a classic attribution.
struct PerturbationResult {
  std::string method;
  std::string ranking;       // "topk" or "bottomk"
  std::string perturbation;  // "binary" or "continuous"
  int64_t k = 0;
  double mean = 0.0;  // mean |f(x) - f(x')| over the points
  double sem = 0.0;
};

// nfl: an explanation's LFA loss over a composition's neighbourhood (with that composition's loss).
struct NflCell {
  std::string explainer;      // a composition, or a logistic-surrogate variant
  std::string neighbourhood;  // the composition whose neighbourhood and loss evaluate
  std::string loss;           // "squared", "squared_delta" or "gradient_matching"
  bool logistic = false;      // the explainer is a logistic-surrogate variant (a richer class G)
  double mean = 0.0;
  double sem = 0.0;
};

// convergence: distance of an estimate from `samples` samples to a reference solution.
struct ConvergenceResult {
  std::string method;
  std::string reference;  // "exact_enumeration", "analytic_w", "smoothgrad_<n>", ...
  int64_t samples = 0;
  double l1_mean = 0.0;
  double cosine_mean = 0.0;
};

// Everything measured on one of the paper's models, in the order of the published CSVs.
struct PaperModelResults {
  std::string dataset;  // "who" or "heloc"
  std::string model;    // "linear", "logistic", "ffnnA", ...
  int64_t points = 0;   // explained points
  int64_t features = 0;
  std::vector<ClassicVsLfa> exp1;        // classic-major
  std::vector<LimitStep> exp1b;          // the sigma sweep, then the a sweep
  std::vector<Recovery> exp2;            // empty unless the model lies in G
  std::vector<PerturbationResult> exp3;  // method, ranking, perturbation, k
  std::vector<NflCell> nfl;              // neighbourhood-major
  std::vector<ConvergenceResult> convergence;

  // "who ffnnA".
  std::string Name() const;
};

// The whole study.
struct PaperResults {
  int64_t samples = 0;  // perturbations per point
  uint64_t seed = 0;
  int64_t convergence_points = 0;       // the first points, for the convergence study
  int64_t max_enumerated_features = 0;  // 2^d masks are enumerated up to this d
  int64_t reference_samples = 0;        // samples of the Monte Carlo SmoothGrad reference
  double seconds = 0.0;                 // wall-clock time of the computation
  int threads = 0;                      // LibTorch threads (per process)
  int processes = 1;                    // MPI ranks that shared the models (1: one process)
  std::vector<PaperModelResults> models;
};

}  // namespace lfa
