#include "experiments/data/fashion_mnist.h"

#include "experiments/io/checksum.h"

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "experiments/io/idx.h"
#include "framework/errors.h"

namespace lfa {
namespace {

constexpr int64_t kSide = 28;

// The file's path, plain preferred over .gz; std::nullopt when neither exists.
std::optional<std::string> FindFile(const std::string& dir, const std::string& name) {
  std::error_code error;
  for (const std::string& candidate : {name, name + ".gz"}) {
    const std::filesystem::path path = std::filesystem::path(dir) / candidate;
    if (std::filesystem::is_regular_file(path, error)) return path.string();
  }
  return std::nullopt;
}

constexpr const char* kFiles[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

std::string RequireFile(const std::string& dir, const std::string& name) {
  auto path = FindFile(dir, name);
  if (!path) {
    Fail("Fashion-MNIST not found in ", dir, ": install Debian's dataset-fashion-mnist "
         "(scripts/setup.sh does) or set LFA_FASHION_MNIST_DIR (missing ", name, "[.gz])");
  }
  return *path;
}

// Reads one split and checks that images are [N, 28, 28], labels [N] in 0..9.
void LoadSplit(const std::string& dir, const std::string& images_name,
               const std::string& labels_name, torch::Tensor* images, torch::Tensor* labels) {
  const std::string images_path = RequireFile(dir, images_name);
  const std::string labels_path = RequireFile(dir, labels_name);
  torch::Tensor raw_images = ReadIdx(images_path);
  torch::Tensor raw_labels = ReadIdx(labels_path);
  if (raw_images.scalar_type() != torch::kUInt8 || raw_images.dim() != 3 ||
      raw_images.size(1) != kSide || raw_images.size(2) != kSide) {
    Fail("Fashion-MNIST images '", images_path, "': expected uint8 [N, 28, 28], got ",
         raw_images.scalar_type(), " ", raw_images.sizes());
  }
  if (raw_labels.scalar_type() != torch::kUInt8 || raw_labels.dim() != 1 ||
      raw_labels.size(0) != raw_images.size(0)) {
    Fail("Fashion-MNIST labels '", labels_path, "': expected uint8 [", raw_images.size(0),
         "] to match the images, got ", raw_labels.scalar_type(), " ", raw_labels.sizes());
  }
  if (raw_labels.numel() > 0 && raw_labels.max().item<int64_t>() > 9) {
    Fail("Fashion-MNIST labels '", labels_path, "': label ", raw_labels.max().item<int64_t>(),
         " outside 0..9");
  }
  *images = raw_images.to(torch::kFloat32).div_(255.0).unsqueeze(1);
  *labels = raw_labels.to(torch::kInt64);
}

}  // namespace

std::string FashionMnistDir(const std::string& dir) {
  if (!dir.empty()) return dir;
  const char* env = std::getenv("LFA_FASHION_MNIST_DIR");
  if (env != nullptr && env[0] != '\0') return env;
  return kDebianFashionMnistDir;
}

bool FashionMnistPresent(const std::string& dir) {
  const std::string resolved = FashionMnistDir(dir);
  for (const char* name : kFiles) {
    if (!FindFile(resolved, name)) return false;
  }
  return true;
}

FashionMnist LoadFashionMnist(const std::string& dir) {
  const std::string resolved = FashionMnistDir(dir);
  for (const char* name : kFiles) RequireFile(resolved, name);
  FashionMnist data;
  LoadSplit(resolved, kFiles[0], kFiles[1], &data.train_images, &data.train_labels);
  LoadSplit(resolved, kFiles[2], kFiles[3], &data.test_images, &data.test_labels);
  return data;
}

std::string FashionMnistFingerprint(const FashionMnist& data) {
  Checksum sum;
  sum.Add(data.train_images);
  sum.Add(data.train_labels);
  sum.Add(data.test_images);
  sum.Add(data.test_labels);
  return sum.hex();
}

}  // namespace lfa
