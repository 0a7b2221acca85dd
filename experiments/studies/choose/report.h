// report.md of `lfa choose`: the answer, the inputs, one section per neighbourhood of interest
// (its spec, the ranked table, the verdict, the loss chart) and one per profile (the best choice at
// each width, where it changes, the plot). Every verdict sentence comes from verdict.h, computed
// from the numbers in the tables beside it.
//
//   WriteChooseReport(dir.File("report.md"), results, DrawChoosePlots(dir.path(), ...));
//
// WARNING: the report describes how the image methods' maps are scored (as slopes) only when one
// of them is a candidate; read docs/choose.md for the full convention.
#pragma once

#include <string>
#include <vector>

#include "experiments/studies/choose/plots.h"
#include "experiments/studies/choose/results.h"

namespace lfa {

// The report's Markdown text.
std::string ChooseReport(const ChooseResults& results, const std::vector<ChoosePlot>& plots);

// Writes ChooseReport atomically.
void WriteChooseReport(const std::string& path, const ChooseResults& results,
                       const std::vector<ChoosePlot>& plots);

}  // namespace lfa
