// Model zoo: small Fashion-MNIST classifiers that lfa defines, trains deterministically and caches,
// so that image studies explain a real network without shipping weights.
//
// Architectures (inputs [n, 1, 28, 28] in [0, 1], outputs [n, classes] logits, classes = 10 unless
// ZooTrainingOptions::classes says otherwise; layer names in brackets):
//   cnn      conv 1->16 3x3 [conv1] ReLU [relu1] maxpool 2 [pool1], conv 16->32 3x3 [conv2]
//            ReLU [relu2] maxpool 2 [pool2], flatten [flatten], linear 1568->10 [fc].
//   cnn_gap  as cnn, then conv 32->64 3x3 [conv3] ReLU [relu3], global average pooling [gap],
//            flatten [flatten], linear 64->10 [fc]. Its last conv block feeds a linear layer through
//            global average pooling only, so Grad-CAM at "relu3" equals CAM up to a constant factor
//            (Selvaraju et al. 2017, section 3.1): a golden test for the CAM family.
//   mlp      flatten [flatten], linear 784->128 [fc1], ReLU [relu1], linear 128->10 [fc2].
// All convolutions use padding 1. Parameters are initialised as PyTorch does by default
// (U(-1/sqrt(fan_in), 1/sqrt(fan_in))), from a generator seeded with options.seed; the epoch
// shuffles come from the same generator; the optimiser is Adam. Nothing touches torch's global
// generator or thread count.
//
// LoadOrTrain caches each trained model as one file in the cache directory: the `dir` argument
// when non-empty, else $LFA_CACHE_DIR when set and non-empty, else $HOME/.cache/lfa. The file name
// is zoo-<architecture>-<hash>.pt, where the hash covers the cache format version, the training
// options and a fingerprint of the data (all four tensors), so a different dataset or option never
// reads another's entry. The file is a LibTorch archive (experiments/io/cache_archive.h: the zip
// container torch::save writes, a CRC-32 per record) holding the cache key (format, options, data
// fingerprint), the test accuracy, the training seconds and the network's parameters as
// torch::nn::Module::save writes them. A truncated, corrupt or stale entry (unreadable archive,
// other key, missing parameter or one of another shape) is reported by one line on stderr and
// retrained; entries are written through an AtomicFile, so a killed run never leaves a
// half-written entry.
//
//   FashionMnist data = LoadFashionMnist();
//   ZooEntry entry = LoadOrTrain(ZooTrainingOptions{.architecture = "cnn"}, data);
//   std::cout << entry.test_accuracy << (entry.from_cache ? " (cached)" : "") << "\n";
//   auto [logits, maps] = entry.model->ForwardWithActivation(x, "relu2");  // [n,10], [n,32,14,14]
//
// WARNING: training is bit-for-bit reproducible only for the same LibTorch build and the same
// intra-op thread count (at::get_num_threads()): parallel reductions in convolution backward sum in
// a thread-count-dependent order. A cache entry trained with 2 threads is still valid with 16
// threads (the cache key does not include the thread count); retraining may differ in the last bits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "experiments/data/fashion_mnist.h"
#include "framework/layered_model.h"

namespace lfa {

struct ZooTrainingOptions {
  // "cnn", "cnn_gap" or "mlp" (see the header comment).
  std::string architecture = "cnn";
  // Passes over the training set. Measured with these defaults on Fashion-MNIST (1 intra-op
  // thread, Debian LibTorch 1.13): cnn 0.891 test accuracy in 32 s (0.894 after 5 epochs, 54 s);
  // cnn_gap trains slower (0.822 after 5 epochs, 66 s).
  int64_t epochs = 3;
  // Images per Adam step.
  int64_t batch_size = 64;
  // Adam's step size.
  double learning_rate = 1e-3;
  // Seeds parameter initialisation and the per-epoch shuffles.
  uint64_t seed = 0;
  // Trains on the first train_subset training images; 0 = all.
  int64_t train_subset = 0;
  // Outputs of the last layer (>= 2); labels must lie in 0..classes-1. Part of the cache key only
  // when != 10, so the key text of ten-class options is what it was before the option existed.
  int64_t classes = 10;
  // Prints one line per epoch on stderr. Not part of the cache key.
  bool progress = false;

