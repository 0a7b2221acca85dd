// Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): 70000 grey-scale 28x28 images of Zalando
// articles in ten classes (0 T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal,
// 6 shirt, 7 sneaker, 8 bag, 9 ankle boot), split 60000 train / 10000 test, stored as four IDX
// files. Debian ships them in the dataset-fashion-mnist package (scripts/setup.sh installs it)
// under /usr/share/datasets/fashion-mnist; LFA_FASHION_MNIST_DIR points elsewhere. Each file may
// be plain (train-images-idx3-ubyte) or gzip-compressed (train-images-idx3-ubyte.gz).
//
//   FashionMnist data = LoadFashionMnist();            // LFA_FASHION_MNIST_DIR or Debian's path
//   torch::Tensor x = data.test_images.index({0});     // [1, 28, 28] float32 in [0, 1]
//   int64_t y = data.test_labels[0].item<int64_t>();   // 0..9
//   if (!FashionMnistPresent()) { /* skip */ }
//
// WARNING: pixels are scaled to [0, 1] (value / 255), not standardised. A model trained on
// (x - 0.2860) / 0.3530, as many Fashion-MNIST recipes do, must have that step applied by the
// caller, or every explanation is of the model on out-of-distribution inputs.
#pragma once

#include <string>

#include <torch/types.h>

namespace lfa {

struct FashionMnist {
  torch::Tensor train_images;  // [60000, 1, 28, 28] float32 in [0, 1]
  torch::Tensor train_labels;  // [60000] int64 in 0..9
  torch::Tensor test_images;   // [10000, 1, 28, 28] float32 in [0, 1]
  torch::Tensor test_labels;   // [10000] int64 in 0..9
};

// Where Debian's dataset-fashion-mnist package puts the files.
inline constexpr const char* kDebianFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// `dir` when non-empty, else LFA_FASHION_MNIST_DIR when set and non-empty, else Debian's path.
std::string FashionMnistDir(const std::string& dir = "");

// Whether all four files (plain or .gz) are in FashionMnistDir(dir).
bool FashionMnistPresent(const std::string& dir = "");

// Fails with InvalidInput naming the directory and the package when a file is missing, and with
// ReadIdx's errors (naming the file) when one is malformed or the shapes do not match.
FashionMnist LoadFashionMnist(const std::string& dir = "");

// A checksum (16 hex digits) of all four tensors: the data part of cache keys (model zoo, ROAR).
std::string FashionMnistFingerprint(const FashionMnist& data);

}  // namespace lfa
