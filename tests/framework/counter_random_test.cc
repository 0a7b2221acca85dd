// Counter-based random draws (framework/counter_random.h), tested against their definition:
//   - the fused CPU loop and the tensor-op form (the one CUDA runs) give bit-identical bits,
//     uniforms and coins, and normals within 1e-13, so the CUDA path is covered on a CPU-only
//     machine (what stays unchecked without a GPU: CUDA's own log/sin/cos rounding);
//   - every number is the scalar CounterBits(key, s * slots + k) of its (point, sample, slot);
//   - a point's draws depend on its global index only (not on the batch or the sample count);
//   - uniforms lie in [0, 1) with the moments of U[0, 1); normals have the moments of N(0, 1)
//     within a few standard errors (fixed seeds: deterministic tests with 5-sigma bounds).

#include <cmath>
#include <cstdint>

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/types.h>

#include "framework/counter_random.h"
#include "framework/random.h"

namespace lfa {
namespace {

torch::Tensor Keys(int64_t first_index, int64_t count, uint64_t purpose = 0) {
  return PointKeys(/*seed=*/42, first_index, count, Component::kNeighbourhood, purpose,
                   torch::kCPU);
}

TEST(CounterRandom, BitsAreTheScalarDefinitionOnBothPaths) {
  const torch::Tensor keys = Keys(3, 4);
  const int64_t first_sample = 5, samples = 6, slots = 7;
  const torch::Tensor fused = RandomBits(keys, first_sample, samples, slots);
  const torch::Tensor ops = RandomBits(keys, first_sample, samples, slots, RandomPath::kTensorOps);
  ASSERT_EQ(fused.sizes(), (std::vector<int64_t>{4, samples, slots}));
  EXPECT_TRUE(torch::equal(fused, ops));
  for (int64_t i = 0; i < 4; ++i) {
    const auto key = static_cast<uint64_t>(keys[i].item<int64_t>());
    EXPECT_EQ(key, StreamSeed(42, 3 + i, Component::kNeighbourhood));
    for (int64_t s = 0; s < samples; ++s)
      for (int64_t k = 0; k < slots; ++k)
        ASSERT_EQ(static_cast<uint64_t>(fused[i][s][k].item<int64_t>()),
                  CounterBits(key, static_cast<uint64_t>((first_sample + s) * slots + k)));
  }
}

TEST(CounterRandom, TensorOpsAgreeWithTheCpuLoop) {
  const torch::Tensor keys = Keys(0, 9, /*purpose=*/2);
  EXPECT_TRUE(torch::equal(UniformDraws(keys, 0, 50, 13),
                           UniformDraws(keys, 0, 50, 13, RandomPath::kTensorOps)));
  EXPECT_TRUE(torch::equal(FairCoins(keys, 0, 50, 130),
                           FairCoins(keys, 0, 50, 130, RandomPath::kTensorOps)));
  const torch::Tensor a = NormalDraws(keys, 0, 50, 13);
  const torch::Tensor b = NormalDraws(keys, 0, 50, 13, RandomPath::kTensorOps);
  EXPECT_LE((a - b).abs().max().item<double>(), 1e-13);
}

TEST(CounterRandom, CudaGivesTheCpuDraws) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device visible to this LibTorch";
  const torch::Tensor keys = Keys(0, 9);
  const torch::Tensor gpu = keys.to(torch::kCUDA);
  EXPECT_TRUE(torch::equal(RandomBits(gpu, 0, 20, 5).cpu(), RandomBits(keys, 0, 20, 5)));
  EXPECT_TRUE(torch::equal(UniformDraws(gpu, 0, 20, 5).cpu(), UniformDraws(keys, 0, 20, 5)));
  EXPECT_TRUE(torch::equal(FairCoins(gpu, 0, 20, 70).cpu(), FairCoins(keys, 0, 20, 70)));
  EXPECT_LE((NormalDraws(gpu, 0, 20, 5).cpu() - NormalDraws(keys, 0, 20, 5)).abs().max()
                .item<double>(),
            1e-13);
}

TEST(CounterRandom, APointsDrawsDependOnItsIndexOnly) {
  const torch::Tensor batch = NormalDraws(Keys(10, 6), 0, 40, 5);
  for (int64_t i = 0; i < 6; ++i)
    EXPECT_TRUE(torch::equal(NormalDraws(Keys(10 + i, 1), 0, 40, 5)[0], batch[i])) << i;
  // The first S samples do not depend on how many are drawn, and a later block of samples is the
  // continuation of the stream.
  EXPECT_TRUE(torch::equal(NormalDraws(Keys(10, 6), 0, 15, 5), batch.slice(1, 0, 15)));
  EXPECT_TRUE(torch::equal(UniformDraws(Keys(10, 6), 15, 25, 5),
                           UniformDraws(Keys(10, 6), 0, 40, 5).slice(1, 15, 40)));
  // Distinct points, purposes and components give distinct streams.
  EXPECT_FALSE(torch::equal(batch[0], batch[1]));
  EXPECT_FALSE(torch::equal(UniformDraws(Keys(0, 1, 1), 0, 8, 1), UniformDraws(Keys(0, 1), 0, 8, 1)));
  const torch::Tensor classic = PointKeys(42, 0, 1, Component::kClassic, 0, torch::kCPU);
  EXPECT_NE(classic.item<int64_t>(), Keys(0, 1).item<int64_t>());
}

TEST(CounterRandom, UniformsAndNormalsHaveTheirMoments) {
  const int64_t count = 400000;
  const torch::Tensor u = UniformDraws(Keys(0, 4), 0, count / 4, 1).flatten();
  EXPECT_GE(u.min().item<double>(), 0.0);
  EXPECT_LT(u.max().item<double>(), 1.0);
  // Standard errors: mean sqrt(1/12 / n), variance sqrt(1/180 / n).
  const double n = static_cast<double>(count);
  EXPECT_NEAR(u.mean().item<double>(), 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(u.var().item<double>(), 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n));
  const torch::Tensor z = NormalDraws(Keys(0, 4), 0, count / 4 / 3, 3).flatten();
  const double m = static_cast<double>(z.numel());
  EXPECT_NEAR(z.mean().item<double>(), 0.0, 5 / std::sqrt(m));
  EXPECT_NEAR(z.var().item<double>(), 1.0, 5 * std::sqrt(2 / m));
  // The pair's two normals are uncorrelated; so are a slot and the next sample's.
  const torch::Tensor pairs = NormalDraws(Keys(0, 1), 0, count / 2, 2)[0];
  const double correlation = (pairs.select(1, 0) * pairs.select(1, 1)).mean().item<double>();
  EXPECT_NEAR(correlation, 0.0, 5 / std::sqrt(count / 2.0));
  // Coins: fair, and every one of a word's 64 bits is used.
  const torch::Tensor coins = FairCoins(Keys(0, 2), 0, 1000, 100);
  EXPECT_NEAR(coins.mean().item<double>(), 0.5, 5 * 0.5 / std::sqrt(200000.0));
  EXPECT_NEAR(coins.select(2, 63).mean().item<double>(), 0.5, 5 * 0.5 / std::sqrt(2000.0));
}

TEST(CounterRandom, RejectsKeysThatAreNotInt64Vectors) {
  EXPECT_THROW(RandomBits(torch::zeros({2, 2}, torch::kLong), 0, 3, 3), c10::Error);
  EXPECT_THROW(UniformDraws(torch::zeros({2}, torch::kDouble), 0, 3, 3), c10::Error);
  EXPECT_EQ(NormalDraws(Keys(0, 2), 0, 0, 3).sizes(), (std::vector<int64_t>{2, 0, 3}));
}

}  // namespace
}  // namespace lfa
