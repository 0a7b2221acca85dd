// Deletion and insertion with ROAD's fill, and the top/bottom-k perturbation gaps with ROAD's
// perturbation: every step's image is RoadImpute of the pixels removed
// at that step (deletion: the top n_t; insertion: all but the top n_t), checked against the curve
// a linear model gives on images imputed independently; the ends where every pixel is removed take
// the baseline; the fill's noise is seeded per image; bad fills are rejected.

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "framework/errors.h"
#include "framework/oracle.h"
#include "metrics/image_metrics.h"
#include "metrics/perturbation.h"
#include "metrics/road_imputation.h"
#include "models/analytic_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

// f(x) = w · x + 0.5 on [1, 4, 4] images.
struct LinearModel {
  torch::Tensor w = test::RandomNormal({1, 16}, 31).t().contiguous();  // [16, 1]
  Oracle oracle{std::make_shared<AnalyticModel>(
      std::vector<int64_t>{1, 4, 4},
      [w = w](const torch::Tensor& x) { return x.reshape({x.size(0), -1}).matmul(w) + 0.5; },
      "linear")};
  double F(const torch::Tensor& image) const {
    return (image.reshape({1, -1}).matmul(w)).item<double>() + 0.5;
  }
};

TEST(ImageRoadFill, EveryStepIsTheImputationOfItsRemovedPixels) {
  LinearModel m;
  const torch::Tensor x = test::RandomUniform({2, 1, 4, 4}, 0, 1, 32);
  // Distinct scores: pixel p of image i ranks by score, highest first.
  const torch::Tensor maps = test::RandomUniform({2, 1, 4, 4}, 0, 1, 33);
  const DeletionOptions options{.fill = "road", .road = {.noise_std = 0}};
  const DeletionResult del = DeletionCurve(m.oracle, x, maps, torch::zeros({2}, torch::kLong), options);
  const DeletionResult ins = InsertionCurve(m.oracle, x, maps, torch::zeros({2}, torch::kLong), options);
  ASSERT_EQ(del.curves.sizes(), (std::vector<int64_t>{2, 17}));
  for (int64_t i = 0; i < 2; ++i) {
    const torch::Tensor order = std::get<1>(maps[i].reshape({-1}).sort(true, 0, true));
    for (int64_t t = 0; t <= 16; ++t) {
      torch::Tensor top = torch::zeros({16}, torch::kBool);
      top.index_fill_(0, order.slice(0, 0, t), true);
      const auto expected = [&](const torch::Tensor& removed) {
        if (removed.all().item<bool>()) return 0.5;  // all removed: the zero baseline, f = 0.5
        return m.F(RoadImpute(x.slice(0, i, i + 1), removed.view({1, 4, 4}), {.noise_std = 0}));
      };
      EXPECT_NEAR(del.curves[i][t].item<double>(), expected(top), 1e-12) << i << " " << t;
      EXPECT_NEAR(ins.curves[i][t].item<double>(), expected(top.logical_not()), 1e-12) << i << " " << t;
    }
    EXPECT_NEAR(del.curves[i][0].item<double>(), m.F(x[i]), 1e-12);
    EXPECT_NEAR(ins.curves[i][16].item<double>(), m.F(x[i]), 1e-12);
  }
}

TEST(ImageRoadFill, NoiseIsSeededPerImage) {
  LinearModel m;
  const torch::Tensor x = test::RandomUniform({3, 1, 4, 4}, 0, 1, 34);
  const torch::Tensor maps = test::RandomUniform({3, 1, 4, 4}, 0, 1, 35);
  const torch::Tensor targets = torch::zeros({3}, torch::kLong);
  const auto curve = [&](uint64_t seed) {
    return DeletionCurve(m.oracle, x, maps, targets, {.fill = "road", .road = {.seed = seed}}).curves;
  };
  EXPECT_TRUE(torch::equal(curve(1), curve(1)));
  EXPECT_FALSE(torch::equal(curve(1), curve(2)));
  // Image 2 alone with first_index = 2 gets the batch's curve.
  const DeletionResult alone = DeletionCurve(m.oracle, x.slice(0, 2, 3), maps.slice(0, 2, 3),
                                             targets.slice(0, 2, 3),
                                             {.fill = "road", .road = {.seed = 1, .first_index = 2}});
  EXPECT_TRUE(torch::equal(alone.curves[0], curve(1)[2]));
}

TEST(ImageRoadFill, TopAndBottomKGapsImputeTheSelectedPixels) {
  LinearModel m;
  const torch::Tensor x = test::RandomUniform({2, 1, 4, 4}, 0, 1, 37);
  const torch::Tensor a = test::RandomUniform({2, 16}, -1, 1, 38);
  const torch::Tensor targets = torch::zeros({2}, torch::kLong);
  for (const std::string ranking : {"topk", "bottomk"}) {
    const PerturbationCurve curve = PerturbationGapCurve(
        m.oracle, x, a, targets,
        {.ranking = ranking, .perturbation = "road", .road_noise_std = 0, .k = 3});
    for (int64_t i = 0; i < 2; ++i) {
      const torch::Tensor order =
          std::get<1>(a[i].abs().sort(true, 0, /*descending=*/ranking == "topk"));
      for (int64_t k = 1; k <= 3; ++k) {
        torch::Tensor removed = torch::zeros({16}, torch::kBool);
        removed.index_fill_(0, order.slice(0, 0, k), true);
        const double imputed =
            m.F(RoadImpute(x.slice(0, i, i + 1), removed.view({1, 4, 4}), {.noise_std = 0}));
        EXPECT_NEAR(curve.per_point[i][k - 1].item<double>(), std::abs(m.F(x[i]) - imputed), 1e-12)
            << ranking << " " << i << " " << k;
      }
    }
  }
  // Seeded noise: same seed same gaps, other seed other gaps.
  const auto gaps = [&](uint64_t seed) {
    return PerturbationGapCurve(m.oracle, x, a, targets,
                                {.perturbation = "road", .k = 2, .seed = seed}).per_point;
  };
  EXPECT_TRUE(torch::equal(gaps(3), gaps(3)));
  EXPECT_FALSE(torch::equal(gaps(3), gaps(4)));
  // Road needs images, and a pixel left to impute from.
  EXPECT_THROW(PerturbationGapCurve(m.oracle, x.reshape({2, 16}), a, targets,
                                    {.perturbation = "road", .k = 1}),
               InvalidInput);
  EXPECT_THROW(PerturbationGap(m.oracle, x, a, targets,
                               {.ranking = "topk", .perturbation = "road", .k = 16}),
               InvalidInput);
}

TEST(ImageRoadFill, BadFillsAreRejected) {
  LinearModel m;
  const torch::Tensor x = test::RandomUniform({1, 1, 4, 4}, 0, 1, 36);
  const torch::Tensor targets = torch::zeros({1}, torch::kLong);
  EXPECT_THROW(DeletionCurve(m.oracle, x, x, targets, {.fill = "blur"}), InvalidInput);
  EXPECT_THROW(DeletionCurve(m.oracle, x, x, targets, {.fill = "road", .road = {.noise_std = -1}}),
               InvalidInput);
}

}  // namespace
}  // namespace lfa
