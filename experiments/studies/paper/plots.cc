#include "experiments/studies/paper/plots.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <utility>

#include "experiments/io/atomic_file.h"
#include "experiments/report/markdown.h"
#include "experiments/report/plot.h"
#include "experiments/studies/paper/tables.h"

namespace lfa {
namespace {

constexpr char kWho[] = "lfa reproduce paper";
constexpr char kTerminal[] = "set terminal pngcairo noenhanced size 1600,800 font ',9'";

// Where the panels' data and scripts go, and the pictures drawn so far.
struct Canvas {
  std::string out;  // the pictures
  std::string dir;  // OUT/plots: data, scripts, logs
  std::vector<DrawnPlot> drawn;

  std::string Data(const std::string& name, size_t model) const {
    std::string path = dir;
    path += '/';
    path += name;
    path += '_';
    path += std::to_string(model);
    path += ".dat";
    return path;
  }
  void Draw(const std::string& name, const std::string& script, const std::string& caption) {
    const std::string stem = dir + "/" + name;
    if (DrawPng(out + "/" + name + ".png", kTerminal, script, stem + ".gp", stem + ".log", kWho))
      drawn.push_back({name + ".png", caption});
  }
};

// Names in order of first appearance.
template <typename Rows, typename Name>
std::vector<std::string> InOrder(const Rows& rows, Name name) {
  std::vector<std::string> names;
  for (const auto& row : rows)
    if (std::find(names.begin(), names.end(), name(row)) == names.end()) names.push_back(name(row));
  return names;
}

// "('lime' 0, 'kernelshap' 1, ...)": gnuplot tic labels.
std::string Tics(const std::vector<std::string>& names) {
  std::string tics = "(";
  for (size_t j = 0; j < names.size(); ++j) {
    tics += j ? ", '" : "'";
    tics += names[j];
    tics += "' ";
    tics += std::to_string(j);
  }
  return tics + ")";
}

// exp1: the classic x LFA mean L1 matrix per model (rows classic, columns LFA).
void PlotExp1(const PaperResults& results, Canvas* canvas) {
  std::string script =
      "set multiplot layout 2,4 title 'exp1: mean L1 distance, classic (rows) vs LFA (columns)'\n"
      "set palette rgbformulae 30,31,32\nunset key\nset size square\n";
  for (size_t m = 0; m < results.models.size(); ++m) {
    const PaperModelResults& model = results.models[m];
    const auto methods = InOrder(model.exp1, [](const ClassicVsLfa& c) { return c.classic; });
    if (m == 0) {
      const std::string tics = Tics(methods);
      script += "set xtics " + tics + " rotate by 45 right\nset ytics " + tics + "\n";
      script += "set yrange [";
      script += FormatG(methods.size() - 0.5) + ":-0.5]\n";
    }
    std::map<std::pair<std::string, std::string>, double> l1;
    for (const ClassicVsLfa& c : model.exp1) l1[{c.classic, c.lfa}] = c.l1_mean;
    std::string data;
    for (const std::string& classic : methods)
      for (size_t j = 0; j < methods.size(); ++j)
        data += Format(l1[{classic, methods[j]}], kDistanceDecimals) +
                (j + 1 < methods.size() ? " " : "\n");
    const std::string file = canvas->Data("exp1", m);
    WriteFileAtomically(file, data);
    const std::string title = model.Name();
    script += "set title '" + title + "'\nplot '" + file + "' matrix with image\n";
  }
  canvas->Draw("exp1_l1", script + "unset multiplot\n",
               "exp1: classic vs LFA mean L1 distance per model");
}

// exp1b: the two limits, one line per model (index 0: the sigma sweep, index 1: the a sweep).
void PlotExp1b(const PaperResults& results, Canvas* canvas) {
  std::string sigma_plot = "set title 'SmoothGrad (sigma) vs gradient'\nset xlabel 'sigma'\nplot ";
  std::string low_plot = "set title 'IG over U(a, 1) vs gradient x input'\nset xlabel 'a'\nplot ";
  for (size_t m = 0; m < results.models.size(); ++m) {
    std::ostringstream data;
    for (const char* sweep : {kSigmaSweep, kLowSweep}) {
      for (const LimitStep& step : results.models[m].exp1b)
        if (step.sweep == sweep)
          data << FormatSweepValue(step.value) << " " << std::max(step.l1_median, 1e-8) << "\n";
      data << "\n\n";
    }
    const std::string file = canvas->Data("exp1b", m);
    WriteFileAtomically(file, data.str());
    const std::string title = results.models[m].Name();
    sigma_plot += (m ? ", '" : "'") + file + "' index 0 with linespoints title '" + title + "'";
    low_plot += (m ? ", '" : "'") + file + "' index 1 with linespoints title '" + title + "'";
  }
  canvas->Draw("exp1b",
               "set multiplot layout 1,2 title 'exp1b: median L1 distance along the limits'\n"
               "set key outside right\nset logscale y\n" +
                   sigma_plot + "\n" + low_plot + "\nunset multiplot\n",
               "exp1b: SmoothGrad -> gradient as sigma -> 0 and IG -> gradient x input as a -> 1");
}

// exp3: one picture per test, a panel per model, a line with error bars per method.
void PlotExp3(const PaperResults& results, Canvas* canvas) {
  for (const std::string ranking : {"topk", "bottomk"}) {
    for (const std::string perturbation : {"binary", "continuous"}) {
      const std::string test = ranking + " " + perturbation;
      const std::string name = "exp3_" + ranking + "_" + perturbation;
      std::string script = "set multiplot layout 2,4 title \"exp3: " + test +
                           " perturbation, mean |f(x) - f(x')| +- sem\"\nset key top left font "
                           "',7'\nset xlabel 'k'\n";
      for (size_t m = 0; m < results.models.size(); ++m) {
        const PaperModelResults& model = results.models[m];
        const auto methods =
            InOrder(model.exp3, [](const PerturbationResult& r) { return r.method; });
        const std::string title = model.Name(), file = canvas->Data(name, m);
        std::string data, plot = "set title '" + title + "'\nplot ";
        for (size_t block = 0; block < methods.size(); ++block) {
          for (const PerturbationResult& r : model.exp3)
            if (r.method == methods[block] && r.ranking == ranking &&
                r.perturbation == perturbation)
              data += std::to_string(r.k) + " " + Format(r.mean, kPerturbationDecimals) + " " +
                      Format(r.sem, kPerturbationDecimals) + "\n";
          data += "\n\n";
          plot += (block ? ", '" : "'") + file + "' index " + std::to_string(block) +
                  " with yerrorlines title '" + methods[block] + "'";
        }
        WriteFileAtomically(file, data);
        script += plot + "\n";
      }
      canvas->Draw(name, script + "unset multiplot\n", "exp3: " + test);
    }
  }
}

// convergence: L1 distance to the reference against samples, log-log, a panel per model.
void PlotConvergence(const PaperResults& results, Canvas* canvas) {
  std::string script =
      "set multiplot layout 2,4 title 'Convergence: mean L1 distance to the exact (or reference) "
      "solution vs samples'\n"
      "set logscale xy\nset key bottom left font ',7'\nset xlabel 'samples'\n";
  auto series_name = [](const ConvergenceResult& r) { return r.method + " vs " + r.reference; };
  for (size_t m = 0; m < results.models.size(); ++m) {
    const PaperModelResults& model = results.models[m];
    const auto series = InOrder(model.convergence, series_name);
    const std::string title = model.Name(), file = canvas->Data("convergence", m);
    std::ostringstream data;
    std::string plot = "set title '" + title + "'\nplot ";
    for (size_t k = 0; k < series.size(); ++k) {
      for (const ConvergenceResult& r : model.convergence)
        if (series_name(r) == series[k])
          data << r.samples << " " << std::max(r.l1_mean, 1e-9) << "\n";
      data << "\n\n";
      plot += (k ? ", '" : "'") + file + "' index " + std::to_string(k) +
              " with linespoints title '" + series[k] + "'";
    }
    WriteFileAtomically(file, data.str());
    script += plot + "\n";
  }
  canvas->Draw("convergence", script + "unset multiplot\n",
               "Convergence with the number of samples");
}

// nfl: log10 of each cell over its column's minimum (0 = best in the column), the compositions
// only (the logistic rows are in nfl.csv and the report).
void PlotNfl(const PaperResults& results, Canvas* canvas) {
  std::string script =
      "set multiplot layout 2,4 title 'No free lunch: log10(LFA loss / column minimum); rows "
      "explainers, columns evaluation neighbourhoods'\n"
      "set palette rgbformulae 30,31,32\nunset key\nset size square\nset cbrange [0:3]\n";
  for (size_t m = 0; m < results.models.size(); ++m) {
    const PaperModelResults& model = results.models[m];
    const auto names = InOrder(model.nfl, [](const NflCell& c) { return c.neighbourhood; });
    if (m == 0) {
      const std::string tics = Tics(names);
      script += "set xtics " + tics + " rotate by 45 right\nset ytics " + tics + "\n";
      script += "set yrange [";
      script += FormatG(names.size() - 0.5) + ":-0.5]\n";
    }
    std::map<std::pair<std::string, std::string>, double> cell;
    for (const NflCell& c : model.nfl)
      if (!c.logistic) cell[{c.explainer, c.neighbourhood}] = c.mean;
    std::vector<double> column_min(names.size(), std::numeric_limits<double>::infinity());
    for (size_t c = 0; c < names.size(); ++c)
      for (const std::string& row : names)
        column_min[c] = std::min(column_min[c], cell[{row, names[c]}]);
    std::ostringstream data;
    for (const std::string& row : names)
      for (size_t c = 0; c < names.size(); ++c) {
        const double value = cell[{row, names[c]}];
        data << (column_min[c] > 1e-12 ? std::log10(value / column_min[c]) : 0.0)
             << (c + 1 < names.size() ? " " : "\n");
      }
    const std::string title = model.Name(), file = canvas->Data("nfl", m);
    WriteFileAtomically(file, data.str());
    script += "set title '" + title + "'\nplot '" + file + "' matrix with image\n";
  }
  canvas->Draw(
      "nfl", script + "unset multiplot\n",
      "No free lunch: explainer x evaluation neighbourhood, log10 of loss over the column minimum");
}

}  // namespace

std::vector<DrawnPlot> DrawPaperPlots(const PaperResults& results, const std::string& out) {
  if (results.models.empty() || !GnuplotFound(kWho)) return {};
  Canvas canvas{out, out + "/plots", {}};
  std::filesystem::create_directories(canvas.dir);
  PlotExp1(results, &canvas);
  PlotExp1b(results, &canvas);
  PlotExp3(results, &canvas);
  PlotConvergence(results, &canvas);
  PlotNfl(results, &canvas);
  return canvas.drawn;
}

}  // namespace lfa
