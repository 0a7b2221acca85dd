// The image study's compute step: for one zoo model, explain the study's images with every method,
// score each map with the faithfulness metrics, evaluate every linear explanation over every
// composition of the no-free-lunch matrix, and keep the maps the montages need. Returns typed
// results (results.h); writing tables, montages and the report is someone else's job (tables.h,
// heatmaps.h, report.h).
//
// The set-up a run shares across models (the images, the settings the report states) comes from
// NewImageStudyResults; each model then adds one ImageModelResult:
//
//   ImageStudyResults results = NewImageStudyResults(options, images);
//   for (const std::string& architecture : options.models)
//     results.models.push_back(StudyImageModel(options, data, images, architecture));
//
// The facts the report's verdicts rest on are computed here from tensors, by the small functions
// below (exposed for tests): how much of an image sits at the removal baseline, how much of a
// map's bottom-k lies there, and how far two maps differ.
//
// WARNING: BottomKAtBaseline ranks with the perturbation tests' own ranking (SelectedFeatures:
// |map|, ties to the lower index); a different tie rule would describe pixels the bottom-k gap
// never removed.
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "experiments/data/fashion_mnist.h"
#include "experiments/studies/images/image_study.h"
#include "experiments/studies/images/results.h"

namespace lfa {

// The run-wide part of the results: options, pixel count, k of the perturbation gaps, insertion's
// blur, the share of the images at the baseline. `images` [N, C, H, W] float64.
ImageStudyResults NewImageStudyResults(const ImageStudyOptions& options, const torch::Tensor& images);

// Everything the study computes for zoo model `architecture`; writes no file (the montages' maps
// come back in montage_maps).
ImageModelResult StudyImageModel(const ImageStudyOptions& options, const FashionMnist& data,
                                 const torch::Tensor& images, const std::string& architecture);

// Share of the elements of `images` equal to 0 (the removal baseline).
double BaselineShare(const torch::Tensor& images);

// Mean over the images of the share of the k lowest-|map| elements (the bottom-k perturbation
// test's pixels) whose image value is 0. images and maps [N, ...] with the same element count.
double BottomKAtBaseline(const torch::Tensor& images, const torch::Tensor& maps, int64_t k);

// max |a - b| / max |b| over all elements: 0 when both are all zero, infinity when only `b` is.
double MaxRelativeDifference(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace lfa
