#include "experiments/studies/paper/tables.h"

#include <cstdio>

#include "experiments/report/markdown.h"

namespace lfa {

std::string FormatSweepValue(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

TextTable Exp1Table(const PaperResults& results) {
  TextTable table{{"dataset", "model", "classic", "lfa", "l1_mean", "cosine_mean"}, {}};
  for (const PaperModelResults& m : results.models)
    for (const ClassicVsLfa& r : m.exp1)
      table.rows.push_back({m.dataset, m.model, r.classic, r.lfa,
                            Format(r.l1_mean, kDistanceDecimals),
                            Format(r.cosine_mean, kDistanceDecimals)});
  return table;
}

TextTable Exp1bTable(const PaperResults& results) {
  TextTable table{{"dataset", "model", "sweep", "value", "l1_median", "cosine_median"}, {}};
  for (const PaperModelResults& m : results.models)
    for (const LimitStep& r : m.exp1b)
      table.rows.push_back({m.dataset, m.model, r.sweep, FormatSweepValue(r.value),
                            Format(r.l1_median, kDistanceDecimals),
                            Format(r.cosine_median, kDistanceDecimals)});
  return table;
}

TextTable Exp2Table(const PaperResults& results) {
  TextTable table{{"dataset", "model", "source", "method", "reference", "l1_mean", "cosine_mean"},
                  {}};
  for (const PaperModelResults& m : results.models)
    for (const Recovery& r : m.exp2)
      table.rows.push_back({m.dataset, m.model, r.source, r.method, r.reference,
                            Format(r.l1_mean, kDistanceDecimals),
                            Format(r.cosine_mean, kDistanceDecimals)});
  return table;
}

TextTable Exp3Table(const PaperResults& results) {
  TextTable table{{"dataset", "model", "method", "ranking", "perturbation", "k", "mean", "sem"},
                  {}};
  for (const PaperModelResults& m : results.models)
    for (const PerturbationResult& r : m.exp3)
      table.rows.push_back({m.dataset, m.model, r.method, r.ranking, r.perturbation,
                            std::to_string(r.k), Format(r.mean, kPerturbationDecimals),
                            Format(r.sem, kPerturbationDecimals)});
  return table;
}

TextTable NflTable(const PaperResults& results) {
  TextTable table{{"dataset", "model", "explainer", "neighbourhood", "loss", "mean", "sem"}, {}};
  for (const PaperModelResults& m : results.models)
    for (const NflCell& r : m.nfl)
      table.rows.push_back({m.dataset, m.model, r.explainer, r.neighbourhood, r.loss,
                            FormatG(r.mean), FormatG(r.sem)});
  return table;
}

TextTable ConvergenceTable(const PaperResults& results) {
  TextTable table{{"dataset", "model", "method", "reference", "samples", "l1_mean", "cosine_mean"},
                  {}};
  for (const PaperModelResults& m : results.models)
    for (const ConvergenceResult& r : m.convergence)
      table.rows.push_back({m.dataset, m.model, r.method, r.reference, std::to_string(r.samples),
                            Format(r.l1_mean, kConvergenceDecimals),
                            Format(r.cosine_mean, kConvergenceDecimals)});
  return table;
}

void WritePaperTables(const PaperResults& results, const std::string& out) {
  Exp1Table(results).Write(out + "/exp1.csv");
  Exp1bTable(results).Write(out + "/exp1b.csv");
  Exp2Table(results).Write(out + "/exp2.csv");
  Exp3Table(results).Write(out + "/exp3.csv");
  NflTable(results).Write(out + "/nfl.csv");
  ConvergenceTable(results).Write(out + "/convergence.csv");
}

}  // namespace lfa
