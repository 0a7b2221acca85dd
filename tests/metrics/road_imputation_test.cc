// ROAD's noisy linear imputation on images with known answers: an isolated removed pixel gets its
// neighbours' weighted mean (1/6 direct, 1/12 diagonal; renormalised at the border); a removed
// block inside a linear ramp is filled with the ramp (the weighted neighbour mean reproduces
// linear functions); the equations' residual is ~0; kept pixels never change; the noise is seeded
// per image; and RemoveByOrder's road fill replaces exactly the mean fill's pixels.

#include <cmath>

#include <gtest/gtest.h>

#include "framework/errors.h"
#include "metrics/road_imputation.h"
#include "metrics/roar.h"

namespace lfa {
namespace {

torch::Tensor RandomImages(int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed) {
  torch::manual_seed(seed);
  return torch::rand({n, c, h, w}, torch::kDouble);
}

TEST(RoadImputation, IsolatedInteriorPixelGetsItsNeighboursWeightedMean) {
  const torch::Tensor images = RandomImages(1, 2, 5, 6, 1);
  torch::Tensor removed = torch::zeros({1, 5, 6}, torch::kBool);
  removed[0][2][3] = true;
  const torch::Tensor filled = RoadImpute(images, removed, {.noise_std = 0});
  for (int64_t ch = 0; ch < 2; ++ch) {
    const auto v = [&](int64_t y, int64_t x) { return images[0][ch][y][x].item<double>(); };
    const double direct = v(1, 3) + v(3, 3) + v(2, 2) + v(2, 4);
    const double diagonal = v(1, 2) + v(1, 4) + v(3, 2) + v(3, 4);
    EXPECT_NEAR(filled[0][ch][2][3].item<double>(), direct / 6 + diagonal / 12, 1e-15);
  }
}

TEST(RoadImputation, CornerPixelAveragesTheNeighboursItHasWithRenormalisedWeights) {
  const torch::Tensor images = RandomImages(1, 1, 4, 4, 2);
  torch::Tensor removed = torch::zeros({1, 4, 4}, torch::kBool);
  removed[0][0][0] = true;
  const torch::Tensor filled = RoadImpute(images, removed, {.noise_std = 0});
  const auto v = [&](int64_t y, int64_t x) { return images[0][0][y][x].item<double>(); };
  // Neighbours (0,1), (1,0) at 1/6 and (1,1) at 1/12: weights sum to 5/12.
  const double expected = (v(0, 1) / 6 + v(1, 0) / 6 + v(1, 1) / 12) / (5.0 / 12);
  EXPECT_NEAR(filled[0][0][0][0].item<double>(), expected, 1e-15);
}

TEST(RoadImputation, ReproducesALinearRampInsideARemovedBlock) {
  const int64_t h = 12, w = 10;
  torch::Tensor images = torch::empty({1, 1, h, w}, torch::kDouble);
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) images[0][0][y][x] = 0.3 + 0.05 * x - 0.02 * y;
  torch::Tensor removed = torch::zeros({1, h, w}, torch::kBool);
  removed.slice(1, 2, 9).slice(2, 3, 8).fill_(true);  // a 7 x 5 block, away from the border
  torch::Tensor damaged = images.clone();
  damaged.masked_fill_(removed.unsqueeze(1), 5.0);  // the removed values must not matter
  const torch::Tensor filled = RoadImpute(damaged, removed, {.noise_std = 0});
  EXPECT_LT((filled - images).abs().max().item<double>(), 1e-13);
}

TEST(RoadImputation, SolvesTheSystemExactlyAndKeepsKeptPixels) {
  const torch::Tensor images = RandomImages(3, 2, 9, 7, 3).to(torch::kFloat);
  torch::manual_seed(4);
  const torch::Tensor removed = torch::rand({3, 9, 7}) < 0.7;
  const torch::Tensor filled = RoadImpute(images, removed, {.noise_std = 0});
  EXPECT_EQ(filled.scalar_type(), torch::kFloat);
  EXPECT_LT(RoadResidual(filled.to(torch::kDouble), removed).max().item<double>(), 1e-6);
  // In float64 the residual is at rounding level.
  const torch::Tensor exact = RoadImpute(images.to(torch::kDouble), removed, {.noise_std = 0});
  EXPECT_LT(RoadResidual(exact, removed).max().item<double>(), 1e-14);
  const torch::Tensor kept = removed.logical_not().unsqueeze(1).expand_as(images);
  EXPECT_TRUE(torch::equal(filled.masked_select(kept), images.masked_select(kept)));
  // The removed values of the input do not enter.
  const torch::Tensor other = images.masked_fill(removed.unsqueeze(1), -3.0f);
  EXPECT_TRUE(torch::equal(RoadImpute(other, removed, {.noise_std = 0}), filled));
}

TEST(RoadImputation, NoiseIsSeededPerImageAndOnlyOnRemovedPixels) {
  const torch::Tensor images = RandomImages(4, 1, 8, 8, 5);
  torch::manual_seed(6);
  const torch::Tensor removed = torch::rand({4, 8, 8}) < 0.5;
  const torch::Tensor exact = RoadImpute(images, removed, {.noise_std = 0});
  const torch::Tensor a = RoadImpute(images, removed, {.noise_std = 0.01, .seed = 7});
  const torch::Tensor b = RoadImpute(images, removed, {.noise_std = 0.01, .seed = 7});
  const torch::Tensor c = RoadImpute(images, removed, {.noise_std = 0.01, .seed = 8});
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::equal(a, c));
  const torch::Tensor mask = removed.unsqueeze(1);
  EXPECT_TRUE(torch::equal(a.masked_select(mask.logical_not()), images.masked_select(mask.logical_not())));
  const torch::Tensor noise = (a - exact).masked_select(mask);
  EXPECT_GT(noise.abs().min().item<double>(), 0.0);
  // 128 or so N(0, 0.01^2) draws: the sample standard deviation is within 30% of 0.01.
  EXPECT_NEAR(noise.std().item<double>(), 0.01, 0.003);
  // Image 2 imputed alone with first_index = 2 gets the same noise as in the batch.
  const torch::Tensor alone = RoadImpute(images.slice(0, 2, 3), removed.slice(0, 2, 3),
                                         {.noise_std = 0.01, .seed = 7, .first_index = 2});
  EXPECT_TRUE(torch::equal(alone, a.slice(0, 2, 3)));
}

