#include "experiments/studies/images/report.h"

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "experiments/io/atomic_file.h"
#include "experiments/io/text.h"
#include "experiments/report/markdown.h"
#include "experiments/studies/images/nfl_sweep.h"
#include "experiments/studies/images/verdicts.h"

namespace lfa {
namespace {

std::string Bold(const std::string& cell) {
  std::string bold = "**";
  bold += cell;
  bold += "**";
  return bold;
}

std::string Patch(const ImageStudyOptions& options) {
  return std::to_string(options.patch) + "x" + std::to_string(options.patch);
}

// "deletion AUC (lower better)", ...: the metric tables' column labels.
std::string MetricLabel(ImageMetric metric, double top_fraction) {
  const std::string percent = Format(100.0 * top_fraction, 0);
  switch (metric) {
    case ImageMetric::kDeletionAuc: return "deletion AUC (lower better)";
    case ImageMetric::kInsertionAuc: return "insertion AUC (higher better)";
    case ImageMetric::kInfidelity: return "infidelity (lower better)";
    case ImageMetric::kTopKGap: return "top-" + percent + "% gap (higher better)";
    case ImageMetric::kBottomKGap: return "bottom-" + percent + "% gap (lower better)";
  }
  return ImageMetricName(metric);
}

// " --nfl-samples 1000,4000 --nfl-sweep-methods clime,smoothgrad", or "" without a sweep.
std::string NflSweepFlags(const ImageStudyOptions& o) {
  if (o.nfl_samples.empty()) return "";
  std::vector<std::string> counts;
  for (int64_t n : o.nfl_samples) counts.push_back(std::to_string(n));
  std::string flags = " --nfl-samples ";
  flags += Join(counts, ",");
  flags += " --nfl-sweep-methods ";
  flags += Join(o.nfl_sweep_methods, ",");
  return flags;
}

void Header(const ImageStudyResults& results, std::ostringstream& md) {
  const ImageStudyOptions& o = results.options;
  md << "# Image study: Fashion-MNIST\n\n"
     << "`lfa study images --points " << o.points << " --samples " << o.samples << " --seed "
     << o.seed << " --patch " << o.patch << " --device " << o.device << NflSweepFlags(o)
     << "`: " << o.points
     << " test images per model, explained at the model's predicted class; "
     << Format(results.seconds, 0) << " s in all (training included where a model was not "
        "cached).\n\n";
  md << "## Models\n\n" << MarkdownRow({"model", "test accuracy", "training seconds", "source"})
     << MarkdownRow({"---", "---:", "---:", "---"});
  for (const ImageModelResult& m : results.models)
    md << MarkdownRow({m.model.name, Format(m.model.test_accuracy), Format(m.model.train_seconds, 1),
                       StudyModelSource(m.model)});
}

// One model's metric table; the best mean of each column in bold (first on ties).
void MetricTable(const ImageStudyResults& results, const ImageModelResult& m, std::ostringstream& md) {
  std::vector<std::string> header = {"explainer"};
  for (ImageMetric metric : kImageMetrics) header.push_back(MetricLabel(metric, results.top_fraction));
  md << "\n### " << m.model.name << "\n\n" << MarkdownRow(header) << MarkdownRule(header.size());
  std::vector<int64_t> best(kImageMetrics.size(), -1);
  for (size_t c = 0; c < kImageMetrics.size(); ++c) {
    const bool higher = HigherIsBetter(kImageMetrics[c]);
    double best_value = higher ? -INFINITY : INFINITY;
    for (size_t e = 0; e < m.scores.size(); ++e) {
      const double v = PublishedValue(m.scores[e].metrics[c].mean);
      if (higher ? v > best_value : v < best_value) best_value = v, best[c] = static_cast<int64_t>(e);
    }
  }
  for (size_t e = 0; e < m.scores.size(); ++e) {
    std::vector<std::string> row = {m.scores[e].explainer};
    for (size_t c = 0; c < kImageMetrics.size(); ++c) {
      const MetricSummary& s = m.scores[e].metrics[c];
      const std::string cell = FormatG(s.mean) + " +/- " + FormatG(s.sem);
      row.push_back(best[c] == static_cast<int64_t>(e) ? Bold(cell) : cell);
    }
    md << MarkdownRow(row);
  }
}

void MetricsSection(const ImageStudyResults& results, std::ostringstream& md) {
  md << "\n## Faithfulness metrics\n\n"
     << "Mean +/- standard error over the images. Deletion and insertion follow the predicted "
        "class's softmax probability as pixels are removed (set to 0) or inserted into a blurred "
        "copy (sigma " << FormatG(results.insertion_blur) << " px), most relevant first (RISE); "
        "infidelity is Yeh et al.'s with Gaussian perturbations after the optimal rescaling of "
        "each map; the perturbation gaps set the top or bottom "
     << Format(100.0 * results.top_fraction, 0) << "% of pixels to 0 and measure the change of "
        "the logit. Mask methods rank whole " << Patch(results.options)
     << " patches (their pixels tie). Best of each column in bold.\n\n"
     << BackgroundVerdict(results);
  const std::string cams = CamSmoothingVerdict(results);
  if (!cams.empty()) md << "\n" << cams;
  for (const ImageModelResult& m : results.models) MetricTable(results, m, md);
}

// One model's no-free-lunch matrix: loss / column minimum, the winner in bold, the diagonal marked.
void NflTable(const ImageModelResult& m, std::ostringstream& md) {
  const NflMatrix& nfl = m.nfl;
  std::vector<std::string> header = {"explainer \\ neighbourhood"};
  for (const NflComposition& c : nfl.columns) header.push_back(c.name);
  md << "\n### " << m.model.name << "\n\n" << MarkdownRow(header) << MarkdownRule(header.size());
  const std::vector<NflColumnVerdict> verdicts = JudgeNflColumns(nfl);
  for (size_t r = 0; r < nfl.rows.size(); ++r) {
    std::vector<std::string> row = {nfl.rows[r].name};
    for (size_t c = 0; c < nfl.columns.size(); ++c) {
      const NflColumnVerdict& v = verdicts[c];
      std::string cell = Format(PublishedValue(nfl.loss[r][c].mean) / v.best_loss, 2);
      if (v.best_row == static_cast<int64_t>(r)) cell = Bold(cell);
      if (v.diagonal_row == static_cast<int64_t>(r)) cell += " (diag)";
      row.push_back(cell);
    }
    md << MarkdownRow(row);
  }
}

void NflSection(const ImageStudyResults& results, std::ostringstream& md) {
  md << "\n## No free lunch on images\n\n"
     << "Rows: explanations, each produced by one composition (lime_pP: LIME over PxP patches; "
        "clime_sS / smoothgrad_sS: Gaussian noise of standard deviation S; plus kernelshap and "
        "occlusion over " << Patch(results.options) << " patches and gradient_x_input). Columns: "
        "evaluation compositions. A cell is the explanation's LFA loss over the column's "
        "neighbourhood (fresh samples), divided by the column's smallest loss (1.00 = best, in "
        "bold). Patch attributions are turned into input-space slopes by the minimum-norm slope "
        "that states them (`GroupedSlope`); pixels an explanation states nothing about (at the "
        "baseline) get slope 0. The theory predicts the diagonal - each composition's own "
        "explanation - wins its column.\n";
  for (const ImageModelResult& m : results.models) NflTable(m, md);
  md << NflVerdict(results);
}

// The sample sweep (with --nfl-samples only): the C-LIME columns along the sweep and the verdict.
void NflSweepSection(const ImageStudyResults& results, std::ostringstream& md) {
  const std::vector<ClimeColumnAtSamples> summary = SummarizeNflSweep(results);
  if (summary.empty()) return;
  const ImageStudyOptions& o = results.options;
  md << "\n## The C-LIME columns as the samples grow\n\n"
     << "C-LIME fits " << results.features + 1 << " coefficients per image by least squares; the "
        "theory says its own explanation minimises its column's loss in the population, so a lost "
        "column should be the estimate's variance and shrink like 1/n. The sweep re-explains the "
        "rows of " << Join(o.nfl_sweep_methods, ", ") << " with each sample count and scores every "
        "row over the same columns as above (each column keeps its " << o.samples << " fresh "
        "samples), so between counts only those explanations change. ";
  if (ClimeIsAntithetic())
    md << "The recipes draw their Gaussian noise in antithetic pairs (xi, -xi), so the slope is "
          "fitted from n / 2 pairs and has full rank only from n / 2 >= " << results.features
       << "; below that it is the solver's ridge (minimum-norm) solution. ";
  md << "Seconds: the re-explanations of each count; building the columns (their samples and "
        "model queries, shared by all counts) took ";
  for (size_t i = 0; i < results.models.size(); ++i)
    md << (i ? ", " : "") << Format(results.models[i].nfl_columns_seconds, 1) << " s on "
       << results.models[i].model.name;
  md << ".\n\n";
  const std::vector<std::string> header = {"model", "samples", "seconds", "column", "C-LIME diagonal",
                                           "best row", "best loss", "ratio", "diagonal wins"};
  md << MarkdownRow(header) << MarkdownRule(header.size());
  for (const ClimeColumnAtSamples& s : summary)
    md << MarkdownRow({s.model, std::to_string(s.samples), Format(s.seconds, 1), s.column,
                       FormatG(s.diagonal_loss), s.best_row, FormatG(s.best_loss), Format(s.ratio, 3),
                       std::to_string(s.diagonal_wins) + " of " + std::to_string(s.columns)});
  md << "\n" << NflSweepVerdict(results);
}

void HeatmapSection(const ImageStudyResults& results, std::ostringstream& md) {
  md << "\n## Heatmaps\n\n"
     << "Each montage: the input, then every method's map (absolute value summed over channels, "
        "capped at the 99th percentile; CAMs upsampled and overlaid on the input). Mask methods "
        "show their " << Patch(results.options) << " patches.\n\n";
  for (const ImageModelResult& m : results.models)
    for (const std::string& file : m.montages)
      md << "![" << m.model.name << " " << file << "](" << file << ")\n\n";
}

}  // namespace

std::string ImageStudyReport(const ImageStudyResults& results) {
  std::ostringstream md;
  Header(results, md);
  MetricsSection(results, md);
  NflSection(results, md);
  NflSweepSection(results, md);
  HeatmapSection(results, md);
  return md.str();
}

void WriteImageStudyReport(const std::string& path, const ImageStudyResults& results) {
  WriteFileAtomically(path, ImageStudyReport(results));
}

}  // namespace lfa
