#include "experiments/studies/roar/roar_report.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

#include "experiments/io/atomic_file.h"
#include "experiments/io/text.h"
#include "experiments/report/markdown.h"
#include "experiments/report/plot.h"
#include "experiments/studies/roar/roar_rankings.h"
#include "experiments/studies/roar/roar_verdict.h"
#include "experiments/zoo/model_zoo.h"

namespace lfa {
namespace {

std::string Title(const std::string& method) {
  static const std::map<std::string, std::string> titles = {
      {"integrated_gradients", "IG"}, {"smoothgrad_squared", "SG-SQ"}, {"smoothgrad", "SmoothGrad"},
      {"vargrad", "VarGrad"}, {"gradient", "gradient"}, {"random", "random"}, {"sobel", "Sobel"}};
  const auto it = titles.find(method);
  return it == titles.end() ? method : it->second;
}

std::string SignedFormat(double value) {
  std::string text = value >= 0 ? "+" : "";
  text += Format(value, 3);
  return text;
}

void ScaleSection(const RoarStudyOptions& options, const RoarReportFacts& facts,
                  const RoarResults& results, std::ostringstream& md) {
  std::vector<std::string> fractions;
  for (double f : options.fractions) fractions.push_back(FormatG(f));
  const ZooTrainingOptions training;  // the zoo's optimiser settings, which the study keeps
  const double per_run = facts.journal_runs ? facts.journal_seconds / facts.journal_runs : NAN;
  md << "# ROAR and KAR on Fashion-MNIST\n\n"
     << "`lfa study roar --fractions " << Join(fractions, ",") << " --retrains " << options.retrains
     << " --train-subset " << options.train_subset << " --test-subset " << options.test_subset
     << " --epochs " << options.epochs << " --seed " << options.seed << "`\n\n"
     << "**Scale.** Every model is the zoo `" << kRoarArchitecture << "` trained from scratch on "
     << "the first " << facts.train_images << " training images for " << options.epochs
     << " epoch(s) (Adam, lr " << FormatG(training.learning_rate) << ", batch "
     << training.batch_size << ") and tested on the first " << facts.test_images
     << " test images; " << options.retrains << " retrain(s) per cell (seeds S + r, shared by all "
     << "cells). Hooker et al. retrain ResNet-50 on all of ImageNet (and smaller sets) five times per "
     << "cell: this is a much smaller replication. This run: " << Format(facts.seconds, 0)
     << " s in all (" << Format(facts.maps_seconds, 0) << " s for the estimator rankings not "
     << "already cached), " << facts.trained_now << " retrains in this run (the rest resumed from "
     << "the journal). The journal records " << Format(facts.journal_seconds, 0)
     << " s of training over " << facts.journal_runs << " retrains ("
     << (facts.journal_runs ? Format(per_run, 1) : std::string("-"))
     << " s each, zoo-cache hits included).\n\n"
     << "**Estimators** (rankings from the base model, trained on the unmodified subset with seed "
     << options.seed << ", at its predicted class): gradient; integrated gradients from the black "
     << "image, " << kRoarIgSteps << " Gauss-Legendre steps; SmoothGrad, " << kRoarNoisyCopies
     << " noisy copies, noise " << FormatG(100 * kRoarNoiseFraction) << "% of each image's range; "
     << "SmoothGrad-Squared and VarGrad over " << kRoarNoisyCopies << " noisy copies (same noise); "
     << "the controls random (i.i.d. uniform) and Sobel edge magnitude. Pixels are ranked by the "
     << "sum over channels of |map|, ties by pixel index.\n\n"
     << "**Removals** (" << Join(options.removals, ", ") << "): *mean* gives replaced pixels the "
     << "training subset's channel mean (Hooker et al.); *road* is ROAD's noisy linear imputation "
     << "(Rong et al., ICML 2022): each replaced pixel is the weighted mean of its 8 neighbours "
     << "(1/6 direct, 1/12 diagonal) given the kept pixels, solved exactly, plus Gaussian noise of "
     << "sd " << FormatG(kRoarRoadNoise) << " (pixels in [0, 1]), seeded per image. "
     << "**Mask leakage**: a logistic regression sees only each image's removal mask (no pixel "
     << "values), is fitted on the training subset and tested on the test subset (" 
     << Format(facts.leakage_seconds, 0) << " s for the fits not already in the journal).\n\n"
     << "Unmodified model: test accuracy " << Format(results.unmodified.mean) << " +/- "
     << Format(results.unmodified.sem) << " (n = " << results.unmodified.n << ").\n";
}

// The header of a table with one column per fraction: "method", "t = 0.1", ...
std::vector<std::string> FractionHeader(const std::vector<double>& fractions) {
  std::vector<std::string> header = {"method"};
  for (double f : fractions) {
    std::string cell = "t = ";
    cell += FormatG(f);
    header.push_back(cell);
  }
  return header;
}

std::string RemovalTitle(const std::string& removal) {
  return removal == "road" ? "ROAD imputation" : "channel mean";
}

void CurveTables(const RoarStudyOptions& options, const RoarResults& results,
                 std::ostringstream& md) {
  for (const auto& removal : options.removals) {
  for (const std::string mode : {"roar", "kar"}) {
    if (!results.curves.count(removal) || !results.curves.at(removal).count(mode)) continue;
    md << "\n## "
       << (mode == "roar" ? "ROAR: the top-t pixels replaced" : "KAR: only the top-t pixels kept")
       << " (" << RemovalTitle(removal) << ")"
       << "\n\nTest accuracy, mean +/- sem over retrains. "
       << (mode == "roar" ? "A better estimator makes accuracy fall faster (lower is better)."
                          : "A better estimator keeps accuracy higher (higher is better).")
       << "\n\n";
    const std::vector<std::string> header = FractionHeader(options.fractions);
    md << MarkdownRow(header) << MarkdownRule(header.size());
    for (const auto& method : options.methods) {
      const RoarCurve* curve = results.Curve(mode, method, removal);
      if (curve == nullptr) continue;
      std::vector<std::string> row = {Title(method)};
      for (double f : options.fractions) {
        const auto it = curve->find(f);
        row.push_back(it == curve->end()
                          ? "-"
                          : Format(it->second.mean, 3) + " +/- " + Format(it->second.sem, 3));
      }
      md << MarkdownRow(row);
    }
  }
  }
}

void LeakageTable(const RoarStudyOptions& options, const RoarResults& results,
                  std::ostringstream& md) {
  if (results.leakage.empty()) return;
  md << "\n## Mask leakage: the label from the removal mask alone\n\nTest accuracy of a logistic "
        "regression that sees only which pixels were replaced (the top-t set; its complement, "
        "KAR's mask at t, carries the same information and has the same optimum). Chance (the "
        "most frequent test label): "
     << Format(results.chance, 3) << "; the unmodified model: " << Format(results.unmodified.mean, 3)
     << ".\n\n";
  const std::vector<std::string> header = FractionHeader(options.fractions);
  md << MarkdownRow(header) << MarkdownRule(header.size());
  for (const auto& method : options.methods) {
    std::vector<std::string> row = {Title(method)};
    for (double f : options.fractions) {
      const MaskLeakage* l = results.Leakage(method, f);
      row.push_back(l == nullptr ? "-" : Format(l->test_accuracy, 3));
    }
    md << MarkdownRow(row);
  }
}

void EnsembleVerdictSection(const RoarStudyOptions& options, const RoarResults& results,
                            std::ostringstream& md) {
  const std::vector<EnsembleVerdict> verdicts = EnsembleVerdicts(results, options.fractions);
  if (verdicts.empty()) return;
  md << "\n## Verdict: SG-SQ and VarGrad, leakage or not?\n\n"
        "Under ROAR, for each ensemble: its verdict against random under each removal (majority "
        "rule over the fractions; the difference at the largest fraction with the combined "
        "standard error), its mask leakage there, and what the numbers support "
        "(experiments/studies/roar/roar_verdict.h states the rule).\n\n";
  for (const EnsembleVerdict& v : verdicts) md << "- " << EnsembleVerdictText(v) << "\n";
}

void RandomSection(const std::vector<RandomComparison>& comparisons, std::ostringstream& md) {
  md << "\n## Against the random baseline\n\nDifference of each method's accuracy from random's at "
        "each fraction (method - random). A method *beats random* when it is better (ROAR: lower, "
        "KAR: higher) by more than twice the combined standard error at a majority of the "
        "fractions, *loses to random* when it is worse likewise, and is *indistinguishable* "
        "otherwise.\n\n"
     << MarkdownRow({"removal", "mode", "method", "differences by fraction", "verdict"})
     << MarkdownRule(5);
  for (const RandomComparison& c : comparisons) {
    std::vector<std::string> differences;
    for (const auto& [fraction, d] : c.differences) differences.push_back(SignedFormat(d));
    md << MarkdownRow({c.removal, c.mode, Title(c.method), Join(differences, ", "),
                       VersusRandomText(c.verdict)});
  }
}

void ClaimsSection(const std::vector<RandomComparison>& comparisons, std::ostringstream& md) {
  md << "\n## The paper's claims here\n\n"
     << "Hooker et al. (ROAR, their Figure 4 and text): without ensembling, gradient, integrated "
        "gradients and SmoothGrad are no better than random removal (accuracy falls no faster; "
        "they are often worse), while SmoothGrad-Squared and VarGrad are far better than random.\n\n"
     << "The \"here\" columns are this run's verdicts under each removal.\n\n";
  std::vector<std::string> removals;
  for (const std::string removal : {"mean", "road"})
    if (std::any_of(comparisons.begin(), comparisons.end(),
                    [&](const auto& c) { return c.removal == removal; }))
      removals.push_back(removal);
  std::vector<std::string> header = {"claim (ROAR)", "paper"};
  for (const auto& removal : removals) {
    std::string here = "here (", holds = "holds (";
    here += removal;
    here += ")";
    holds += removal;
    holds += ")?";
    header.push_back(here);
    header.push_back(holds);
  }
  md << MarkdownRow(header) << MarkdownRule(header.size());
  struct Claim {
    std::string method;
    bool beats;
  };
  for (const Claim& claim : std::vector<Claim>{{"gradient", false}, {"integrated_gradients", false},
                                               {"smoothgrad", false}, {"smoothgrad_squared", true},
                                               {"vargrad", true}}) {
    std::vector<std::string> row = {
        Title(claim.method) + (claim.beats ? " beats random" : " is no better than random"),
        claim.beats ? "beats random" : "no better than random"};
    bool any = false;
    for (const auto& removal : removals) {
      const auto it = std::find_if(comparisons.begin(), comparisons.end(), [&](const auto& c) {
        return c.removal == removal && c.mode == "roar" && c.method == claim.method;
      });
      if (it == comparisons.end()) {
        row.insert(row.end(), {"-", "-"});
        continue;
      }
      any = true;
      const bool beats = it->verdict == VersusRandom::kBeats;
      const bool holds = claim.beats ? beats : !beats;
      row.push_back(VersusRandomText(it->verdict));
      row.push_back(holds ? "yes" : "**no**");
    }
    if (any) md << MarkdownRow(row);
  }
  std::map<VersusRandom, std::vector<std::string>> kar;
  for (const RandomComparison& c : comparisons)
    if (c.mode == "kar") kar[c.verdict].push_back(Title(c.method) + " (" + c.removal + ")");
  if (!kar.empty()) {
    const auto list = [&](VersusRandom v) { return kar.count(v) ? Join(kar[v], " ") : "none"; };
    md << "\nKAR here: beats random: " << list(VersusRandom::kBeats)
       << "; loses to random: " << list(VersusRandom::kLoses)
       << "; indistinguishable: " << list(VersusRandom::kIndistinguishable)
       << ". Hooker et al. report KAR alongside ROAR as its complement; the claims checked above "
          "are ROAR's, so KAR is reported here without a verdict against the paper.\n";
  }
}

}  // namespace

namespace {

// KAR at the smallest fraction within 0.01 of the unmodified accuracy means the retrained model
// classifies from which pixels were replaced, or from very few kept ones; random keeping at that
// fraction tells the two apart.
void LeakSection(const RoarStudyOptions& options, const RoarResults& results,
                 std::ostringstream& md) {
  constexpr double kWithin = 0.01;
  if (!results.curves.count("mean") || !results.curves.at("mean").count("kar") ||
      options.fractions.empty())
    return;
  const double smallest = *std::min_element(options.fractions.begin(), options.fractions.end());
  std::vector<std::string> leaking;
  for (const auto& method : options.methods) {
    const RoarCurve* curve = results.Curve("kar", method);
    if (method == "random" || curve == nullptr || !curve->count(smallest)) continue;
    if (curve->at(smallest).mean >= results.unmodified.mean - kWithin) leaking.push_back(Title(method));
  }
  if (leaking.empty()) return;
  const RoarCurve* random = results.Curve("kar", "random");
  const bool random_run = random != nullptr && random->count(smallest);
  const double random_cost = random_run ? results.unmodified.mean - random->at(smallest).mean : NAN;
  md << "\n**Does the removal pattern carry the class?** Keeping only " << FormatG(100 * smallest)
     << "% of the pixels (KAR) leaves the accuracy within " << FormatG(kWithin)
     << " of the unmodified model's for " << Join(leaking, ", ") << ", while random keeping at "
     << "that fraction costs " << (random_run ? Format(random_cost, 3) : std::string("(not run)"))
     << ".";
  if (!random_run) {
    md << " Without the random control this cannot be read further.\n";
  } else if (random_cost <= kWithin) {
    md << " Random keeping loses no more, so at this fraction KAR does not separate these "
          "estimators from random.\n";
  } else {
    md << " So few kept pixels lose information when chosen at random but not when these "
          "estimators choose them. This suggests that the retrained model also reads *which* "
          "pixels were replaced (a gradient ranking follows the object's silhouette: the mask is "
          "itself a picture of the object), a signal that would equally keep ROAR accuracy high "
          "when such an estimator removes most of the image. If so, ROAR here measures how much "
          "shape a ranking leaks as much as how much information it removes; read the verdicts "
          "with that in mind (the mask-leakage table measures the shape signal directly).\n";
  }
}

void CaveatsSection(const RoarStudyOptions& options, const RoarResults& results,
                    const RoarReportFacts& facts, std::ostringstream& md) {
  md << "\n**Caveats.** ";
  if (options.retrains >= 2) {
    md << "With " << options.retrains << " retrains per cell the standard errors rest on "
       << options.retrains - 1 << " degree(s) of freedom, so \"beats random\" means a consistent "
       << "gap, not a significance test. ";
  } else {
    md << "With 1 retrain per cell there is no standard error, so \"beats random\" compares means "
          "only. ";
  }
  md << "The models are small and trained briefly; ROAR measures whether an estimator's top "
        "pixels carry information a retrained model can use, which on Fashion-MNIST (centred "
        "objects on a black background, where the silhouette carries much of the class) may "
        "reward estimators differently than on ImageNet. Replacing pixels by the mean also writes "
        "a mask shape into the image, which the retrained model can read.";
  const double largest = *std::max_element(options.fractions.begin(), options.fractions.end());
  std::string lowest_method;
  const AccuracySummary* lowest = nullptr;
  for (const auto& [removal, modes] : results.curves) {
    const auto roar = modes.find("roar");
    if (roar == modes.end()) continue;
    for (const auto& [method, curve] : roar->second) {
      const auto at = curve.find(largest);
      if (at == curve.end() || (lowest != nullptr && at->second.mean >= lowest->mean)) continue;
      lowest = &at->second;
      lowest_method = Title(method);
      if (removal != "mean") {
        lowest_method += ", ";
        lowest_method += removal;
      }
    }
  }
  if (lowest != nullptr && !std::isnan(facts.chance)) {
    // Above chance by more than twice the cell's standard error (by any margin without one).
    const bool has_sem = !std::isnan(lowest->sem);
    const bool above = lowest->mean - facts.chance > (has_sem ? 2 * lowest->sem : 0.0);
    md << " At t = " << FormatG(largest) << " the lowest ROAR accuracy is "
       << Format(lowest->mean, 3) << " (" << lowest_method << ") against a chance level of "
       << Format(facts.chance, 3) << " (the test subset's most frequent label): ";
    if (above) {
      md << "with that share of the pixels replaced every estimator's retrained model still "
            "classifies above chance"
         << (has_sem ? " by more than twice its standard error" : "") << ".";
    } else {
      md << (has_sem ? "within twice its standard error of chance" : "at or below chance")
         << ", so this run cannot tell whether that removal leaves any information a retrained "
            "model can use.";
    }
  }
  md << "\n";
}

}  // namespace

bool DrawRoarPlot(const RoarResults& results, const RoarStudyOptions& options) {
  if (!GnuplotFound("study roar")) return false;
  const std::string dir = options.out + "/plots";
  std::filesystem::create_directories(dir);
  const size_t rows = options.removals.size();
  std::ostringstream script;
  script << "set terminal pngcairo noenhanced size 1400," << 600 * rows << " font ',10'\nset output '"
         << options.out << "/roar.png'\nset multiplot layout " << rows
         << ",2 title 'Test accuracy after retraining (mean +- sem over " << options.retrains
         << " retrains); dashed: unmodified'\n"
         << "set xlabel 'fraction of pixels ranked top'\nset ylabel 'test accuracy'\n"
         << "set xrange [0:1]\nset key bottom left font ',8'\n";
  for (const auto& removal : options.removals) {
    for (const std::string mode : {"roar", "kar"}) {
      const std::string file = dir + "/" + removal + "_" + mode + ".dat";
      std::ostringstream data;
      std::vector<std::string> plots;
      for (const auto& method : options.methods) {
        const RoarCurve* curve = results.Curve(mode, method, removal);
        if (curve == nullptr) continue;
        for (const auto& [fraction, a] : *curve)
          data << fraction << " " << a.mean << " " << (std::isnan(a.sem) ? 0.0 : a.sem) << "\n";
        data << "\n\n";
        std::ostringstream plot;
        plot << "'" << file << "' index " << plots.size() << " with yerrorlines title '"
             << Title(method) << "'";
        plots.push_back(plot.str());
      }
      if (plots.empty()) continue;
      WriteFileAtomically(file, data.str());
      script << "set title '"
             << (mode == "roar" ? "ROAR: top-t replaced (lower = better estimator)"
                                : "KAR: only top-t kept (higher = better estimator)")
             << ", " << RemovalTitle(removal) << "'\nplot " << Join(plots, ", ") << ", "
             << std::to_string(results.unmodified.mean)
             << " with lines dashtype 2 lc rgb 'black' title 'unmodified'\n";
    }
  }
  script << "unset multiplot\n";
  return RunGnuplot(dir + "/roar.gp", script.str(), dir + "/roar.log", "study roar");
}

void WriteRoarReport(const RoarResults& results, const RoarStudyOptions& options,
                     const RoarReportFacts& facts) {
  std::ostringstream md;
  ScaleSection(options, facts, results, md);
  CurveTables(options, results, md);
  if (facts.plotted) md << "\n![ROAR and KAR](roar.png)\n";
  const std::vector<RandomComparison> comparisons = CompareWithRandom(results, options.methods);
  RandomSection(comparisons, md);
  LeakageTable(options, results, md);
  EnsembleVerdictSection(options, results, md);
  ClaimsSection(comparisons, md);
  LeakSection(options, results, md);
  CaveatsSection(options, results, facts, md);
  WriteFileAtomically(options.out + "/report.md", md.str());
}

}  // namespace lfa
