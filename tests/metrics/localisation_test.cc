// Localisation metrics (metrics/localisation.h): known answers. A map equal to the mask scores 1
// on all three metrics; a uniform map (all ties) scores exactly the area fraction; hand-made 3x3
// cases with ties; the preprocessing (absolute value, channel sum, top-fraction keeping,
// smoothing) changes what it should; bad inputs name the value.

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "framework/errors.h"
#include "metrics/localisation.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using test::AllClose;

torch::Tensor Mask3x3(std::initializer_list<int> on) {
  torch::Tensor m = torch::zeros({9}, torch::kBool);
  for (int i : on) m[i] = true;
  return m.reshape({3, 3});
}

torch::Tensor Map3x3(std::vector<double> values) {
  return torch::tensor(values, torch::kDouble).reshape({1, 3, 3});
}

template <typename F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "(no InvalidInput)";
}

TEST(Localisation, MapEqualToTheMaskScoresOneOnAllThree) {
  torch::Tensor masks = torch::zeros({2, 28, 28}, torch::kBool);
  masks[0].slice(0, 10, 18).slice(1, 10, 18).fill_(true);
  masks[1].slice(0, 0, 4).slice(1, 20, 28).fill_(true);
  const LocalisationScores s = ScoreLocalisation(masks.to(torch::kDouble), masks);
  const torch::Tensor ones = torch::ones({2}, torch::kDouble);
  EXPECT_TRUE(AllClose(s.mass, ones, 0));
  EXPECT_TRUE(AllClose(s.rank, ones, 0));
  EXPECT_TRUE(AllClose(s.pointing, ones, 0));
}

TEST(Localisation, UniformMapScoresTheAreaFractionOnAllThree) {
  torch::Tensor mask = torch::zeros({28, 28}, torch::kBool);
  mask.slice(0, 4, 12).slice(1, 4, 12).fill_(true);  // 64 of 784 pixels
  const double area = 64.0 / 784.0;
  // Any constant, positive or negative (absolute value), and the all-zero map.
  const torch::Tensor maps =
      torch::tensor({0.3, -2.0, 0.0}, torch::kDouble).reshape({3, 1, 1, 1}).expand({3, 1, 28, 28});
  for (const LocalisationOptions& options :
       {LocalisationOptions{}, LocalisationOptions{.keep_top_fraction = 0.01}}) {
    const LocalisationScores s = ScoreLocalisation(maps, mask, options);
    const torch::Tensor expected = torch::full({3}, area, torch::kDouble);
    EXPECT_TRUE(AllClose(s.mass, expected, 1e-12));
    EXPECT_TRUE(AllClose(s.rank, expected, 1e-12));
    EXPECT_TRUE(AllClose(s.pointing, expected, 1e-12));
  }
}