  bool IsValid(std::string* error) const;
  // The options that define the model, as canonical JSON text (used in the cache key and file).
  std::string CacheKeyText() const;
};

// Architectures accepted by ZooTrainingOptions::architecture.
std::vector<std::string> ZooArchitectures();

class ZooModel : public LayeredModel {
 public:
  // An untrained network of `architecture` with `classes` outputs and parameters drawn from `seed`.
  // Throws InvalidInput for an unknown architecture or classes < 2.
  ZooModel(const std::string& architecture, uint64_t seed, int64_t classes = 10);
  ~ZooModel() override;

  // inputs [n, 1, 28, 28] (or [n, 784]) -> logits [n, classes].
  torch::Tensor Forward(const torch::Tensor& inputs) override;
  std::vector<int64_t> input_shape() const override { return {1, 28, 28}; }
  void To(const torch::Device& device) override;
  std::string description() const override;
  // Evaluation mode holds no state between calls (no batch statistics, no dropout), and the
  // Oracle's autograd asks for input gradients only, so nothing is written to the parameters.
  bool thread_safe() const override { return true; }

  std::vector<std::string> layer_names() const override;
  // The activation is the output of the named layer, the very tensor the next layer consumes.
  // WARNING: for "flatten" of the mlp the activation depends on the inputs only; it is in the
  // autograd graph only when the inputs require grad.
  std::pair<torch::Tensor, torch::Tensor> ForwardWithActivation(const torch::Tensor& inputs,
                                                                const std::string& layer) override;

  const std::string& architecture() const { return architecture_; }
  // Parameters with their dotted names ("conv1.weight", ...), in layer order.
  std::vector<std::pair<std::string, torch::Tensor>> named_parameters() const;
  // The underlying torch::nn::Sequential, e.g. to wrap it elsewhere or train it further.
  std::shared_ptr<torch::nn::Module> module() const;

 private:
  struct Impl;  // keeps <torch/torch.h> out of this header
  std::unique_ptr<Impl> impl_;
  std::string architecture_;
};

struct ZooEntry {
  std::shared_ptr<ZooModel> model;  // in eval mode, on the CPU
  double test_accuracy = 0.0;       // on data.test_images / test_labels
  double train_seconds = 0.0;       // wall-clock seconds of the training that produced it
  bool from_cache = false;
  std::string path;                 // the cache file
};

// The cache directory (see the header comment); not created.
std::string ZooCacheDir(const std::string& dir = "");
// The cache file for these options and data in ZooCacheDir(cache_dir).
std::string ZooCachePath(const ZooTrainingOptions& options, const FashionMnist& data,
                         const std::string& cache_dir = "");

// Throws InvalidInput unless `data` holds float32 [n, 1, 28, 28] images (n >= 1) with int64 [n]
// labels, for training and for testing.
void CheckZooData(const FashionMnist& data);

// Trains without any cache (train_seconds measured, from_cache false, path empty).
ZooEntry TrainZooModel(const ZooTrainingOptions& options, const FashionMnist& data);

// Loads the cache entry when it is intact and matches; otherwise trains, stores and returns it.
// Throws InvalidInput for invalid options, malformed data, or an unwritable cache directory.
ZooEntry LoadOrTrain(const ZooTrainingOptions& options, const FashionMnist& data,
                     const std::string& cache_dir = "");

// Fraction of `images` [n, 1, 28, 28] whose arg-max logit equals `labels` [n].
double ZooAccuracy(ZooModel& model, const torch::Tensor& images, const torch::Tensor& labels);

}  // namespace lfa
