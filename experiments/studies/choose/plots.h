// Plots of `lfa choose` (gnuplot, experiments/report/plot.h): the no-free-lunch picture of the
// user's own model.
//
//   loss_<k>.png     one per neighbourhood of interest that no profile swept: every candidate's
//                    mean loss with its confidence interval over the points, best at the top
//   profile_<k>.png  one per profile: mean loss against width, one line per candidate and a
//                    thick dashed line for each width's own composition (the population optimum),
//                    so the widths where the best choice changes show as crossing lines
// The data and scripts go to OUT/plots/. Without gnuplot (or when it fails) no picture is drawn
// and the run carries on; the caller gets the pictures that were drawn.
//
//   std::vector<ChoosePlot> drawn = DrawChoosePlots(dir.path(), results.neighbourhoods);
//
// WARNING: the axes are logarithmic where every value is positive; a neighbourhood where losses
// are exactly zero (a linear model) is drawn on a linear axis.
#pragma once

#include <string>
#include <vector>

#include "experiments/studies/choose/results.h"

namespace lfa {

struct ChoosePlot {
  std::string file;  // relative to the output directory
  std::string caption;
  std::string neighbourhood;  // NeighbourhoodOfInterest::label
  bool profile = false;
};

std::vector<ChoosePlot> DrawChoosePlots(const std::string& out,
                                        const std::vector<NeighbourhoodResult>& results);

}  // namespace lfa
