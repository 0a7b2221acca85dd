#include "experiments/data/ground_truth.h"

#include <ATen/ATen.h>

#include "framework/errors.h"

namespace lfa {
namespace {

void CheckImages(const torch::Tensor& images, const char* which) {
  if (!images.defined() || images.dim() != 4 || images.size(1) != 1 || images.size(2) != 28 ||
      images.size(3) != 28 || images.size(0) == 0)
    Fail("ground-truth task: ", which, " images must be [N, 1, 28, 28] with N >= 1, got ",
         images.defined() ? images.sizes() : c10::IntArrayRef{});
}

// The lower median of the training values (torch's median): with distinct values exactly half
// of an even number of images lie above it.
double Median(const torch::Tensor& values) { return values.median().item<double>(); }

}  // namespace

const std::vector<std::string>& GroundTruthTaskNames() {
  static const std::vector<std::string> names = {"block", "two_blocks", "control"};
  return names;
}

PixelBlock CentreBlock() { return {10, 10, 8}; }
PixelBlock UpperLeftBlock() { return {4, 4, 8}; }
PixelBlock LowerRightBlock() { return {16, 16, 8}; }

torch::Tensor BlockMask(const std::vector<PixelBlock>& blocks, int64_t height, int64_t width) {
  torch::Tensor mask = torch::zeros({height, width}, torch::kBool);
  for (const PixelBlock& b : blocks) {
    if (b.size < 1 || b.top < 0 || b.left < 0 || b.top + b.size > height ||
        b.left + b.size > width)
      Fail("ground-truth task: block (top ", b.top, ", left ", b.left, ", size ", b.size,
           ") does not fit a ", height, " x ", width, " image");
    mask.slice(0, b.top, b.top + b.size).slice(1, b.left, b.left + b.size).fill_(true);
  }
  return mask;
}

torch::Tensor BlockMeans(const torch::Tensor& images, const PixelBlock& block) {
  if (!images.defined() || images.dim() != 4)
    Fail("ground-truth task: images must be [N, C, H, W], got ",
         images.defined() ? images.sizes() : c10::IntArrayRef{});
  BlockMask({block}, images.size(2), images.size(3));  // checks that the block fits
  return images.slice(2, block.top, block.top + block.size)
      .slice(3, block.left, block.left + block.size)
      .to(torch::kDouble)
      .mean({1, 2, 3});
}

torch::Tensor AboveThreshold(const torch::Tensor& values, double threshold) {
  return values.gt(threshold).to(torch::kLong);
}

GroundTruthTask MakeGroundTruthTask(const std::string& name, const FashionMnist& data) {
  CheckImages(data.train_images, "train");
  CheckImages(data.test_images, "test");
  GroundTruthTask task;
  task.name = name;
  task.data = data;
  if (name == "block") {
    const PixelBlock b = CentreBlock();
    const double median = Median(BlockMeans(data.train_images, b));
    task.data.train_labels = AboveThreshold(BlockMeans(data.train_images, b), median);
    task.data.test_labels = AboveThreshold(BlockMeans(data.test_images, b), median);
    task.mask = BlockMask({b});
    task.description = "1 when the mean of the centre 8x8 block (rows and columns 10-17) exceeds "
                       "its training-set median";
  } else if (name == "two_blocks") {
    const PixelBlock a = UpperLeftBlock(), b = LowerRightBlock();
    auto difference = [&](const torch::Tensor& images) {
      return BlockMeans(images, a) - BlockMeans(images, b);
    };
    const double median = Median(difference(data.train_images));
    task.data.train_labels = AboveThreshold(difference(data.train_images), median);
    task.data.test_labels = AboveThreshold(difference(data.test_images), median);
    task.mask = BlockMask({a, b});
    task.description = "1 when mean(rows/cols 4-11) - mean(rows/cols 16-23) exceeds its "
                       "training-set median";
  } else if (name == "control") {
    task.classes = 10;
    task.mask = BlockMask({CentreBlock()});
    task.description = "the original ten-class clothing label, scored against the centre block";
  } else {
    Fail("ground-truth task: unknown task '", name, "' (known: block, two_blocks, control)");
  }
  return task;
}

}  // namespace lfa
