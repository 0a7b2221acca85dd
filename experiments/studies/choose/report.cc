#include "experiments/studies/choose/report.h"

#include <algorithm>
#include <sstream>

#include "experiments/io/atomic_file.h"
#include "experiments/io/text.h"
#include "experiments/report/markdown.h"
#include "experiments/studies/choose/prose.h"
#include "experiments/studies/choose/verdict.h"

namespace lfa {
namespace {

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::vector<std::string> parts;
  for (const int64_t s : shape) parts.push_back(std::to_string(s));
  return Concat("[", Join(parts, ", "), "]");
}

void WriteInputs(const ChooseResults& results, std::ostringstream& out) {
  const NeighbourhoodResult& first = results.neighbourhoods.front();
  out << "## Inputs\n\n"
      << MarkdownRow({"model", "data", "points", "first row", "point shape", "explained output",
                      "candidate samples", "evaluation samples", "interval level"})
      << MarkdownRule(9)
      << MarkdownRow({results.model, results.data, std::to_string(first.points),
                      std::to_string(results.first_row), ShapeText(results.input_shape),
                      results.targets, std::to_string(first.candidate_samples),
                      std::to_string(first.evaluation_samples), Percent(first.level)})
      << "\n";
  if (!results.skipped.empty()) {
    out << "Candidates left out:\n\n";
    for (const std::string& line : results.skipped) out << "- " << line << "\n";
    out << "\n";
  }
}

void WriteMethod(const ChooseResults& results, std::ostringstream& out) {
  bool image_maps = false;
  for (const NeighbourhoodResult& r : results.neighbourhoods)
    for (const CandidateScore& s : r.scores)
      image_maps = image_maps || s.kind == CandidateKind::kImage;
  out << "## How to read the tables\n\n"
      << "Each candidate explains the points once; its explanation states a local model of f, "
         "g(x') = c + s.(x' - x) in input space (docs/metrics.md). Over a neighbourhood of "
         "interest, its **loss** is that local model's LFA loss on fresh samples of the "
         "neighbourhood (independent of every explainer's own draws), per point; the table gives "
         "the mean and its standard error over the points. **relative** divides by the loss of the "
         "constant local model (slope 0): 0 is exact, 1 says no more than nothing. **Δ to best** "
         "is "
         "the paired difference to the best candidate's loss at the same points, with its "
         "confidence interval (Student's t over the points). **wins** is the share of points where "
         "the candidate has the smallest loss (ties shared). The neighbourhood's **own** "
         "composition (marked *) minimises the loss in the population; on fresh samples its "
         "estimate from its own samples need not rank first.\n\n";
  if (image_maps)
    out << "The image methods' maps (SmoothGrad-Squared, VarGrad, the CAMs) are not attributions "
           "of a local model; they are scored as the slope of an additive one, g(x') = c + "
           "m.(x' - x), as a user reading a map as \"how f changes with each pixel\" would take "
           "it. A map in other units (a squared gradient, a variance, an upsampled CAM) is judged "
           "as that literal local model.\n\n";
}

void WriteNeighbourhood(const NeighbourhoodResult& r, const std::vector<ChoosePlot>& plots,
                        std::ostringstream& out) {
  const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
  out << "## Over " << r.neighbourhood.Name() << "\n\n"
      << "Composition: `" << r.neighbourhood.spec.dump() << "`\n\n"
      << MarkdownRow({"rank", "candidate", "kind", "loss (mean ± sem)", "relative",
                      Concat("Δ to best [", Percent(r.level), " CI]"), "wins"})
      << MarkdownRule(7);
  for (const CandidateScore& s : r.scores) {
    out << MarkdownRow({std::to_string(s.rank), s.own ? Concat(s.candidate, " *") : s.candidate,
                        KindName(s.kind), Concat(FormatG(s.loss.mean), " ± ", FormatG(s.loss.sem)),
                        FormatG(s.relative),
                        Concat(FormatG(s.to_best.mean), " [", FormatG(s.to_best.low), ", ",
                               FormatG(s.to_best.high), "]"),
                        Percent(s.win_share)});
  }
  out << "\n**Verdict.** " << VerdictSentence(v) << "\n\n";
  for (const ChoosePlot& p : plots)
    if (!p.profile && p.neighbourhood == r.neighbourhood.label)
      out << "![" << p.caption << "](" << p.file << ")\n\n";
}

void WriteProfile(const ProfileVerdict& p, const std::vector<NeighbourhoodResult>& results,
                  const std::vector<ChoosePlot>& plots, std::ostringstream& out) {
  out << "## Profile: " << p.neighbourhood << " against " << p.width_name << "\n\n"
      << MarkdownRow({p.width_name, "best", "its loss", "best named candidate", "its loss",
                      "own composition's loss", "own first"})
      << MarkdownRule(7);
  for (const ProfileStep& step : p.steps) {
    const NeighbourhoodResult* r = nullptr;
    for (const NeighbourhoodResult& candidate : results)
      if (candidate.neighbourhood.label == p.neighbourhood && candidate.neighbourhood.width &&
          *candidate.neighbourhood.width == step.width)
        r = &candidate;
    if (!r) continue;
    const CandidateScore* own = r->Own();
    out << MarkdownRow({FormatG(step.width), step.best, FormatG(r->Find(step.best)->loss.mean),
                        step.best_named,
                        step.best_named.empty() ? "" : FormatG(r->Find(step.best_named)->loss.mean),
                        own ? FormatG(own->loss.mean) : "", step.own_first ? "yes" : "no"});
  }
  out << "\n**Verdict.** " << ProfileSentence(p) << "\n\n";
  for (const ChoosePlot& plot : plots)
    if (plot.profile && plot.neighbourhood == p.neighbourhood)
      out << "![" << plot.caption << "](" << plot.file << ")\n\n";
  out << "Each width's own verdict is in its section below.\n\n";
}

}  // namespace

std::string ChooseReport(const ChooseResults& results, const std::vector<ChoosePlot>& plots) {
  std::ostringstream out;
  out << "# Which explanation should I choose?\n\n" << Answer(results) << "\n\n";
  if (results.neighbourhoods.empty()) return out.str();
  WriteInputs(results, out);
  WriteMethod(results, out);
  for (const ProfileVerdict& p : JudgeProfiles(results.neighbourhoods))
    WriteProfile(p, results.neighbourhoods, plots, out);
  for (const NeighbourhoodResult& r : results.neighbourhoods) WriteNeighbourhood(r, plots, out);
  return out.str();
}

void WriteChooseReport(const std::string& path, const ChooseResults& results,
                       const std::vector<ChoosePlot>& plots) {
  WriteFileAtomically(path, ChooseReport(results, plots), "report");
}

}  // namespace lfa
