#include "experiments/studies/choose/plots.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "experiments/io/atomic_file.h"
#include "experiments/report/markdown.h"
#include "experiments/report/plot.h"
#include "experiments/studies/choose/paired_comparison.h"
#include "experiments/studies/choose/prose.h"

namespace lfa {
namespace {

constexpr char kWho[] = "lfa choose";

// gnuplot single-quoted text: a quote is doubled.
std::string GnuplotText(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

bool AllPositive(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return v > 0; });
}

// Every candidate's mean loss and interval over one neighbourhood, best at the top.
bool DrawLossChart(const std::string& out, const std::string& stem, const NeighbourhoodResult& r) {
  const std::string dir = out + "/plots";
  const double t = r.points > 1 ? StudentQuantile(r.level, r.points - 1) : 0.0;
  std::string data, tics;
  std::vector<double> lows;
  for (size_t j = 0; j < r.scores.size(); ++j) {
    const CandidateScore& s = r.scores[j];
    const double low = s.loss.mean - t * s.loss.sem, high = s.loss.mean + t * s.loss.sem;
    lows.push_back(s.loss.mean);
    data += Concat(FormatG10(s.loss.mean), " ", std::to_string(j), " ",
                   FormatG10(low > 0 ? low : s.loss.mean), " ", FormatG10(high), "\n");
    tics += Concat(j ? ", " : "", GnuplotText(s.own ? s.candidate + " *" : s.candidate), " ",
                   std::to_string(j));
  }
  WriteFileAtomically(Concat(dir, "/", stem, ".dat"), data);
  const std::string script = Concat(
      "set title ",
      GnuplotText(Concat("LFA loss over ", r.neighbourhood.Name(), " (", Percent(r.level),
                         " interval over ", std::to_string(r.points), " points; * own)")),
      "\nset ytics (", tics, ")\nset yrange [", FormatG10(r.scores.size() - 0.5), ":-0.5]\n",
      AllPositive(lows) ? "set logscale x\n" : "", "set grid x\nset xlabel 'mean LFA loss'\n",
      "plot ", GnuplotText(Concat(dir, "/", stem, ".dat")),
      " using 1:2:3:4 with xerrorbars pt 7 lc rgb '#1f77b4' notitle\n");
  const std::string height = std::to_string(200 + 22 * r.scores.size());
  return DrawPng(Concat(out, "/", stem, ".png"),
                 Concat("set terminal pngcairo noenhanced size 900,", height, " font ',9'"), script,
                 Concat(dir, "/", stem, ".gp"), Concat(dir, "/", stem, ".log"), kWho);
}

// Loss against width: one block per candidate (gnuplot's `index`), the own compositions last.
bool DrawProfile(const std::string& out, const std::string& stem,
                 const std::vector<const NeighbourhoodResult*>& steps) {
  const std::string dir = out + "/plots";
  std::vector<std::string> names;  // the candidates present at every width, in the first's order
  for (const CandidateScore& s : steps.front()->scores)
    if (s.kind != CandidateKind::kOwn) names.push_back(s.candidate);
  std::string data;
  std::vector<double> values;
  auto block = [&](auto pick) {
    for (const NeighbourhoodResult* r : steps) {
      if (const CandidateScore* s = pick(*r)) {
        data += Concat(FormatG10(*r->neighbourhood.width), " ", FormatG10(s->loss.mean), "\n");
        values.push_back(s->loss.mean);
      }
    }
    data += "\n\n";
  };
  for (const std::string& name : names)
    block([&name](const NeighbourhoodResult& r) { return r.Find(name); });
  block([](const NeighbourhoodResult& r) { return r.Own(); });
  WriteFileAtomically(Concat(dir, "/", stem, ".dat"), data);
  const NeighbourhoodOfInterest& n = steps.front()->neighbourhood;
  const std::string width = WidthName(*n.width_kind);
  std::string script = Concat(
      "set title ", GnuplotText(Concat("LFA loss over ", n.label, " against its ", width)),
      "\nset xlabel ", GnuplotText(width), "\nset ylabel 'mean LFA loss'\nset key outside right\n",
      "set grid\n", *n.width_kind == WidthKind::kPatch ? "" : "set logscale x\n",
      AllPositive(values) ? "set logscale y\n" : "", "plot ");
  const std::string file = GnuplotText(Concat(dir, "/", stem, ".dat"));
  for (size_t j = 0; j < names.size(); ++j)
    script += Concat(file, " index ", std::to_string(j), " using 1:2 with linespoints title ",
                     GnuplotText(names[j]), ", ");
  script += Concat(file, " index ", std::to_string(names.size()),
                   " using 1:2 with lines dt 2 lw 3 lc rgb 'black' title 'own composition'\n");
  return DrawPng(Concat(out, "/", stem, ".png"),
                 "set terminal pngcairo noenhanced size 1200,700 font ',9'", script,
                 Concat(dir, "/", stem, ".gp"), Concat(dir, "/", stem, ".log"), kWho);
}

}  // namespace

std::vector<ChoosePlot> DrawChoosePlots(const std::string& out,
                                        const std::vector<NeighbourhoodResult>& results) {
  std::vector<ChoosePlot> drawn;
  if (results.empty() || !GnuplotFound(kWho)) return drawn;
  std::error_code error;
  std::filesystem::create_directories(out + "/plots", error);
  // Profiles: consecutive results of one label and width kind.
  std::vector<std::vector<const NeighbourhoodResult*>> profiles;
  int loss_charts = 0;
  for (const NeighbourhoodResult& r : results) {
    const NeighbourhoodOfInterest& n = r.neighbourhood;
    if (!n.width) {
      const std::string stem = Concat("loss_", std::to_string(++loss_charts));
      if (DrawLossChart(out, stem, r))
        drawn.push_back(
            {stem + ".png", Concat("LFA loss of every candidate over ", n.Name()), n.label});
      continue;
    }
    if (profiles.empty() || profiles.back().front()->neighbourhood.label != n.label ||
        profiles.back().front()->neighbourhood.width_kind != n.width_kind)
      profiles.emplace_back();
    profiles.back().push_back(&r);
  }
  for (size_t k = 0; k < profiles.size(); ++k) {
    const std::string stem = Concat("profile_", std::to_string(k + 1));
    const NeighbourhoodOfInterest& n = profiles[k].front()->neighbourhood;
    if (DrawProfile(out, stem, profiles[k]))
      drawn.push_back({stem + ".png",
                       Concat("LFA loss over ", n.label, " against ", WidthName(*n.width_kind)),
                       n.label, true});
  }
  return drawn;
}

}  // namespace lfa
