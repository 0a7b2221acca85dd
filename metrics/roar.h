// ROAR and KAR removal (Hooker, Erhan, Kindermans & Kim, "A Benchmark for Interpretability Methods
// in Deep Neural Networks", NeurIPS 2019): the data-side half of RemOve And Retrain.
//
// An estimator assigns every pixel of an image a relevance; ROAR replaces the top-t fraction of the
// pixels (most relevant first) by an uninformative value and retrains the model on the modified
// training set, testing it on the equally modified test set. A faithful estimator removes the
// information the task needs, so accuracy falls faster than when the same number of pixels is
// removed at random. KAR (Keep And Retrain) is the complement: it keeps only the top-t fraction
// and replaces the rest; there a faithful estimator keeps accuracy higher than random.
//
// With P = H * W pixels per image and k = round(t * P):
//   ROAR(t) replaces the k pixels ranked first,         leaving P - k untouched;
//   KAR(t)  replaces the P - k pixels ranked after k,   leaving the top k untouched.
// A pixel is replaced in all its channels together, by one of two fills (RemovalFill):
//   mean  channel c by channel_means[c] (Hooker et al. use the per-channel mean of the training
//         set, so the replaced value carries no information; but the flat patch has the shape
//         of the removed set, which a retrained model can read);
//   road  ROAD's noisy linear imputation (metrics/road_imputation.h): each replaced pixel is the
//         weighted mean of its 8 neighbours given the kept pixels, plus seeded noise, which
//         leaves no flat silhouette (Rong et al., ICML 2022).
//
// Ranking. A map may be [N, H, W] (one value per pixel) or [N, C, H, W] (one per element); the
// relevance of a pixel is the map's value for [N, H, W] maps and sum_c |map_c| for [N, C, H, W]
// maps: the magnitude, as saliency maps are shown. (SmoothGrad-Squared and VarGrad are
// non-negative, so the absolute value changes nothing for them; for the signed gradient, IG and
// SmoothGrad a strongly negative pixel is as relevant as a strongly positive one.) Pixels are
// ranked by decreasing relevance; ties are broken by pixel index, row-major (y * W + x), the
// smaller index first, so a constant map removes the first k pixels in reading order.
//
//   torch::Tensor order = PixelOrder(maps);                           // [N, H*W], most relevant first
//   torch::Tensor means = ChannelMeans(train_images);                 // [C]
//   torch::Tensor roar = RemoveByOrder(images, order, 0.3, RemovalMode::kRoar, means);
//   torch::Tensor kar = RemoveByRanking(images, maps, 0.3, RemovalMode::kKar, means);
//   torch::Tensor road = RemoveByOrder(images, order, 0.3, RemovalMode::kRoar, means,
//                                      {.fill = RemovalFill::kRoad, .road = {.seed = 7}});
//
// Controls: SobelEdgeMap (an edge detector that never looks at the model) and RandomMap (i.i.d.
// uniform relevance, one seeded stream per image, so an image's ranking does not depend on the
// batch it is computed in).
//
// WARNING: a map with a non-finite value is rejected (NaN has no place in a ranking). And the
// replaced pixels are "removed" only in information, not in count: a pixel whose value already
// equals the channel mean is replaced by itself. Under the road fill a removal that keeps no pixel
// (ROAR at t = 1, KAR at t = 0) is rejected: there is nothing to impute from.
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "metrics/road_imputation.h"

namespace lfa {

enum class RemovalMode {
  kRoar,  // replace the top-t fraction
  kKar,   // keep the top-t fraction, replace the rest
};

// "roar" / "kar".
std::string RemovalModeName(RemovalMode mode);

// What a replaced pixel becomes.
enum class RemovalFill {
  kChannelMean,  // "mean": channel c's value is channel_means[c]
  kRoad,         // "road": ROAD's noisy linear imputation from the kept pixels
};

// "mean" / "road".
std::string RemovalFillName(RemovalFill fill);
// "mean" / "road" -> the fill; InvalidInput naming `name` otherwise.
RemovalFill ParseRemovalFill(const std::string& name);

struct RemovalOptions {
  RemovalFill fill = RemovalFill::kChannelMean;
  // The road fill's noise (its seed and first_index pick the images' noise streams).
  RoadImputationOptions road;
};

// Number of pixels ranked "top" at `fraction` of `pixels`: round(fraction * pixels), halves away
// from zero (std::llround).
int64_t TopPixelCount(double fraction, int64_t pixels);

// maps [N, H, W] -> the same as float64; [N, C, H, W] -> sum_c |maps_c|, [N, H, W] float64.
torch::Tensor PixelRelevance(const torch::Tensor& maps);

// maps [N, H, W] or [N, C, H, W] -> int64 [N, H*W]: pixel indices (y * W + x) by decreasing
// relevance, ties by increasing index. InvalidInput for another rank or a non-finite value.
torch::Tensor PixelOrder(const torch::Tensor& maps);

// images [N, C, H, W] (float), order int64 [N, H*W] (each row a permutation, e.g. PixelOrder),
// fraction in [0, 1], channel_means [C] -> a copy of images with TopPixelCount(fraction, H*W)
// pixels per image replaced (kRoar) or all the others replaced (kKar), channel c by
// channel_means[c] (removal.fill = kChannelMean) or by ROAD's imputation (kRoad; channel_means
// is then only checked). The result has images' dtype and device.
torch::Tensor RemoveByOrder(const torch::Tensor& images, const torch::Tensor& order,
                            double fraction, RemovalMode mode, const torch::Tensor& channel_means,
                            const RemovalOptions& removal = {});

// bool [N, H, W]: the pixels RemoveByOrder replaces (the removal mask; the same for both fills).
torch::Tensor RemovedByOrder(const torch::Tensor& order, int64_t height, int64_t width,
                             double fraction, RemovalMode mode);

// RemoveByOrder(images, PixelOrder(maps), ...); maps [N, H, W] or [N, C, H, W] with images' N, H, W.
torch::Tensor RemoveByRanking(const torch::Tensor& images, const torch::Tensor& maps,
                              double fraction, RemovalMode mode, const torch::Tensor& channel_means,
                              const RemovalOptions& removal = {});

// images [N, C, H, W] -> [C] float64: the mean of each channel over images and pixels.
torch::Tensor ChannelMeans(const torch::Tensor& images);

// images [N, C, H, W] -> [N, H, W] float64: the magnitude of the Sobel gradient,
// sqrt(sum_c (Gx_c^2 + Gy_c^2)), with Gx the 3x3 kernel [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
// (Gy its transpose) applied as a cross-correlation and the border replicated (edge pixels are
// repeated outward, so a flat image has magnitude 0 everywhere, borders included). A vertical
// step from 0 to 1 between columns j-1 and j has magnitude 4 in columns j-1 and j, 0 elsewhere.
torch::Tensor SobelEdgeMap(const torch::Tensor& images);

// [n, h, w] float64 of i.i.d. U[0, 1) values; image i is drawn from its own generator seeded with
// StreamSeed(seed, first_index + i, Component::kMetric), so it does not depend on n.
torch::Tensor RandomMap(int64_t n, int64_t h, int64_t w, uint64_t seed, int64_t first_index = 0);

}  // namespace lfa
