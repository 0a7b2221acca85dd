// ROAR / KAR: the removal replaces exactly round(t * H * W) pixels per image (ROAR) or all the
// others (KAR), all channels of a pixel together, by the channel means, ranked by sum_c |map| with
// ties by pixel index; Sobel's known magnitudes on step edges; per-image random streams. The study
// that uses them is tested in tests/experiments/studies/roar/roar_study_test.cc.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "framework/errors.h"
#include "metrics/roar.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

// Indices of the k largest values of `values`, ties by smaller index (written out independently
// of the library's sort).
std::vector<int64_t> TopIndices(const std::vector<double>& values, int64_t k) {
  std::vector<int64_t> index(values.size());
  std::iota(index.begin(), index.end(), 0);
  std::sort(index.begin(), index.end(), [&](int64_t a, int64_t b) {
    return values[a] != values[b] ? values[a] > values[b] : a < b;
  });
  index.resize(k);
  std::sort(index.begin(), index.end());
  return index;
}

// Pixels of image i whose value differs from the original in some channel, and a check that every
// changed pixel is changed in all channels to the channel means.
std::vector<int64_t> ChangedPixels(const torch::Tensor& original, const torch::Tensor& removed,
                                   const torch::Tensor& means, int64_t i) {
  std::vector<int64_t> changed;
  const int64_t c = original.size(1), h = original.size(2), w = original.size(3);
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      int64_t channels = 0;
      for (int64_t k = 0; k < c; ++k) {
        const double after = removed[i][k][y][x].item<double>();
        if (after != original[i][k][y][x].item<double>()) {
          ++channels;
          EXPECT_DOUBLE_EQ(after, means[k].item<double>());
        }
      }
      if (channels > 0) {
        EXPECT_EQ(channels, c) << "pixel " << y * w + x << " changed in some channels only";
        changed.push_back(y * w + x);
      }
    }
  }
  return changed;
}

TEST(RoarRemoval, RoarReplacesExactlyTheTopPixelsInAllChannels) {
  // Pixel values in [0.5, 1], means 0.1 and 0.2: every replaced pixel changes.
  const torch::Tensor images = test::RandomUniform({3, 2, 5, 4}, 0.5, 1.0, 1);
  const torch::Tensor maps = test::RandomNormal({3, 5, 4}, 2);
  const torch::Tensor means = torch::tensor({0.1, 0.2}, torch::kDouble);
  for (double t : {0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0}) {
    const int64_t k = std::llround(t * 20);
    const torch::Tensor roar = RemoveByRanking(images, maps, t, RemovalMode::kRoar, means);
    const torch::Tensor kar = RemoveByRanking(images, maps, t, RemovalMode::kKar, means);
    for (int64_t i = 0; i < 3; ++i) {
      std::vector<double> values(20);
      for (int64_t j = 0; j < 20; ++j) values[j] = maps[i].reshape({-1})[j].item<double>();
      const std::vector<int64_t> top = TopIndices(values, k);
      EXPECT_EQ(ChangedPixels(images, roar, means, i), top) << "t = " << t;
      std::vector<int64_t> rest;
      for (int64_t j = 0; j < 20; ++j)
        if (!std::binary_search(top.begin(), top.end(), j)) rest.push_back(j);
      EXPECT_EQ(ChangedPixels(images, kar, means, i), rest) << "t = " << t;
    }
  }
}

TEST(RoarRemoval, CountsRoundToNearestWithHalvesUp) {
  EXPECT_EQ(TopPixelCount(0.25, 10), 3);   // 2.5 -> 3
  EXPECT_EQ(TopPixelCount(0.1, 784), 78);  // 78.4
  EXPECT_EQ(TopPixelCount(0.9, 784), 706); // 705.6
  EXPECT_EQ(TopPixelCount(1.0, 784), 784);
  EXPECT_THROW(TopPixelCount(1.5, 10), InvalidInput);
}