TEST(RoadImputation, RejectsAnImageWithNothingKeptAndBadInputs) {
  const torch::Tensor images = RandomImages(2, 1, 3, 3, 9);
  torch::Tensor removed = torch::zeros({2, 3, 3}, torch::kBool);
  removed[1].fill_(true);
  EXPECT_THROW(RoadImpute(images, removed), InvalidInput);
  EXPECT_THROW(RoadImpute(images, torch::zeros({2, 3, 4}, torch::kBool)), InvalidInput);
  EXPECT_THROW(RoadImpute(images, removed.logical_not(), {.noise_std = -1}), InvalidInput);
  EXPECT_TRUE(torch::equal(RoadImpute(images, torch::zeros({2, 3, 3}, torch::kBool)), images));
}

TEST(RoadImputation, RoarRoadFillReplacesExactlyTheMeanFillsPixels) {
  const torch::Tensor images = RandomImages(3, 2, 6, 6, 10);
  const torch::Tensor order = torch::argsort(torch::rand({3, 36}), /*dim=*/1, /*descending=*/false);
  const torch::Tensor means = torch::tensor({0.25, 0.75}, torch::kDouble);
  for (const RemovalMode mode : {RemovalMode::kRoar, RemovalMode::kKar}) {
    const torch::Tensor mean_fill = RemoveByOrder(images, order, 0.3, mode, means);
    const torch::Tensor road = RemoveByOrder(images, order, 0.3, mode, means,
                                             {.fill = RemovalFill::kRoad, .road = {.noise_std = 0}});
    const torch::Tensor removed = RemovedByOrder(order, 6, 6, 0.3, mode);
    EXPECT_TRUE(torch::equal(mean_fill.ne(images).any(1), removed));
    EXPECT_TRUE(torch::equal(road, RoadImpute(images, removed, {.noise_std = 0})));
  }
  EXPECT_EQ(ParseRemovalFill("road"), RemovalFill::kRoad);
  EXPECT_EQ(RemovalFillName(ParseRemovalFill("mean")), "mean");
  EXPECT_THROW(ParseRemovalFill("blur"), InvalidInput);
}

}  // namespace
}  // namespace lfa
