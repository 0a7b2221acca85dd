// Estimator rankings of the ROAR study: for each estimator, the order of every image's pixels from
// most to least relevant (metrics/roar.h PixelOrder), over the training subset followed by the
// test subset.
//
// The model-based estimators (gradient, integrated_gradients, smoothgrad, smoothgrad_squared,
// vargrad) explain the base model (zoo cnn trained on the unmodified subset with the study's seed,
// through the zoo cache) at its predicted class, in chunks of kRoarChunk images; image i of the
// training subset and image j of the test subset draw their noise from the per-image streams
// i and test_first_index + j. The controls need no model: random (RandomMap, same streams) and
// sobel (SobelEdgeMap).
//
// Model-based orders are cached in maps_dir/<method>.pt, a cache archive
// (experiments/io/cache_archive.h) keyed by the study key and the method; a corrupt, stale or
// misshapen file is reported on one line and recomputed. The controls are recomputed every time
// (milliseconds).
//
//   RoarRankings rankings({.maps_dir = out + "/maps", .study_key = key, .epochs = 2}, data);
//   torch::Tensor order = rankings.Order("smoothgrad");   // int16 [train + test, H * W]
//
// WARNING: the orders are int16 to keep the cache small: images of more than 32767 pixels do not
// fit (Fashion-MNIST has 784).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <torch/types.h>

#include "experiments/data/fashion_mnist.h"

namespace lfa {

class Oracle;
class Progress;
class ZooModel;

// Estimator settings (Hooker et al.: 15 noisy copies, noise 15% of each image's range).
inline constexpr int64_t kRoarIgSteps = 16;          // Gauss-Legendre steps of integrated gradients
inline constexpr int64_t kRoarNoisyCopies = 15;      // SmoothGrad, SmoothGrad-Squared, VarGrad
inline constexpr double kRoarNoiseFraction = 0.15;   // noise sigma / each image's value range
inline constexpr int64_t kRoarChunk = 500;           // images per estimator call
inline constexpr const char* kRoarArchitecture = "cnn";

struct RoarRankingOptions {
  std::string maps_dir;           // cache of the model-based orders (must exist)
  std::string study_key;          // the study's key; each order's key adds the method
  uint64_t seed = 0;              // base model, estimator noise, random ranking
  int64_t epochs = 2;             // training epochs of the base model
  std::string device = "cpu";     // device of the base model's queries
  std::string cache_dir;          // zoo cache ("" = the default)
  int64_t test_first_index = 0;   // stream index of the first test image
};

class RoarRankings {
 public:
  // `data`: the study's training and test subsets.
  RoarRankings(RoarRankingOptions options, FashionMnist data);
  ~RoarRankings();

  // int16 [train + test, H * W]: pixel indices (y * W + x) by decreasing relevance.
  torch::Tensor Order(const std::string& method);
  // Frees the base model (trained or loaded by the first model-based Order).
  void ReleaseModel();

 private:
  torch::Tensor ModelOrder(const std::string& method);
  torch::Tensor ReadCachedOrder(const std::string& path, const std::string& key) const;
  torch::Tensor ModelMaps(const std::string& method, const torch::Tensor& images,
                          int64_t first_index, Progress& progress, int64_t* done);
  Oracle& BaseOracle();

  RoarRankingOptions options_;
  FashionMnist data_;
  std::shared_ptr<ZooModel> base_;
  std::unique_ptr<Oracle> oracle_;
};

}  // namespace lfa
