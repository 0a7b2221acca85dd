// `lfa reproduce paper`: the experiments of Han, Srinivas & Lakkaraju (NeurIPS 2022) on the paper's
// eight models and 100 points per dataset, solved exactly, plus the full no-free-lunch matrix and a
// convergence study.
//
//   lfa reproduce paper --data-dir DIR --out OUT [--samples N] [--seed S] [--reference-dir R]
//
// Writes into OUT (columns as in the paper's released CSVs, same method names):
//   exp1.csv         classic vs LFA distance matrices, 7 x 7 per model (mean L1 and cosine distance)
//   exp1b.csv        SmoothGrad sigma sweep vs gradient, IG lower-bound sweep vs gradient x input
//                    (medians over points)
//   exp2.csv         recovery of who_linear and heloc_logistic (distance to w_f and to w_f x), with
//                    the logistic-surrogate variants on the classifier
//   exp3.csv         perturbation tests of the classic attributions
//   nfl.csv          explainer x evaluation neighbourhood (with its own loss) LFA loss, mean and sem
//   convergence.csv  distance to the exact (or a reference) solution as the sample count grows
//   report.md        our tables beside the released numbers (from R, default
//                    DIR/../reference/lfa-paper when present) with the differences, the verdicts
//                    computed from them, and the run time
//   *.png            plots, when gnuplot is installed (their data and scripts in OUT/plots/)
// Progress is shown on stderr; every file is written atomically, and the output directory is
// created only when the results are in, so a run that fails (or is killed) leaves no directory
// of its own behind.
//
// `mpirun -n K lfa reproduce paper ...` shares the eight models among K processes (rank r computes
// its block of them) and writes the same CSVs, byte for byte, as one process; rank 0 alone writes.
//
// The study is compute (run.h) -> typed results (results.h) -> tables (tables.h), verdicts
// (verdicts.h), report (report.h), plots (plots.h); released.h reads the released numbers.
//
// WARNING: a --reference-dir that is not a directory is an error; without one the report has no
// released columns (the default directory is used only when it exists).
#pragma once

#include <cstdint>
#include <string>

namespace lfa {

struct ReproduceOptions {
  std::string data_dir;  // holds lfa-paper/ (default: LFA_DATA_DIR)
  std::string out = "out/reproduce";
  std::string reference_dir;  // the released CSVs (default: DATA_DIR/../reference/lfa-paper)
  int64_t samples = 1000;     // perturbations per point, the paper's setting
  uint64_t seed = 0;
};

void RunReproducePaper(const ReproduceOptions& options);

}  // namespace lfa
