// The facts the image study's verdicts rest on (experiments/studies/images/run.h), on tensors
// small enough to work out by hand.

#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "experiments/studies/images/run.h"

namespace lfa {
namespace {

torch::Tensor Image(std::vector<double> values) {  // one 1 x 1 x n image
  const auto n = static_cast<int64_t>(values.size());
  return torch::tensor(values, torch::kDouble).reshape({1, 1, 1, n});
}

TEST(BaselineShare, CountsTheZeroElements) {
  EXPECT_DOUBLE_EQ(BaselineShare(Image({0, 0.5, 0, 1, 0, 0.2, 0.3, 0.4})), 3.0 / 8.0);
  EXPECT_DOUBLE_EQ(BaselineShare(Image({0.1, 0.5})), 0.0);
}

TEST(BottomKAtBaseline, ShareOfTheLowestMagnitudesOnZeroPixels) {
  const torch::Tensor image = Image({0, 0.5, 0, 1});
  // |map| ascending: index 0 (0), index 3 (1), index 1 (-2), index 2 (5); bottom-2 = {0, 3}.
  EXPECT_DOUBLE_EQ(BottomKAtBaseline(image, Image({0, -2, 5, 1}), 2), 0.5);
  // A map that vanishes where the image does: bottom-2 = {0, 2}, both at the baseline.
  EXPECT_DOUBLE_EQ(BottomKAtBaseline(image, Image({0, -2, 0, 1}), 2), 1.0);
  // Ties go to the lower index, as in the perturbation tests: bottom-2 of a flat map = {0, 1}.
  EXPECT_DOUBLE_EQ(BottomKAtBaseline(image, Image({3, 3, 3, 3}), 2), 0.5);
  EXPECT_DOUBLE_EQ(BottomKAtBaseline(image, Image({3, 3, 3, 3}), 1), 1.0);
}

TEST(BottomKAtBaseline, AveragesOverImages) {
  const torch::Tensor images = torch::cat({Image({0, 1}), Image({1, 1})});
  const torch::Tensor maps = torch::cat({Image({0, 1}), Image({0, 1})});
  EXPECT_DOUBLE_EQ(BottomKAtBaseline(images, maps, 1), 0.5);
}

TEST(MaxRelativeDifference, LargestDifferenceOverLargestValue) {
  EXPECT_DOUBLE_EQ(MaxRelativeDifference(Image({1, 2}), Image({1, -4})), 6.0 / 4.0);
  EXPECT_DOUBLE_EQ(MaxRelativeDifference(Image({1, 3}), Image({1, 4})), 0.25);
  EXPECT_DOUBLE_EQ(MaxRelativeDifference(Image({0, 0}), Image({0, 0})), 0.0);
  EXPECT_TRUE(std::isinf(MaxRelativeDifference(Image({0, 1}), Image({0, 0}))));
}

}  // namespace
}  // namespace lfa