TEST(RoarRemoval, TiesGoToTheSmallerPixelIndex) {
  const torch::Tensor images = torch::ones({1, 1, 3, 3}, torch::kDouble);
  const torch::Tensor means = torch::zeros({1}, torch::kDouble);
  // A constant map removes pixels in reading order.
  const torch::Tensor flat = RemoveByRanking(images, torch::zeros({1, 3, 3}), 4.0 / 9,
                                             RemovalMode::kRoar, means);
  EXPECT_TRUE(torch::equal(flat.reshape({-1}),
                           torch::tensor({0., 0., 0., 0., 1., 1., 1., 1., 1.}, torch::kDouble)));
  // Values 2 at pixels 5 and 7, 1 at 1, 3 and 8: top 4 = {5, 7} then {1, 3} (smallest indices).
  const torch::Tensor map = torch::tensor({0., 1., 0., 1., 0., 2., 0., 2., 1.}).reshape({1, 3, 3});
  EXPECT_TRUE(torch::equal(PixelOrder(map).slice(1, 0, 5),
                           torch::tensor({{5, 7, 1, 3, 8}}, torch::kLong)));
}

TEST(RoarRemoval, ElementMapsRankPixelsBySummedMagnitude) {
  // Two channels: pixel 2 has (-3, 0) -> 3, pixel 0 has (1, 1) -> 2, pixel 1 has (0.5, 0) -> 0.5.
  const torch::Tensor maps =
      torch::tensor({1.0, 0.5, -3.0, 0.0, 1.0, 0.0, 0.0, 0.0}).reshape({1, 2, 1, 4});
  EXPECT_TRUE(torch::equal(PixelOrder(maps), torch::tensor({{2, 0, 1, 3}}, torch::kLong)));
  EXPECT_THROW(PixelOrder(torch::full({1, 2, 2}, NAN)), InvalidInput);
  EXPECT_THROW(RemoveByRanking(torch::ones({1, 1, 2, 2}), torch::ones({1, 3, 3}), 0.5,
                               RemovalMode::kRoar, torch::zeros({1})),
               InvalidInput);
}

TEST(RoarRemoval, ChannelMeansAverageOverImagesAndPixels) {
  torch::Tensor images = torch::zeros({2, 2, 2, 2}, torch::kDouble);
  images.select(1, 0).fill_(1.0);
  images[1][1][0][0] = 4.0;
  EXPECT_TRUE(test::AllClose(ChannelMeans(images), torch::tensor({1.0, 0.5}, torch::kDouble), 1e-15));
}

TEST(SobelEdgeMap, VerticalStepHasMagnitudeFourBesideTheEdge) {
  torch::Tensor images = torch::zeros({1, 1, 6, 7}, torch::kDouble);
  images.slice(3, 3).fill_(1.0);  // columns 3..6 are 1: the step lies between columns 2 and 3
  torch::Tensor expected = torch::zeros({1, 6, 7}, torch::kDouble);
  expected.select(2, 2).fill_(4.0);
  expected.select(2, 3).fill_(4.0);
  EXPECT_TRUE(test::AllClose(SobelEdgeMap(images), expected, 1e-12));
  // A horizontal step of height 0.5 in both of two channels: sqrt(2 * 2^2) beside the edge.
  torch::Tensor two = torch::zeros({1, 2, 5, 5}, torch::kDouble);
  two.slice(2, 2).fill_(0.5);
  torch::Tensor expected_two = torch::zeros({1, 5, 5}, torch::kDouble);
  expected_two.select(1, 1).fill_(std::sqrt(8.0));
  expected_two.select(1, 2).fill_(std::sqrt(8.0));
  EXPECT_TRUE(test::AllClose(SobelEdgeMap(two), expected_two, 1e-12));
  EXPECT_EQ(SobelEdgeMap(torch::full({2, 1, 4, 4}, 0.7)).abs().max().item<double>(), 0.0);
}

TEST(RandomMap, EachImageHasItsOwnSeededStream) {
  const torch::Tensor all = RandomMap(5, 4, 3, 11);
  EXPECT_EQ(all.sizes(), (std::vector<int64_t>{5, 4, 3}));
  EXPECT_TRUE(torch::equal(RandomMap(1, 4, 3, 11, /*first_index=*/2)[0], all[2]));
  EXPECT_TRUE(torch::equal(RandomMap(5, 4, 3, 11), all));
  EXPECT_FALSE(torch::equal(RandomMap(5, 4, 3, 12), all));
  EXPECT_FALSE(torch::equal(all[0], all[1]));
  EXPECT_GE(all.min().item<double>(), 0.0);
  EXPECT_LT(all.max().item<double>(), 1.0);
}

}  // namespace
}  // namespace lfa
