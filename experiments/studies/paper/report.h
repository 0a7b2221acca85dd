// report.md of `lfa reproduce paper`: every table beside the released numbers, with the
// differences, and the verdicts (verdicts.h) in words. Every sentence that states a result is
// built from the verdict it states: when the numbers change, so does the sentence (a claim that no
// longer holds is not printed, or is printed in its negated form).
//
// Sections: the run (command, models, points, time, threads, where the released numbers came
// from); exp1 (the diagonal); exp1b (the limits); exp2 (recovery); exp3 (perturbation tests, and
// which family wins each test); the no-free-lunch matrix; convergence with the number of samples;
// the plots drawn.
//
//   const std::string text = PaperReport(results, released, drawn);
//   WriteFileAtomically(out + "/report.md", text);
//
// WARNING: the explanations printed beside a verdict (Stein's lemma, the Shapley kernel's weights)
// are printed only when the verdict they explain occurred; add a new one the same way, never as
// fixed text.
#pragma once

#include <string>
#include <vector>

#include "experiments/studies/paper/plots.h"
#include "experiments/studies/paper/released.h"
#include "experiments/studies/paper/results.h"

namespace lfa {

std::string PaperReport(const PaperResults& results, const ReleasedNumbers& released,
                        const std::vector<DrawnPlot>& plots);

// The sections, for tests and for other reports that want one of them.
std::string PaperRunSection(const PaperResults& results, const ReleasedNumbers& released);
std::string Exp1Section(const PaperResults& results, const ReleasedNumbers& released);
std::string Exp1bSection(const PaperResults& results, const ReleasedNumbers& released);
std::string Exp2Section(const PaperResults& results, const ReleasedNumbers& released);
std::string Exp3Section(const PaperResults& results, const ReleasedNumbers& released);
std::string NoFreeLunchSection(const PaperResults& results);
std::string ConvergenceSection(const PaperResults& results);

}  // namespace lfa
