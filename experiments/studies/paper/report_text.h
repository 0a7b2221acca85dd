// The sentences of report.md that state results, each built from the verdict it states
// (verdicts.h). A claim is printed only when its verdict holds, in its negated or qualified form
// otherwise, and the explanation of a finding (Stein's lemma, the Shapley kernel's weights) only
// when the finding occurred.
//
//   md << SweepVerdictText(JudgeSweeps(results, released));
//   // "Sweeps whose median L1 never increases towards the limit: 10 of 16. ..."
//
// WARNING: do not add fixed prose about results here or in report.cc; derive it from a verdict, and
// add a test that the sentence changes when the numbers do.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/studies/paper/results.h"
#include "experiments/studies/paper/verdicts.h"

namespace lfa {

// printf's %.<digits>g: "6.863e-05", "0.364", "817".
std::string FormatSignificant(double value, int digits);

// exp1b: monotonicity of the sweeps (ours and the released), the limits, the released differences.
std::string SweepVerdictText(const std::vector<SweepVerdict>& sweeps);
// exp3: the deterministic binary results against the released ones.
std::string DeterministicVerdictText(const DeterministicAgreement& agreement);
// exp3: which family wins which test, and whether that is the paper's pattern.
std::string FamilyVerdictText(const std::vector<FamilyComparison>& comparisons);
// nfl: why (and how much) the diagonal loses, and the models whose cells are rounding only.
// `samples` is the sample count of every composition's fit.
std::string NoFreeLunchVerdictText(const std::vector<NflModelVerdict>& verdicts, int64_t samples);
// convergence: what each series is measured against (the enumerated datasets, the references).
std::string ConvergenceDesignText(const PaperResults& results);
// convergence: the decay rates, the exact models, C-LIME against SmoothGrad.
std::string ConvergenceVerdictText(const PaperResults& results, const ConvergenceVerdict& verdict);

}  // namespace lfa
