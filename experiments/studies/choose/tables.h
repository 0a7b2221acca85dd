// choose.csv: one row per neighbourhood of interest (profiles expanded) and candidate, by rank.
//
//   column        meaning
//   neighbourhood the label as given ("smoothgrad:sigma=0.2", a spec's name)
//   width_kind    sigma, patch or length when a profile swept it; empty otherwise
//   width         the swept value; empty otherwise
//   candidate     the candidate's name ("lime", "lime_classic", "vargrad", "<neighbourhood> (own)")
//   kind          own, lfa, classic, image, spec, given (candidate.h)
//   own           1 for the neighbourhood's own composition (the population optimum), else 0
//   rank          1 + the number of candidates with a smaller mean loss
//   mean, sem     the LFA loss over the neighbourhood on fresh samples, mean and standard error
//   relative      mean / the constant local model's mean loss
//   diff_to_best, diff_low, diff_high
//                 the paired difference to the best candidate and its confidence interval
//   win_share     share of the points where the candidate has the smallest loss (ties shared)
//   chosen        1 when the verdict names the candidate as a choice (verdict.h)
// Numbers with ten significant digits, written atomically (experiments/io/csv.h).
//
//   WriteChooseCsv(dir.File("choose.csv"), results.neighbourhoods);
//
// WARNING: rows of a profile share the neighbourhood label; tell them apart by width.
#pragma once

#include <string>
#include <vector>

#include "experiments/io/csv.h"
#include "experiments/studies/choose/results.h"

namespace lfa {

TextTable ChooseTable(const std::vector<NeighbourhoodResult>& results);
void WriteChooseCsv(const std::string& path, const std::vector<NeighbourhoodResult>& results);

}  // namespace lfa
