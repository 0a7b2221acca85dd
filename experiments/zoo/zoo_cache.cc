// The model zoo's cache (declared in model_zoo.h): one LibTorch archive per trained model.
//
// Archive contents (experiments/io/cache_archive.h adds "cache_key", the CacheKey text below):
//   test_accuracy   double
//   train_seconds   double
//   parameters      the network's own torch::nn::Module::save archive (one nested archive per
//                   layer, "weight" and "bias" in each)
// A parameter that is missing, or whose shape or dtype differs from the architecture's, makes the
// entry unusable like a failed CRC or a stale key does.

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "experiments/io/atomic_file.h"
#include "experiments/io/cache_archive.h"
#include "experiments/io/checksum.h"
#include "experiments/zoo/model_zoo.h"
#include "framework/errors.h"

namespace lfa {
namespace {

// Bumped whenever the file layout, an architecture or the training procedure changes, so that
// old entries are never mistaken for current ones (2: LibTorch archives; 1 was a bespoke file).
constexpr int kZooFormatVersion = 2;

// Everything that must match for a cache entry to be used, as canonical JSON text.
std::string CacheKey(const ZooTrainingOptions& options, const std::string& fingerprint) {
  const nlohmann::json key = {{"format", kZooFormatVersion},
                              {"options", nlohmann::json::parse(options.CacheKeyText())},
                              {"data_fingerprint", fingerprint}};
  return key.dump();
}

std::string CacheFileName(const ZooTrainingOptions& options, const std::string& fingerprint) {
  Checksum sum;
  sum.Add(CacheKey(options, fingerprint));
  std::string name = "zoo-";
  name += options.architecture;
  name += '-';
  name += sum.hex();
  name += ".pt";
  return name;
}

void WriteEntry(const std::string& path, const ZooEntry& entry, const std::string& key) {
  torch::serialize::OutputArchive archive;
  archive.write("test_accuracy", c10::IValue(entry.test_accuracy));
  archive.write("train_seconds", c10::IValue(entry.train_seconds));
  torch::serialize::OutputArchive parameters;
  entry.model->module()->save(parameters);
  archive.write("parameters", parameters);
  SaveCacheArchive(archive, key, path);
}

// Loads the stored parameters into a fresh network of the requested architecture; throws
// UnusableCacheEntry when one is missing or differs in shape or dtype.
std::shared_ptr<ZooModel> ReadModel(torch::serialize::InputArchive& archive,
                                    const ZooTrainingOptions& options) {
  auto model = std::make_shared<ZooModel>(options.architecture, options.seed, options.classes);
  std::map<std::string, torch::Tensor> expected;
  for (const auto& [name, parameter] : model->named_parameters())
    expected[name] = torch::empty(parameter.sizes(), parameter.options());
  torch::serialize::InputArchive stored;
  try {
    if (!archive.try_read("parameters", stored)) throw UnusableCacheEntry("no 'parameters'");
    torch::NoGradGuard no_grad;
    model->module()->load(stored);
  } catch (const c10::Error& error) {
    std::string reason = "parameters cannot be read (";
    reason += FirstLine(error);
    reason += ")";
    throw UnusableCacheEntry(reason);
  }
  for (const auto& [name, parameter] : model->named_parameters()) {
    const torch::Tensor& want = expected.at(name);
    if (parameter.sizes() != want.sizes() || parameter.scalar_type() != want.scalar_type()) {
      std::string reason = "parameter '";
      reason += name;
      reason += "' differs in shape or dtype from the architecture's";
      throw UnusableCacheEntry(reason);
    }
  }
  model->module()->eval();
  return model;
}

// Reads and verifies an entry; throws UnusableCacheEntry saying what is wrong.
ZooEntry ReadEntry(const std::string& path, const ZooTrainingOptions& options,
                   const std::string& key) {
  torch::serialize::InputArchive archive;
  LoadCacheArchive(path, key, &archive);
  ZooEntry entry;
  entry.test_accuracy = ReadCacheNumber(archive, "test_accuracy");
  entry.train_seconds = ReadCacheNumber(archive, "train_seconds");
  entry.model = ReadModel(archive, options);
  entry.from_cache = true;
  entry.path = path;
  return entry;
}

}  // namespace

std::string ZooCacheDir(const std::string& dir) {
  if (!dir.empty()) return dir;
  if (const char* env = std::getenv("LFA_CACHE_DIR"); env != nullptr && *env != '\0') return env;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0')
    Fail("model zoo: no cache directory (pass one, or set LFA_CACHE_DIR or HOME)");
  return (std::filesystem::path(home) / ".cache" / "lfa").string();
}

std::string ZooCachePath(const ZooTrainingOptions& options, const FashionMnist& data,
                         const std::string& cache_dir) {
  CheckZooData(data);
  return (std::filesystem::path(ZooCacheDir(cache_dir)) /
          CacheFileName(options, FashionMnistFingerprint(data)))
      .string();
}

ZooEntry LoadOrTrain(const ZooTrainingOptions& options, const FashionMnist& data,
                     const std::string& cache_dir) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  CheckZooData(data);
  const std::string dir = ZooCacheDir(cache_dir);
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  const std::string fingerprint = FashionMnistFingerprint(data);
  const std::string key = CacheKey(options, fingerprint);
  const std::string path =
      (std::filesystem::path(dir) / CacheFileName(options, fingerprint)).string();
  CheckOutputPath(path, "model zoo cache file");

  if (std::filesystem::exists(path)) {
    try {
      return ReadEntry(path, options, key);
    } catch (const UnusableCacheEntry& unusable) {
      std::cerr << "lfa: warning: model zoo cache entry '" << path << "' is unusable ("
                << unusable.what() << "); retraining\n";
    }
  }
  ZooEntry entry = TrainZooModel(options, data);
  WriteEntry(path, entry, key);
  entry.path = path;
  return entry;
}

}  // namespace lfa
