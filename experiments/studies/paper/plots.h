// The plots of `lfa reproduce paper`, drawn with gnuplot (experiments/report/plot.h) from the typed
// results: the exp1 heatmaps (classic x LFA mean L1 per model), the exp1b limits, the four exp3
// perturbation tests, the convergence curves and the no-free-lunch matrices.
//
// The data of each panel goes to OUT/plots/*.dat, the script to OUT/plots/*.gp, the picture to
// OUT/*.png. Each picture is drawn through DrawPng (plot.h): gnuplot writes a temporary file beside
// it, renamed into place only when gnuplot succeeded and wrote something, so an interrupted or
// failed run never leaves a truncated PNG that report.md would link.
//
//   const std::vector<DrawnPlot> drawn = DrawPaperPlots(results, "out/reproduce");
//   for (const DrawnPlot& plot : drawn) report << "![" << plot.caption << "](" << plot.file << ")";
//
// WARNING: report.md links only the plots returned here; without gnuplot there are none, and the
// report says nothing about plots.
#pragma once

#include <string>
#include <vector>

#include "experiments/studies/paper/results.h"

namespace lfa {

struct DrawnPlot {
  std::string file;  // relative to OUT ("exp1_l1.png")
  std::string caption;
};

// Draws every plot into `out`; returns the ones drawn, none when gnuplot is not on the PATH.
std::vector<DrawnPlot> DrawPaperPlots(const PaperResults& results, const std::string& out);

}  // namespace lfa