TEST(Localisation, HandMadeCasesWithTies) {
  // Mask: the top row (pixels 0, 1, 2), K = 3.
  const torch::Tensor mask = Mask3x3({0, 1, 2});
  // Values: 5 in the mask, 4 and 3 outside, the rest 1.
  //   mass = (5 + 1 + 1) / (5 + 1 + 1 + 4 + 3 + 4 * 1) = 7 / 18
  //   top-3 = {5, 4, 3}: one in the mask -> 1/3; the maximum 5 is in the mask -> 1.
  torch::Tensor map = Map3x3({5, 1, 1, 4, 3, 1, 1, 1, 1});
  EXPECT_DOUBLE_EQ(RelevanceMassAccuracy(map, mask).item<double>(), 7.0 / 18.0);
  EXPECT_DOUBLE_EQ(RelevanceRankAccuracy(map, mask).item<double>(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(PointingGame(map, mask).item<double>(), 1.0);

  // Tie at the K-th value: values 5 (in), then 2 at pixels 1 (in), 4, 5, 8 (out): g = 1 above the
  // threshold 2, K - g = 2 places among T = 4 tied pixels, one of them in the mask:
  // rank = (1 + 2 * 1/4) / 3 = 0.5.
  map = Map3x3({5, 2, 0, 0, 2, 2, 0, 0, 2});
  EXPECT_DOUBLE_EQ(RelevanceRankAccuracy(map, mask).item<double>(), 0.5);

  // Tied maxima: 3 at pixels 0 (in), 7 and 8 (out) -> pointing = 1/3; mass = 3 / 9.
  map = Map3x3({3, 0, 0, 0, 0, 0, 0, 3, 3});
  EXPECT_DOUBLE_EQ(PointingGame(map, mask).item<double>(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(RelevanceMassAccuracy(map, mask).item<double>(), 1.0 / 3.0);

  // All relevance outside the mask: 0 on all three.
  map = Map3x3({0, 0, 0, 1, 2, 3, 4, 5, 6});
  const LocalisationScores s = ScoreLocalisation(map, mask);
  EXPECT_EQ(s.mass.item<double>(), 0.0);
  EXPECT_EQ(s.rank.item<double>(), 0.0);
  EXPECT_EQ(s.pointing.item<double>(), 0.0);
}

TEST(Localisation, PerImageMasksAndChannelsAreSummedAfterTheAbsoluteValue) {
  // Two images, two channels that cancel in a plain sum but not after abs.
  torch::Tensor maps = torch::zeros({2, 2, 3, 3}, torch::kDouble);
  maps[0][0][0][0] = 1.0;   // image 0: pixel 0 gets |1| + |-1| = 2
  maps[0][1][0][0] = -1.0;
  maps[0][0][2][2] = 2.0;   // pixel 8 gets 2
  maps[1][0][1][1] = 3.0;   // image 1: all on the centre
  const torch::Tensor masks = torch::stack({Mask3x3({0}), Mask3x3({4})});
  EXPECT_TRUE(AllClose(RelevanceMassAccuracy(maps, masks),
                       torch::tensor({0.5, 1.0}, torch::kDouble), 1e-15));
  // Pointing: image 0 has tied maxima at pixels 0 (in) and 8 (out).
  EXPECT_TRUE(AllClose(PointingGame(maps, masks), torch::tensor({0.5, 1.0}, torch::kDouble), 0));
}

TEST(Localisation, PreprocessingChangesWhatItShould) {
  // Signed map: large negative values outside the mask, small positive inside.
  torch::Tensor map = Map3x3({1, 1, 1, -4, 0, 0, 0, 0, 0});
  const torch::Tensor mask = Mask3x3({0, 1, 2});
  // With abs: mass = 3 / 7, the maximum |-4| is outside.
  EXPECT_DOUBLE_EQ(RelevanceMassAccuracy(map, mask).item<double>(), 3.0 / 7.0);
  EXPECT_EQ(PointingGame(map, mask).item<double>(), 0.0);
  // Without abs a signed map is rejected; a non-negative one is scored as it is.
  EXPECT_THAT(ErrorOf([&] { RelevanceMassAccuracy(map, mask, {.absolute = false}); }),
              HasSubstr("negative values (minimum -4"));
  EXPECT_DOUBLE_EQ(
      RelevanceMassAccuracy(map.clamp_min(0), mask, {.absolute = false}).item<double>(), 1.0);

  // Keeping the top 1% of 100 x 100 pixels keeps exactly the 100 largest.
  torch::Tensor big = torch::arange(10000, torch::kDouble).reshape({1, 100, 100}) + 1;
  const torch::Tensor kept = PreprocessRelevance(big, {.keep_top_fraction = 0.01});
  EXPECT_EQ(kept.gt(0).sum().item<int64_t>(), 100);
  EXPECT_EQ(kept.reshape({-1})[9900].item<double>(), 9901.0);
  EXPECT_EQ(kept.reshape({-1})[9899].item<double>(), 0.0);
  // Mask on the first row (the 100 smallest values): some mass without top-keeping, none with it.
  torch::Tensor first_row = torch::zeros({100, 100}, torch::kBool);
  first_row[0].fill_(true);
  EXPECT_GT(RelevanceMassAccuracy(big, first_row).item<double>(), 0.0);
  EXPECT_EQ(RelevanceMassAccuracy(big, first_row, {.keep_top_fraction = 0.01}).item<double>(), 0.0);
  // Mask on the last row (the 100 largest): mass becomes 1 with top-keeping.
  torch::Tensor last_row = torch::zeros({100, 100}, torch::kBool);
  last_row[99].fill_(true);
  EXPECT_LT(RelevanceMassAccuracy(big, last_row).item<double>(), 0.1);
  EXPECT_DOUBLE_EQ(
      RelevanceMassAccuracy(big, last_row, {.keep_top_fraction = 0.01}).item<double>(), 1.0);
  // Ties at the threshold are all kept.
  EXPECT_EQ(PreprocessRelevance(torch::ones({1, 10, 10}), {.keep_top_fraction = 0.01})
                .gt(0).sum().item<int64_t>(), 100);

  // Smoothing spreads a single peak: it keeps the total and moves mass onto the neighbours.
  torch::Tensor peak = torch::zeros({1, 9, 9}, torch::kDouble);
  peak[0][4][4] = 1.0;
  const torch::Tensor smooth = PreprocessRelevance(peak, {.smoothing_sigma = 1.0});
  EXPECT_NEAR(smooth.sum().item<double>(), 1.0, 1e-12);
  EXPECT_LT(smooth[0][4][4].item<double>(), 1.0);
  EXPECT_GT(smooth[0][4][5].item<double>(), 0.0);
  torch::Tensor centre = torch::zeros({9, 9}, torch::kBool);
  centre[4][4] = true;
  EXPECT_EQ(RelevanceMassAccuracy(peak, centre).item<double>(), 1.0);
  EXPECT_LT(RelevanceMassAccuracy(peak, centre, {.smoothing_sigma = 1.0}).item<double>(), 1.0);
}

TEST(Localisation, BadInputsNameTheValue) {
  const torch::Tensor map = torch::ones({2, 1, 28, 28});
  torch::Tensor mask = torch::zeros({28, 28}, torch::kBool);
  mask[0][0] = true;
  EXPECT_THAT(ErrorOf([&] { PointingGame(map, torch::ones({27, 28}, torch::kBool)); }),
              HasSubstr("[27, 28]"));
  EXPECT_THAT(ErrorOf([&] { PointingGame(map, torch::ones({3, 28, 28}, torch::kBool)); }),
              HasSubstr("[3, 28, 28]"));
  EXPECT_THAT(ErrorOf([&] { PointingGame(map, mask.to(torch::kFloat)); }), HasSubstr("bool"));
  EXPECT_THAT(ErrorOf([&] { PointingGame(torch::ones({28, 28}), mask); }), HasSubstr("[28, 28]"));
  torch::Tensor masks = torch::stack({mask, torch::zeros({28, 28}, torch::kBool)});
  EXPECT_THAT(ErrorOf([&] { RelevanceRankAccuracy(map, masks); }),
              HasSubstr("mask of image 1 is empty"));
  EXPECT_THAT(ErrorOf([&] { RelevanceMassAccuracy(map, mask, {.keep_top_fraction = 1.5}); }),
              HasSubstr("keep_top_fraction must be in [0, 1] (0 = keep all), got 1.5"));
  EXPECT_THAT(ErrorOf([&] { RelevanceMassAccuracy(map, mask, {.smoothing_sigma = -1}); }),
              HasSubstr("smoothing_sigma must be finite and >= 0 (0 = none), got -1"));
  EXPECT_THAT(ErrorOf([&] {
                RelevanceMassAccuracy(torch::full({1, 28, 28}, NAN), mask);
              }),
              HasSubstr("non-finite"));
  std::string error;
  EXPECT_TRUE(LocalisationOptions{}.IsValid(&error));
}

}  // namespace
}  // namespace lfa
