// Ground-truth tasks: prediction tasks on unaltered Fashion-MNIST images whose signal source is
// known, so that an explanation can be scored by how much of its relevance falls on that source
// (metrics/localisation.h).
//
// The images stay as they are; only the labels change. A label is a property of fixed 8 x 8
// blocks of pixels, thresholded at its median over the training set, so the two classes are
// balanced by construction (up to ties at the median, which are rare: the blocks were chosen where
// Fashion-MNIST is seldom blank):
//
//   task        label (1 / 0)                                              mask
//   block       mean(B_c) > median_train mean(B_c)                         B_c
//   two_blocks  mean(B_ul) - mean(B_lr) > median_train (mean(B_ul) - ...)  B_ul ∪ B_lr
//   control     the original ten-class label                               B_c
//
// with B_c = rows 10..17, columns 10..17 (the centre), B_ul = rows 4..11, columns 4..11 and
// B_lr = rows 16..23, columns 16..23. The two_blocks label needs both blocks: neither block's mean
// alone decides it. (An XOR of the two blocks' median indicators would need both too, but it is
// not balanced: the blocks' means are correlated, r = 0.50 on the test set, and the XOR is 1 for
// only 32% of the images.)
//
// The control keeps the clothing label, whose evidence is spread over the whole garment, and
// scores its explanations against the centre block: it measures how much relevance lands in the
// block when the block is *not* the signal source (the object simply being there). A method that
// localises the signal scores clearly higher on `block` than on `control`; one that merely
// highlights the object scores alike on both.
//
//   FashionMnist data = LoadFashionMnist();
//   GroundTruthTask task = MakeGroundTruthTask("block", data);
//   ZooEntry e = LoadOrTrain({.architecture = "cnn", .classes = task.classes}, task.data);
//   torch::Tensor mass = RelevanceMassAccuracy(maps, task.mask);
//
// WARNING: "signal source" means the pixels that *define* the label. A model may still predict it
// from correlated pixels outside the mask (a bright centre goes with a bright garment), so a low
// score blames the explanation and the model together; the control task is there to size that.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/data/fashion_mnist.h"

namespace lfa {

// A square block of pixels: rows top..top+size-1, columns left..left+size-1.
struct PixelBlock {
  int64_t top = 0;
  int64_t left = 0;
  int64_t size = 8;
};

struct GroundTruthTask {
  std::string name;
  std::string description;   // one line: how the label is defined
  int64_t classes = 2;
  torch::Tensor mask;        // bool [28, 28]: the signal source
  FashionMnist data;         // the input images (shared, not copied) with the task's labels
};

// "block", "two_blocks", "control".
const std::vector<std::string>& GroundTruthTaskNames();

// The blocks of the tasks (see the header comment).
PixelBlock CentreBlock();
PixelBlock UpperLeftBlock();
PixelBlock LowerRightBlock();

// bool [height, width], true inside any of the blocks. InvalidInput for a block outside the image.
torch::Tensor BlockMask(const std::vector<PixelBlock>& blocks, int64_t height = 28,
                        int64_t width = 28);

// images [N, 1, H, W] -> the mean of each image over the block, [N] float64.
torch::Tensor BlockMeans(const torch::Tensor& images, const PixelBlock& block);

// 1 where values > threshold, else 0: int64 [N].
torch::Tensor AboveThreshold(const torch::Tensor& values, double threshold);

// The task on `data` (train and test images as loaded; labels replaced). InvalidInput for an
// unknown name or images that are not [N, 1, 28, 28].
GroundTruthTask MakeGroundTruthTask(const std::string& name, const FashionMnist& data);

}  // namespace lfa
