// The localisation study's report (report.md) and plot (localisation.png), from its typed
// results.
//
// The report shows the tasks and their models, one method x scored-mask table per metric and
// preprocessing variant, and sets the results beside the cited neuroimaging study's claims
// ("SmoothGrad stayed accurate; Grad-CAM failed to localise; LRP smeared"). Every verdict is
// computed (localisation_results.h: Judge): a claim holds on a task, holds in part, or does not
// hold, and the notes that follow say where another metric would change a verdict, how far the
// top-1% variant's rank accuracy can go, and whether two methods coincide, from the numbers.
//
//   const std::string plot = DrawLocalisationPlot(results, options);   // "" without gnuplot
//   WriteLocalisationReport(results, options, seconds, plot);
//
// WARNING: the verdicts use relevance mass accuracy of the absolute value; the other tables can
// disagree with them, which the notes report rather than resolve.
#pragma once

#include <string>

#include "experiments/studies/localisation/localisation_results.h"
#include "experiments/studies/localisation/localisation_study.h"

namespace lfa {

// localisation.png (mass and rank accuracy per method and scored mask) in options.out when
// gnuplot is installed; returns its file name, or "" when none was drawn.
std::string DrawLocalisationPlot(const LocalisationResults& results,
                                 const LocalisationStudyOptions& options);

// options.out/report.md; `seconds` is the run's wall-clock time, `plot` DrawLocalisationPlot's.
void WriteLocalisationReport(const LocalisationResults& results,
                             const LocalisationStudyOptions& options, double seconds,
                             const std::string& plot);

}  // namespace lfa
