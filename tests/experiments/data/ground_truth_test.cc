// Ground-truth tasks (experiments/data/ground_truth.h) on small synthetic Fashion-MNIST-shaped data:
// the masks cover exactly the documented blocks, the labels follow their definitions (checked
// against block means computed here by hand), the binary tasks are balanced, and the control keeps
// the original labels. No dataset needed.

#include <algorithm>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "experiments/data/ground_truth.h"
#include "framework/errors.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;

FashionMnist Synthetic(int64_t train, int64_t test, uint64_t seed) {
  FashionMnist data;
  data.train_images = test::RandomUniform({train, 1, 28, 28}, 0, 1, seed).to(torch::kFloat);
  data.test_images = test::RandomUniform({test, 1, 28, 28}, 0, 1, seed + 1).to(torch::kFloat);
  data.train_labels = torch::arange(train, torch::kLong).remainder(10);
  data.test_labels = torch::arange(test, torch::kLong).remainder(10);
  return data;
}

// Mean of image i over rows/cols [top, top + 8) x [left, left + 8), by explicit loops.
double HandMean(const torch::Tensor& images, int64_t i, int64_t top, int64_t left) {
  const auto a = images.accessor<float, 4>();
  double sum = 0;
  for (int64_t r = top; r < top + 8; ++r)
    for (int64_t c = left; c < left + 8; ++c) sum += a[i][0][r][c];
  return sum / 64;
}

TEST(GroundTruth, MasksCoverExactlyTheDocumentedBlocks) {
  const FashionMnist data = Synthetic(20, 10, 1);
  const GroundTruthTask block = MakeGroundTruthTask("block", data);
  const GroundTruthTask two = MakeGroundTruthTask("two_blocks", data);
  const GroundTruthTask control = MakeGroundTruthTask("control", data);
  EXPECT_EQ(block.mask.sizes(), (std::vector<int64_t>{28, 28}));
  EXPECT_EQ(block.mask.scalar_type(), torch::kBool);
  EXPECT_EQ(block.mask.sum().item<int64_t>(), 64);
  EXPECT_EQ(two.mask.sum().item<int64_t>(), 128);
  EXPECT_TRUE(control.mask.equal(block.mask));
  for (int64_t r = 0; r < 28; ++r) {
    for (int64_t c = 0; c < 28; ++c) {
      const bool centre = r >= 10 && r < 18 && c >= 10 && c < 18;
      const bool two_blocks = (r >= 4 && r < 12 && c >= 4 && c < 12) ||
                              (r >= 16 && r < 24 && c >= 16 && c < 24);
      EXPECT_EQ(block.mask[r][c].item<bool>(), centre) << r << ", " << c;
      EXPECT_EQ(two.mask[r][c].item<bool>(), two_blocks) << r << ", " << c;
    }
  }
  EXPECT_THAT([] { BlockMask({{24, 24, 8}}); }, ::testing::Throws<InvalidInput>());
}

TEST(GroundTruth, LabelsFollowTheirDefinitionsAndAreBalanced) {
  const FashionMnist data = Synthetic(200, 100, 2);
  const GroundTruthTask block = MakeGroundTruthTask("block", data);
  const GroundTruthTask two = MakeGroundTruthTask("two_blocks", data);
  EXPECT_EQ(block.classes, 2);
  EXPECT_EQ(two.classes, 2);
  // Balanced on the training set by construction (200 distinct values, lower median: 100 above).
  EXPECT_EQ(block.data.train_labels.sum().item<int64_t>(), 100);
  EXPECT_EQ(two.data.train_labels.sum().item<int64_t>(), 100);

  // The labels against the definitions, with the training medians computed by hand.
  std::vector<double> centre, difference;
  for (int64_t i = 0; i < 200; ++i) {
    centre.push_back(HandMean(data.train_images, i, 10, 10));
    difference.push_back(HandMean(data.train_images, i, 4, 4) -
                         HandMean(data.train_images, i, 16, 16));
  }
  auto lower_median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[(v.size() - 1) / 2];
  };
  const double centre_median = lower_median(centre);
  const double difference_median = lower_median(difference);
  for (int64_t i = 0; i < 200; ++i) {
    EXPECT_EQ(block.data.train_labels[i].item<int64_t>(), centre[i] > centre_median + 1e-12 ? 1 : 0);
    EXPECT_EQ(two.data.train_labels[i].item<int64_t>(),
              difference[i] > difference_median + 1e-12 ? 1 : 0);
  }
  for (int64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(block.data.test_labels[i].item<int64_t>(),
              HandMean(data.test_images, i, 10, 10) > centre_median + 1e-12 ? 1 : 0);
    EXPECT_EQ(two.data.test_labels[i].item<int64_t>(),
              HandMean(data.test_images, i, 4, 4) - HandMean(data.test_images, i, 16, 16) >
                      difference_median + 1e-12 ? 1 : 0);
  }
  // The images are the originals, untouched.
  EXPECT_TRUE(block.data.train_images.equal(data.train_images));
  EXPECT_TRUE(two.data.test_images.equal(data.test_images));
}

TEST(GroundTruth, TwoBlockLabelNeedsBothBlocks) {
  // A test image with a dark upper-left block (0.3) and a bright lower-right one (0.7): difference
  // -0.4, far below the training median (about 0 for uniform noise): label 0. Brightening the
  // upper-left block alone, or darkening the lower-right block alone, makes it 1; with both blocks
  // equally bright it is decided by neither block's value but by their difference.
  FashionMnist data = Synthetic(100, 1, 3);
  auto with_blocks = [&](double upper_left, double lower_right) {
    FashionMnist d = data;
    d.test_images = torch::full({1, 1, 28, 28}, 0.5, torch::kFloat);
    d.test_images[0][0].slice(0, 4, 12).slice(1, 4, 12).fill_(upper_left);
    d.test_images[0][0].slice(0, 16, 24).slice(1, 16, 24).fill_(lower_right);
    return MakeGroundTruthTask("two_blocks", d).data.test_labels[0].item<int64_t>();
  };
  EXPECT_EQ(with_blocks(0.3, 0.7), 0);
  EXPECT_EQ(with_blocks(1.0, 0.7), 1);
  EXPECT_EQ(with_blocks(0.3, 0.0), 1);
  EXPECT_EQ(with_blocks(1.0, 1.0), with_blocks(0.0, 0.0)) << "equal blocks, equal labels";
}

TEST(GroundTruth, ControlKeepsTheOriginalLabelsAndUnknownNamesAreNamed) {
  const FashionMnist data = Synthetic(30, 10, 4);
  const GroundTruthTask control = MakeGroundTruthTask("control", data);
  EXPECT_EQ(control.classes, 10);
  EXPECT_TRUE(control.data.train_labels.equal(data.train_labels));
  EXPECT_TRUE(control.data.test_labels.equal(data.test_labels));
  try {
    MakeGroundTruthTask("stripes", data);
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_THAT(e.what(), HasSubstr("'stripes'"));
  }
  FashionMnist wrong = data;
  wrong.test_images = torch::zeros({2, 1, 27, 28});
  EXPECT_THROW(MakeGroundTruthTask("block", wrong), InvalidInput);
  EXPECT_EQ(GroundTruthTaskNames(), (std::vector<std::string>{"block", "two_blocks", "control"}));
}

}  // namespace
}  // namespace lfa
