// The image study's montages: per model, one PNG per image with the input and every method's map,
// titled with a short name (heatmaps/<model>_<i>.png). CAM maps are overlaid on the input; every
// other map is shown as an unsigned attribution (experiments/report/heatmap.h).
//
//   std::vector<ExplainedMap> maps = ...;   // {name, [N, C, H, W]} per method
//   const auto files = WriteImageStudyMontages(out, "cnn", images, maps, /*count=*/4);
//   // files = {"heatmaps/cnn_0.png", ..., "heatmaps/cnn_3.png"}, relative to `out`
//
// The compute step (run.h) keeps only what the montages need, MontageMaps(maps, count), and the
// writing rank draws them from that: the same PNGs, whichever rank explained the model.
//
// WARNING: the maps must be per input element ([N, C, H, W], CAMs already upsampled, as
// ComputeImageMap returns them); a patch method's [N, groups] attributions must be spread to the
// pixels first (FeatureGroups::SpreadToElements), or the montage shows noise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

namespace lfa {

// One method's maps of the study's images.
struct ExplainedMap {
  std::string name;    // as in metrics.csv
  torch::Tensor maps;  // [N, C, H, W] float64
};

// The montage title of a method ("integrated_gradients" -> "ig", ...): short enough for a tile.
std::string MontageTitle(const std::string& method);

// Every method's maps of the first min(count, N) images, as contiguous copies (the rest of the
// maps is not kept): what WriteImageStudyMontages needs for `count` montages.
std::vector<ExplainedMap> MontageMaps(const std::vector<ExplainedMap>& maps, int64_t count);

// Montages of the first min(count, N) images into out/heatmaps/ (which must exist); returns their
// paths relative to `out`, in image order.
std::vector<std::string> WriteImageStudyMontages(const std::string& out, const std::string& model,
                                                 const torch::Tensor& images,
                                                 const std::vector<ExplainedMap>& maps,
                                                 int64_t count);

}  // namespace lfa
