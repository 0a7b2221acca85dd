#include "experiments/studies/choose/tables.h"

#include <algorithm>

#include "experiments/report/markdown.h"
#include "experiments/studies/choose/verdict.h"

namespace lfa {
TextTable ChooseTable(const std::vector<NeighbourhoodResult>& results) {
  TextTable table{
      {"neighbourhood", "width_kind", "width", "candidate", "kind", "own", "rank", "mean", "sem",
       "relative", "diff_to_best", "diff_low", "diff_high", "win_share", "chosen"},
      {}};
  for (const NeighbourhoodResult& r : results) {
    const NeighbourhoodOfInterest& n = r.neighbourhood;
    const std::vector<std::string> chosen = JudgeNeighbourhood(r).Chosen();
    for (const CandidateScore& s : r.scores) {
      const bool is_chosen = std::find(chosen.begin(), chosen.end(), s.candidate) != chosen.end();
      table.rows.push_back({n.label, n.width_kind ? WidthName(*n.width_kind) : "",
                            n.width ? FormatG10(*n.width) : "", s.candidate, KindName(s.kind),
                            s.own ? "1" : "0", std::to_string(s.rank), FormatG10(s.loss.mean),
                            FormatG10(s.loss.sem), FormatG10(s.relative), FormatG10(s.to_best.mean),
                            FormatG10(s.to_best.low), FormatG10(s.to_best.high), FormatG10(s.win_share),
                            is_chosen ? "1" : "0"});
    }
  }
  return table;
}

void WriteChooseCsv(const std::string& path, const std::vector<NeighbourhoodResult>& results) {
  ChooseTable(results).Write(path);
}

}  // namespace lfa
