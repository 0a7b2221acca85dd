#include "experiments/studies/localisation/localisation_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <vector>

#include "experiments/io/atomic_file.h"
#include "experiments/io/text.h"
#include "experiments/report/markdown.h"
#include "experiments/report/plot.h"
#include "experiments/studies/localisation/localisation_methods.h"

namespace lfa {
namespace {

constexpr int64_t kPixels = 28 * 28;
constexpr LocalisationMetric kVerdictMetric = LocalisationMetric::kMassAccuracy;

std::string Cell(const ScoreSummary& s) {
  std::string cell = Format(s.mean, 3);
  cell += " +/- ";
  cell += Format(s.sem, 3);
  return cell;
}

std::vector<std::string> MaskNames(const LocalisationResults& results) {
  std::vector<std::string> names;
  for (const MaskScores& mask : results.masks) names.push_back(mask.name);
  return names;
}

// The scored masks whose task has a block signal (not the control's).
std::vector<const MaskScores*> SignalMasks(const LocalisationResults& results) {
  std::vector<const MaskScores*> masks;
  for (const MaskScores& mask : results.masks)
    if (mask.task != "control") masks.push_back(&mask);
  return masks;
}

void IntroAndTasks(const LocalisationResults& results, const LocalisationStudyOptions& options,
                   double seconds, std::ostringstream& md) {
  md << "# Ground-truth localisation on Fashion-MNIST\n\n"
     << "`lfa study localisation --points " << options.points << " --samples " << options.samples
     << " --seed " << options.seed << " --epochs " << options.epochs << " --device "
     << options.device << "`: " << options.points << " test images per task, explained at the "
     << "model's predicted class; " << Format(seconds, 0) << " s in all (training included where a "
     << "model was not cached). Each task keeps the Fashion-MNIST images unaltered and defines its "
     << "label from fixed pixel blocks, so the signal source is known (docs/validation.md).\n\n";
  md << "## Tasks and models\n\n"
     << MarkdownRow({"task", "label", "classes", "mask pixels (area)", "test labels = 1",
                     "cnn test accuracy", "training s", "source"})
     << MarkdownRule(8);
  for (const TaskModel& t : results.models) {
    const MaskScores* mask = results.Find(t.task);
    std::string area = "-";
    if (mask != nullptr) {
      area = std::to_string(mask->mask_pixels);
      area += " (";
      area += Format(mask->area, 3);
      area += ")";
    }
    md << MarkdownRow({t.task, t.description, std::to_string(t.classes), area,
                       std::isnan(t.positive_fraction) ? "-" : Format(t.positive_fraction, 3),
                       Format(t.test_accuracy, 4), Format(t.train_seconds, 1),
                       t.from_cache ? "zoo cache" : "trained in this run"});
  }
  md << "\nThe cnn is the zoo's (two conv blocks, " << options.epochs << " epochs of Adam) with "
     << "as many outputs as the task has classes. The control keeps the clothing label: its "
        "evidence is the whole garment, not a block, so its scores against the centre block "
        "(`control`) and against the two-block mask (`control_two_blocks`) say how much relevance "
        "lands in those pixels when they are *not* the signal source, merely part of the object. "
        "Read each task beside its control.\n";
}

void MethodsParagraph(const LocalisationStudyOptions& options, std::ostringstream& md) {
  const std::string noise = FormatG(100 * kNoiseFraction);
  md << "\n## Methods\n\n"
     << "gradient, smoothgrad (noise " << noise << "% of each image's range), integrated_gradients "
     << "and gradient_x_input are the LFA recipes with " << options.samples << " samples; "
     << "smoothgrad_squared and vargrad use " << options.samples << " noisy copies (noise " << noise
     << "%); occlusion removes " << kOcclusionPatch << "x" << kOcclusionPatch << " patches "
     << "(baseline 0); gradcam, gradcampp and smoothgradcampp are taken at the cnn's last spatial "
        "layer (pool2, 32 x 7 x 7) and upsampled bilinearly to 28 x 28; gradcam_relu2 is Grad-CAM "
        "one block earlier, at relu2 (32 x 14 x 14, before the last pooling), to see how much the "
        "7 x 7 resolution costs; random is uniform noise, the chance level: its expected score on "
        "every metric is the mask's area fraction.\n";
}

// One table per metric and variant: methods x scored masks, the best per column in bold.
void ScoreTables(const LocalisationResults& results, std::ostringstream& md) {
  std::vector<std::string> chance;
  for (const MaskScores& mask : results.masks) {
    std::string entry = mask.name;
    entry += ' ';
    entry += Format(mask.area, 3);
    chance.push_back(entry);
  }
  std::vector<std::string> header = {"method"};
  for (const auto& name : MaskNames(results)) header.push_back(name);
  for (MapVariant variant : kMapVariants) {
    for (LocalisationMetric metric : kLocalisationMetrics) {
      md << "\n## " << MetricLabel(metric) << " (" << VariantLabel(variant) << ")\n\n"
         << "Mean +/- standard error over the images; best per column in bold; chance level (area "
            "fraction): "
         << Join(chance, ", ") << ".\n\n"
         << MarkdownRow(header) << MarkdownRule(header.size());
      std::vector<std::string> best;
      for (const MaskScores& mask : results.masks)
        best.push_back(BestMethod(mask, metric, variant, /*include_random=*/true));
      for (const auto& method : LocalisationMethods()) {
        std::vector<std::string> row = {method};
        for (size_t j = 0; j < results.masks.size(); ++j) {
          const std::string cell = Cell(results.masks[j].method(method).at(metric, variant));
          row.push_back(best[j] == method ? "**" + cell + "**" : cell);
        }
        md << MarkdownRow(row);
      }
    }
  }
}

}  // namespace

namespace {

// "localises (above chance and control)", "does not localise (above chance, not above its
// control)", ...: which of the two conditions held.
std::string LocalisesText(const LocalisationVerdict& v) {
  std::string text = v.localises() ? "localises (" : "does not localise (";
  if (!v.has_control)
    text += v.above_chance ? "above chance; no control run)" : "not above chance; no control run)";
  else if (v.above_chance && v.above_control)
    text += "above chance and control)";
  else if (!v.above_chance && !v.above_control)
    text += "above neither chance nor its control)";
  else if (v.above_chance)
    text += "above chance, not above its control)";
  else
    text += "not above chance, above its control)";
  return text;
}

// "smoothgrad 0.602 +/- 0.006 on block (rank 3 of 11; random 0.082, same method on the control
// 0.063); localises (above chance and control); best method smoothgrad_squared 0.813".
std::string Describe(const LocalisationResults& results, const MaskScores& mask,
                     const std::string& method, const LocalisationVerdict& v) {
  const std::string best = BestMethod(mask, kVerdictMetric, MapVariant::kAbsolute, false);
  std::ostringstream text;
  text << method << " " << Cell(mask.method(method).at(kVerdictMetric)) << " on " << mask.name
       << " (rank " << v.rank << " of " << v.of << "; random " << Format(v.chance_mean, 3);
  if (v.has_control) text << ", same method on the control " << Format(v.control_mean, 3);
  text << "); " << LocalisesText(v) << "; best method " << best << " "
       << Format(mask.method(best).at(kVerdictMetric).mean, 3);
  return text.str();
}

enum class Claim { kStaysAccurate, kFailsToLocalise };

// One claim for one method over the signal tasks: a line per task and a count.
void ClaimLines(const LocalisationResults& results, Claim claim, const std::string& method,
                std::ostringstream& md) {
  const auto masks = SignalMasks(results);
  int full = 0, part = 0;
  md << (claim == Claim::kStaysAccurate ? "**\"SmoothGrad stayed accurate\"** ("
                                        : "**\"Grad-CAM failed to localise\"** (")
     << method << "):\n\n";
  for (const MaskScores* mask : masks) {
    const LocalisationVerdict v = Judge(results, mask->name, method, kVerdictMetric);
    const bool top_half = 2 * v.rank <= v.of + 1;
    const bool holds = claim == Claim::kStaysAccurate ? v.localises() && top_half : !v.localises();
    const bool in_part = v.localises() && !top_half;  // never together with `holds`
    std::string verdict = holds ? "holds" : "does not hold";
    if (in_part) {
      const double best =
          mask->method(BestMethod(*mask, kVerdictMetric, MapVariant::kAbsolute, false))
              .at(kVerdictMetric)
              .mean;
      std::ostringstream why;
      why << "holds in part (localises, but in the bottom half: rank " << v.rank << " of " << v.of
          << ", " << Format(best - v.mean, 3) << " below the best)";
      verdict = why.str();
    }
    full += holds;
    part += in_part;
    md << "- " << verdict << ": " << Describe(results, *mask, method, v) << ".\n";
  }
  md << "\n" << method << ": holds on " << full << " of " << masks.size() << " tasks";
  if (part > 0) md << ", in part on " << part;
  md << ".\n\n";
}

void ClaimsSection(const LocalisationResults& results, std::ostringstream& md) {
  md << "\n## Beside the cited study's claims\n\n"
     << "The issue cites a neuroimaging study that built tasks with a known signal source and "
        "found that \"SmoothGrad stayed accurate; Grad-CAM failed to localise; LRP smeared\". "
        "Here a method *localises* on a task when its relevance mass accuracy (absolute value) "
        "exceeds both the random map's and its own score on the task's control (the same mask, "
        "signal elsewhere; when the control was run) by more than three combined standard errors. "
        "Rank is among the "
     << LocalisationMethods().size() - 1 << " methods (random excluded), 1 = highest mass "
     << "accuracy. \"Stayed accurate\" holds where the method localises and ranks in the top "
        "half; \"failed to localise\" holds where it does not localise, and in part where it "
        "localises from the bottom half.\n\n";
  if (SignalMasks(results).empty()) {
    md << "No task with a block signal was run; nothing to compare.\n";
    return;
  }
  for (const std::string method : {"smoothgrad", "smoothgrad_squared"})
    ClaimLines(results, Claim::kStaysAccurate, method, md);
  for (const std::string method : {"gradcam", "gradcampp", "gradcam_relu2"})
    ClaimLines(results, Claim::kFailsToLocalise, method, md);
  md << "**\"LRP smeared\"**: not tested; lfa has no LRP.\n";
}

}  // namespace

namespace {

// Where the pointing game or the top-1% mass accuracy would change a claim's verdict.
void DisagreementNote(const LocalisationResults& results, std::ostringstream& md) {
  struct Alternative {
    LocalisationMetric metric;
    MapVariant variant;
    const char* label;
  };
  const std::vector<Alternative> alternatives = {
      {LocalisationMetric::kPointingGame, MapVariant::kAbsolute, "the pointing game"},
      {LocalisationMetric::kMassAccuracy, MapVariant::kTopOnePercent, "mass accuracy on the top 1%"}};
  std::vector<std::string> changes;
  for (const MaskScores* mask : SignalMasks(results)) {
    for (const std::string method :
         {"smoothgrad", "smoothgrad_squared", "gradcam", "gradcampp", "gradcam_relu2"}) {
      const bool by_mass = Judge(results, mask->name, method, kVerdictMetric).localises();
      for (const Alternative& a : alternatives) {
        const LocalisationVerdict v = Judge(results, mask->name, method, a.metric, a.variant);
        if (v.localises() == by_mass) continue;
        std::ostringstream change;
        change << method << " on " << mask->name << " "
               << (by_mass ? "localises" : "does not localise") << " by mass accuracy; by "
               << a.label << " (" << Format(v.mean, 3) << ", random " << Format(v.chance_mean, 3);
        if (v.has_control) change << ", control " << Format(v.control_mean, 3);
        change << ") it " << LocalisesText(v);
        changes.push_back(change.str());
      }
    }
  }
  md << "- The verdicts use mass accuracy; the pointing game and the top-1% variant are in the "
        "tables above. ";
  if (changes.empty())
    md << "By either of them every verdict above would be the same.\n";
  else
    md << "By them these verdicts would change: " << Join(changes, "; ") << ".\n";
}

// The rank accuracy of the top-1% variant: its bound for a map without ties at the threshold,
// and how widely the methods spread under it and without it.
void TopRankNote(const LocalisationResults& results, std::ostringstream& md) {
  const int64_t kept = static_cast<int64_t>(std::ceil(kTopFraction * kPixels));
  std::vector<std::string> bounds, spreads, above;
  bool separates_less = true;
  for (const MaskScores* mask : SignalMasks(results)) {
    const double k = static_cast<double>(mask->mask_pixels);
    const double bound = k <= kept ? 1.0 : (kept + (k - kept) * (k - kept) / (kPixels - kept)) / k;
    double low[2] = {INFINITY, INFINITY}, high[2] = {-INFINITY, -INFINITY};
    for (const MethodScores& m : mask->methods) {
      if (m.method == "random") continue;
      for (MapVariant variant : kMapVariants) {
        const double v = m.at(LocalisationMetric::kRankAccuracy, variant).mean;
        low[static_cast<int>(variant)] = std::min(low[static_cast<int>(variant)], v);
        high[static_cast<int>(variant)] = std::max(high[static_cast<int>(variant)], v);
      }
      if (m.at(LocalisationMetric::kRankAccuracy, MapVariant::kTopOnePercent).mean > bound + 1e-9)
        above.push_back(m.method + " on " + mask->name);
    }
    std::ostringstream b, r;
    b << Format(bound, 3) << " on " << mask->name << " (K = " << mask->mask_pixels << ")";
    r << Format(low[1], 3) << "-" << Format(high[1], 3) << " on " << mask->name << " ("
      << Format(low[0], 3) << "-" << Format(high[0], 3) << " without the top-1% keeping)";
    bounds.push_back(b.str());
    spreads.push_back(r.str());
    separates_less = separates_less && high[1] - low[1] < 0.5 * (high[0] - low[0]);
  }
  if (bounds.empty()) return;
  md << "- With the top 1% kept (" << kept << " of " << kPixels << " pixels) the rank accuracy "
     << "of a map without ties at the threshold is bounded: at most " << kept << " of the K = |M| "
     << "top places hold kept pixels and the rest go to the zeroed ties, so even a perfect map "
     << "scores (" << kept << " + (K - " << kept << ")^2 / " << kPixels - kept << ") / K: "
     << Join(bounds, ", ") << ".";
  if (!above.empty())
    md << " Above the bound: " << Join(above, ", ") << " (ties at the threshold keep every tied "
       << "pixel).";
  md << " Across the methods (random excluded) this variant's rank accuracy spans "
     << Join(spreads, " and ")
     << (separates_less ? ": it separates the methods less (under half the spread on every task)."
                        : ".")
     << "\n";
}

void Notes(const LocalisationResults& results, std::ostringstream& md) {
  if (SignalMasks(results).empty()) return;
  md << "\nNotes on reading the tables:\n\n";
  DisagreementNote(results, md);
  TopRankNote(results, md);
  bool identical = true;
  for (const MaskScores& mask : results.masks)
    for (LocalisationMetric metric : kLocalisationMetrics)
      identical = identical && mask.method("gradcampp").at(metric).mean ==
                                   mask.method("smoothgradcampp").at(metric).mean;
  if (identical)
    md << "- smoothgradcampp equals gradcampp exactly. That is the formula, not a bug: at pool2 "
          "the cnn is linear up to the logit (flatten, fc), so the gradient there is the fc "
          "weight row whatever the input, and Smooth Grad-CAM++'s averages of its powers over "
          "noisy copies equal the clean ones.\n";
}

}  // namespace

std::string DrawLocalisationPlot(const LocalisationResults& results,
                                 const LocalisationStudyOptions& options) {
  if (!GnuplotFound("study localisation")) return "";
  const std::string dir = options.out + "/plots";
  std::filesystem::create_directories(dir);
  const std::vector<std::string> names = MaskNames(results);
  for (LocalisationMetric metric : {LocalisationMetric::kMassAccuracy, LocalisationMetric::kRankAccuracy}) {
    std::ostringstream dat;
    dat << "method " << Join(names, " ") << "\n";
    for (const auto& method : LocalisationMethods()) {
      dat << method;
      for (const MaskScores& mask : results.masks) dat << " " << mask.method(method).at(metric).mean;
      dat << "\n";
    }
    std::string path = dir;
    path += '/';
    path += MetricColumnName(metric, MapVariant::kAbsolute);
    path += ".dat";
    WriteFileAtomically(path, dat.str());
  }
  std::ostringstream gp;
  gp << "set terminal pngcairo noenhanced size 1600,600 font ',9'\nset output '" << options.out
     << "/localisation.png'\nset multiplot layout 1,2\nset style data histogram\n"
        "set style histogram clustered gap 1\nset style fill solid 0.8 border -1\n"
        "set xtics rotate by 45 right\nset yrange [0:1]\nset key top right\nset grid ytics\n";
  for (const std::string metric : {"mass_accuracy", "rank_accuracy"}) {
    gp << "set title '" << metric << " (absolute value), mean over " << options.points
       << " test images'\nplot for [i=2:" << names.size() + 1 << "] '" << dir << "/" << metric
       << ".dat' using i:xtic(1) title columnheader(i)\n";
  }
  gp << "unset multiplot\n";
  return RunGnuplot(dir + "/localisation.gp", gp.str(), dir + "/localisation.log",
                    "study localisation")
             ? "localisation.png"
             : "";
}

void WriteLocalisationReport(const LocalisationResults& results,
                             const LocalisationStudyOptions& options, double seconds,
                             const std::string& plot) {
  std::ostringstream md;
  IntroAndTasks(results, options, seconds, md);
  MethodsParagraph(options, md);
  ScoreTables(results, md);
  if (!plot.empty()) md << "\n![mass and rank accuracy per method and task](" << plot << ")\n";
  ClaimsSection(results, md);
  Notes(results, md);
  WriteFileAtomically(options.out + "/report.md", md.str());
}

}  // namespace lfa
