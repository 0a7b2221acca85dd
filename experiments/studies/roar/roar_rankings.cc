#include "experiments/studies/roar/roar_rankings.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "experiments/io/cache_archive.h"
#include "experiments/report/progress.h"
#include "experiments/zoo/model_zoo.h"
#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "metrics/roar.h"

namespace lfa {
namespace {

// The study's one call into the image methods (explainers/image_methods.h): SmoothGrad-Squared
// and VarGrad maps [n, C, H, W] of `images` at `targets`.
torch::Tensor ImageMethodMaps(const std::string& method, Oracle& oracle,
                              const torch::Tensor& images, const torch::Tensor& targets,
                              uint64_t seed, int64_t first_index) {
  return MakeExplainer(method, {.samples = kRoarNoisyCopies, .noise_fraction = kRoarNoiseFraction})
      ->Explain(oracle, MakePointBatch(images, seed, first_index), targets)
      .AttributionMaps();
}

// Gradient, integrated gradients and SmoothGrad maps [n, C, H, W]: the classic implementations.
torch::Tensor RecipeMaps(const std::string& method, Oracle& oracle, const torch::Tensor& images,
                         const torch::Tensor& targets, uint64_t seed, int64_t first_index) {
  RecipeOptions options;
  if (method == "integrated_gradients") options.samples = kRoarIgSteps;
  if (method == "smoothgrad") {
    options.samples = kRoarNoisyCopies;
    options.noise_fraction = kRoarNoiseFraction;
  }
  return MakeExplainer(method, options, Implementation::kClassic)
      ->Explain(oracle, MakePointBatch(images, seed, first_index), targets)
      .attributions.reshape(images.sizes());
}

std::string OrderKey(const std::string& study_key, const std::string& method) {
  std::string key = study_key;
  key += " method ";
  key += method;
  return key;
}

}  // namespace

RoarRankings::RoarRankings(RoarRankingOptions options, FashionMnist data)
    : options_(std::move(options)), data_(std::move(data)) {}

RoarRankings::~RoarRankings() = default;

torch::Tensor RoarRankings::Order(const std::string& method) {
  const int64_t train_n = data_.train_images.size(0), test_n = data_.test_images.size(0);
  const int64_t h = data_.train_images.size(2), w = data_.train_images.size(3);
  if (method == "random")
    return PixelOrder(torch::cat({RandomMap(train_n, h, w, options_.seed),
                                  RandomMap(test_n, h, w, options_.seed, options_.test_first_index)}))
        .to(torch::kShort);
  if (method == "sobel")
    return PixelOrder(torch::cat({SobelEdgeMap(data_.train_images), SobelEdgeMap(data_.test_images)}))
        .to(torch::kShort);
  return ModelOrder(method);
}

void RoarRankings::ReleaseModel() {
  oracle_.reset();
  base_.reset();
}

// The order of a model-based estimator: from maps_dir when cached under this key, else computed
// and cached.
torch::Tensor RoarRankings::ModelOrder(const std::string& method) {
  std::string path = options_.maps_dir;
  path += '/';
  path += method;
  path += ".pt";
  const std::string key = OrderKey(options_.study_key, method);
  if (torch::Tensor cached = ReadCachedOrder(path, key); cached.defined()) return cached;

  const int64_t total = data_.train_images.size(0) + data_.test_images.size(0);
  std::string label = "study roar: ";
  label += method;
  label += " maps";
  Progress progress(label, total);
  int64_t done = 0;
  const torch::Tensor train_maps = ModelMaps(method, data_.train_images, 0, progress, &done);
  const torch::Tensor test_maps =
      ModelMaps(method, data_.test_images, options_.test_first_index, progress, &done);
  progress.Finish();
  const torch::Tensor order = PixelOrder(torch::cat({train_maps, test_maps}, 0)).to(torch::kShort);
  torch::serialize::OutputArchive archive;
  archive.write("order", order);
  SaveCacheArchive(archive, key, path);
  return order;
}

// The cached order, or undefined when the file is missing (silently) or unusable (one line).
torch::Tensor RoarRankings::ReadCachedOrder(const std::string& path, const std::string& key) const {
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) return {};
  const std::vector<int64_t> shape = {data_.train_images.size(0) + data_.test_images.size(0),
                                      data_.train_images.size(2) * data_.train_images.size(3)};
  try {
    torch::serialize::InputArchive archive;
    LoadCacheArchive(path, key, &archive);
    const torch::Tensor order = ReadCacheTensor(archive, "order");
    if (order.scalar_type() != torch::kShort || order.sizes() != shape)
      throw UnusableCacheEntry("'order' is not int16 [images, pixels] of this study");
    return order;
  } catch (const UnusableCacheEntry& unusable) {
    std::fprintf(stderr, "study roar: %s is unusable (%s); recomputing\n", path.c_str(),
                 unusable.what());
    return {};
  }
}

// Relevance [n, H, W] (PixelRelevance) of `images` by a model-based estimator, in chunks.
torch::Tensor RoarRankings::ModelMaps(const std::string& method, const torch::Tensor& images,
                                      int64_t first_index, Progress& progress, int64_t* done) {
  Oracle& oracle = BaseOracle();
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < images.size(0); begin += kRoarChunk) {
    const torch::Tensor chunk =
        images.slice(0, begin, std::min(begin + kRoarChunk, images.size(0))).to(torch::kDouble);
    const torch::Tensor targets = oracle.Outputs(chunk).argmax(1);
    const torch::Tensor maps =
        IsImageMethod(method)
            ? ImageMethodMaps(method, oracle, chunk, targets, options_.seed, first_index + begin)
            : RecipeMaps(method, oracle, chunk, targets, options_.seed, first_index + begin);
    parts.push_back(PixelRelevance(maps));
    *done += chunk.size(0);
    progress.Update(*done);
  }
  return torch::cat(parts, 0);
}

Oracle& RoarRankings::BaseOracle() {
  if (oracle_) return *oracle_;
  ZooTrainingOptions training;
  training.architecture = kRoarArchitecture;
  training.epochs = options_.epochs;
  training.seed = options_.seed;
  training.progress = true;
  const ZooEntry entry = LoadOrTrain(training, data_, options_.cache_dir);
  std::fprintf(stderr, "study roar: base model test accuracy %.4f (%s)\n", entry.test_accuracy,
               entry.from_cache ? "zoo cache" : "trained");
  base_ = entry.model;
  oracle_ = std::make_unique<Oracle>(base_, OracleOptions{.device = options_.device});
  return *oracle_;
}

}  // namespace lfa
