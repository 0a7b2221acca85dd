// The image study's results as typed values: what `lfa study images` computed, before anything is
// formatted. The compute step (run.h) fills them, tables.h writes them as CSV, report.h turns them
// into report.md; nothing is read back from text.
//
// Per model (ImageModelResult):
//   scores   one ExplainerScores per explained map, in the study's order: five faithfulness
//            metrics (ImageMetric) as mean +/- sem over the images, and the share of each map's
//            bottom-k pixels that already sit at the removal baseline (the fact that decides
//            whether a small bottom-k gap means anything);
//   nfl      the no-free-lunch matrix: the LFA loss of every linear explanation (rows) over every
//            evaluation composition (columns);
//   cam_smoothing_difference  max |smoothgradcampp - gradcampp| / max |gradcampp| over the maps,
//            for models with CAMs;
//   nfl_sweep  with --nfl-samples only: the matrix again at each sample count, its sampled rows
//            re-explained with that many samples (NflSweepPoint, nfl.h);
//   montage_maps  every method's maps of the first --heatmap-images images (heatmaps.h), from
//            which the writing rank draws the montages (their files: montages).
//
//   ImageStudyResults results = ...;                       // from RunImageStudy's compute step
//   const NflMatrix& m = results.models[0].nfl;
//   double own = m.loss[m.RowOf("lime_p4")][1].mean;       // lime_p4's loss over column 1
//   double deletion = results.models[0].scores[0].Get(ImageMetric::kDeletionAuc).mean;
//
// WARNING: the MetricSummary values here may come without per_point tensors (hand-made results in
// tests, or results rebuilt from a table); the report uses only mean and sem.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiments/studies/common/study_models.h"
#include "experiments/studies/images/heatmaps.h"
#include "experiments/studies/images/image_study.h"
#include "metrics/summary.h"

namespace lfa {

// The faithfulness metrics of metrics.csv, in its order.
enum class ImageMetric { kDeletionAuc, kInsertionAuc, kInfidelity, kTopKGap, kBottomKGap };
inline constexpr std::array<ImageMetric, 5> kImageMetrics = {
    ImageMetric::kDeletionAuc, ImageMetric::kInsertionAuc, ImageMetric::kInfidelity,
    ImageMetric::kTopKGap, ImageMetric::kBottomKGap};

// metrics.csv's name of a metric ("deletion_auc", ..., "bottomk_binary_gap").
std::string ImageMetricName(ImageMetric metric);
// Whether a larger value is better (insertion AUC, top-k gap).
bool HigherIsBetter(ImageMetric metric);

// One explained map's scores on one model.
struct ExplainerScores {
  std::string explainer;                  // as in metrics.csv
  std::array<MetricSummary, 5> metrics;   // indexed like kImageMetrics
  // Mean over the images of the share of the bottom-k pixels whose value already equals the
  // removal baseline (0): at 1 the bottom-k gap is 0 by construction.
  double bottomk_at_baseline = 0.0;

  const MetricSummary& Get(ImageMetric metric) const { return metrics[static_cast<size_t>(metric)]; }
  MetricSummary& Get(ImageMetric metric) { return metrics[static_cast<size_t>(metric)]; }
};

// A composition of the no-free-lunch matrix, as a row (the explanation it produced) or a column
// (the neighbourhood and loss it evaluates with).
struct NflComposition {
  std::string name;    // "lime_p4", "clime_s0.1", "gradient", ...
  std::string method;  // the recipe: "lime", "clime", "smoothgrad", ...
  double sigma = 0.0;  // the Gaussian noise of clime and smoothgrad; 0 for the others
};

// The LFA loss of each explanation (row) over each evaluation composition (column).
struct NflMatrix {
  std::vector<NflComposition> rows;     // in nfl.csv's order (by name)
  std::vector<NflComposition> columns;  // in the study's evaluation order
  std::vector<std::string> column_losses;        // the loss of each column ("squared", ...)
  std::vector<std::vector<MetricSummary>> loss;  // [row][column]

  // The row of the explanation named `name`, or -1.
  int64_t RowOf(const std::string& name) const;
};

// The no-free-lunch matrix with the rows of the swept methods explained with `samples` samples
// (the columns and the other rows as in the main matrix).
struct NflSweepPoint {
  int64_t samples = 0;
  std::vector<std::string> swept_rows;  // the rows re-explained, by name
  NflMatrix matrix;
  double seconds = 0.0;  // wall-clock time of the re-explanations (the columns' model queries are
                         // shared with the main matrix: ImageModelResult::nfl_columns_seconds)
};

struct ImageModelResult {
  StudyModel model;
  std::vector<ExplainerScores> scores;
  NflMatrix nfl;
  std::vector<NflSweepPoint> nfl_sweep;  // empty unless --nfl-samples was given
  double nfl_columns_seconds = 0.0;      // building the matrix's columns (samples, model queries)
  std::optional<double> cam_smoothing_difference;  // models with CAMs only
  std::vector<std::string> montages;               // paths relative to the output directory
  std::vector<ExplainedMap> montage_maps;  // the montages' maps: first heatmap_images images
};

struct ImageStudyResults {
  ImageStudyOptions options;  // as run
  int64_t features = 0;       // pixels per image (C x H x W)
  int64_t top_k = 0;          // pixels of the top-k / bottom-k perturbation gaps
  double top_fraction = 0.0;  // top_k as a fraction of the pixels
  double insertion_blur = 0.0;       // sigma (pixels) of insertion's blurred start image
  double background_fraction = 0.0;  // share of the explained images' pixels at 0 (the baseline)
  double seconds = 0.0;              // wall-clock time of the whole run
  std::vector<ImageModelResult> models;
};

}  // namespace lfa
