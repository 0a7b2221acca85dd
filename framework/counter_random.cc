#include "framework/counter_random.h"

#include <cmath>
#include <vector>

#include <ATen/Parallel.h>

namespace lfa {
namespace {

constexpr uint64_t kGamma = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kMix1 = 0xbf58476d1ce4e5b9ULL;
constexpr uint64_t kMix2 = 0x94d049bb133111ebULL;
constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;

inline uint64_t Finalise(uint64_t z) {
  z = (z ^ (z >> 30)) * kMix1;
  z = (z ^ (z >> 27)) * kMix2;
  return z ^ (z >> 31);
}

// The same numbers as int64 tensor ops (wrapping arithmetic; >> on int64 is arithmetic, so a mask
// clears the copied sign bits).
torch::Tensor ShiftRightLogical(const torch::Tensor& x, int shift) {
  const auto mask = static_cast<int64_t>(~uint64_t{0} >> shift);
  return torch::bitwise_and(torch::bitwise_right_shift(x, shift), mask);
}

torch::Tensor FinaliseTensor(torch::Tensor z) {
  z = torch::bitwise_xor(z, ShiftRightLogical(z, 30)).mul_(static_cast<int64_t>(kMix1));
  z = torch::bitwise_xor(z, ShiftRightLogical(z, 27)).mul_(static_cast<int64_t>(kMix2));
  return torch::bitwise_xor(z, ShiftRightLogical(z, 31));
}

torch::Tensor BitsByTensorOps(const torch::Tensor& keys, int64_t first_sample, int64_t samples,
                              int64_t slots) {
  const auto options = keys.options();
  const torch::Tensor counter =
      torch::arange(first_sample, first_sample + samples, options).unsqueeze(1).mul(slots) +
      torch::arange(slots, options).unsqueeze(0);  // [S, slots]
  const torch::Tensor offset = (counter + 1).mul_(static_cast<int64_t>(kGamma));
  return FinaliseTensor(keys.view({-1, 1, 1}) + offset.unsqueeze(0));
}

// Runs fn(point, sample, row pointer offset) over the [N, S] rows of a fused CPU loop.
template <typename Fn>
void ForEachRow(int64_t n, int64_t samples, int64_t slots, const Fn& fn) {
  const int64_t grain = std::max<int64_t>(1, 4096 / std::max<int64_t>(1, slots));
  at::parallel_for(0, n * samples, grain, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) fn(row / samples, row % samples, row * slots);
  });
}

bool UseTensorOps(const torch::Tensor& keys, RandomPath path) {
  return path == RandomPath::kTensorOps || !keys.device().is_cpu();
}

void CheckKeys(const torch::Tensor& keys, int64_t samples, int64_t slots) {
  TORCH_CHECK(keys.dim() == 1 && keys.scalar_type() == torch::kLong,
              "random draws: keys must be int64 [N], got ", keys.sizes(), " ",
              keys.scalar_type());
  TORCH_CHECK(samples >= 0 && slots >= 0, "random draws: samples and slots must be >= 0, got ",
              samples, " and ", slots);
}

}  // namespace

uint64_t CounterBits(uint64_t key, uint64_t counter) {
  return Finalise(key + (counter + 1) * kGamma);
}

torch::Tensor PointKeys(uint64_t seed, int64_t first_index, int64_t count, Component component,
                        uint64_t purpose, const torch::Device& device) {
  torch::Tensor keys = torch::empty({count}, torch::kLong);
  int64_t* out = keys.data_ptr<int64_t>();
  for (int64_t i = 0; i < count; ++i) {
    uint64_t key = StreamSeed(seed, first_index + i, component);
    if (purpose != 0) key = StreamSeed(key, static_cast<int64_t>(purpose), component);
    out[i] = static_cast<int64_t>(key);
  }
  return keys.to(device);
}

torch::Tensor RandomBits(const torch::Tensor& keys, int64_t first_sample, int64_t samples,
                         int64_t slots, RandomPath path) {
  CheckKeys(keys, samples, slots);
  if (UseTensorOps(keys, path)) return BitsByTensorOps(keys, first_sample, samples, slots);
  const torch::Tensor k = keys.contiguous();
  torch::Tensor out = torch::empty({k.size(0), samples, slots}, torch::kLong);
  const int64_t* key = k.data_ptr<int64_t>();
  auto* bits = reinterpret_cast<uint64_t*>(out.data_ptr<int64_t>());
  ForEachRow(k.size(0), samples, slots, [&](int64_t i, int64_t s, int64_t at) {
    const auto base = static_cast<uint64_t>(key[i]);
    const auto counter = static_cast<uint64_t>((first_sample + s) * slots);
    for (int64_t j = 0; j < slots; ++j) bits[at + j] = CounterBits(base, counter + j);
  });
  return out;
}

torch::Tensor UniformDraws(const torch::Tensor& keys, int64_t first_sample, int64_t samples,
                           int64_t slots, RandomPath path) {
  CheckKeys(keys, samples, slots);
  if (UseTensorOps(keys, path)) {
    return ShiftRightLogical(BitsByTensorOps(keys, first_sample, samples, slots), 11)
        .to(torch::kDouble)
        .mul_(kTwoToMinus53);
  }
  const torch::Tensor k = keys.contiguous();
  torch::Tensor out = torch::empty({k.size(0), samples, slots}, torch::kDouble);
  const int64_t* key = k.data_ptr<int64_t>();
  double* u = out.data_ptr<double>();
  ForEachRow(k.size(0), samples, slots, [&](int64_t i, int64_t s, int64_t at) {
    const auto base = static_cast<uint64_t>(key[i]);
    const auto counter = static_cast<uint64_t>((first_sample + s) * slots);
    for (int64_t j = 0; j < slots; ++j)
      u[at + j] = static_cast<double>(CounterBits(base, counter + j) >> 11) * kTwoToMinus53;
  });
  return out;
}

torch::Tensor NormalDraws(const torch::Tensor& keys, int64_t first_sample, int64_t samples,
                          int64_t slots, RandomPath path) {
  const int64_t pairs = (slots + 1) / 2;
  const torch::Tensor u = UniformDraws(keys, first_sample, samples, 2 * pairs, path)
                              .view({keys.size(0), samples, 2, pairs});
  // Box-Muller; 1 - u is in (0, 1], so the logarithm is finite. In place and into the halves of
  // z, with no concatenation: the same numbers as the plain formula, in fewer passes.
  const torch::Tensor radius = u.select(2, 0).neg().log1p_().mul_(-2.0).sqrt_();
  const torch::Tensor angle = u.select(2, 1).mul_(2.0 * M_PI);
  const torch::Tensor z = torch::empty_like(u);
  torch::Tensor cosine = z.select(2, 0), sine = z.select(2, 1);
  at::cos_out(cosine, angle).mul_(radius);
  at::sin_out(sine, angle).mul_(radius);
  const torch::Tensor flat = z.view({keys.size(0), samples, 2 * pairs});
  return slots == 2 * pairs ? flat : flat.slice(2, 0, slots).contiguous();
}

torch::Tensor FairCoins(const torch::Tensor& keys, int64_t first_sample, int64_t samples,
                        int64_t slots, RandomPath path) {
  CheckKeys(keys, samples, slots);
  const int64_t words = (slots + 63) / 64;
  if (UseTensorOps(keys, path)) {
    const auto options = keys.options();
    const torch::Tensor bits = BitsByTensorOps(keys, first_sample, samples, words);
    const torch::Tensor coin = torch::arange(slots, options);
    const torch::Tensor word = bits.index_select(2, torch::div(coin, 64, "floor"));
    return torch::bitwise_and(torch::bitwise_right_shift(word, torch::remainder(coin, 64)), 1)
        .to(torch::kDouble);
  }
  const torch::Tensor k = keys.contiguous();
  torch::Tensor out = torch::empty({k.size(0), samples, slots}, torch::kDouble);
  const int64_t* key = k.data_ptr<int64_t>();
  double* coins = out.data_ptr<double>();
  ForEachRow(k.size(0), samples, slots, [&](int64_t i, int64_t s, int64_t at) {
    const auto base = static_cast<uint64_t>(key[i]);
    const auto counter = static_cast<uint64_t>((first_sample + s) * words);
    for (int64_t w = 0; w < words; ++w) {
      uint64_t bits = CounterBits(base, counter + w);
      const int64_t end = std::min<int64_t>(slots, (w + 1) * 64);
      // A conversion, not a branch: the bits are fair coins, so a branch mispredicts every other
      // coin (9x slower, most of LIME's sampling time).
      for (int64_t j = w * 64; j < end; ++j, bits >>= 1)
        coins[at + j] = static_cast<double>(bits & 1);
    }
  });
  return out;
}

torch::Tensor AntitheticPairs(const torch::Tensor& draws, int64_t samples, Partner partner) {
  const int64_t n = draws.size(0), drawn = draws.size(1), g = draws.size(2);
  TORCH_CHECK(drawn == (samples + 1) / 2, "antithetic pairs: ", samples, " samples need ",
              (samples + 1) / 2, " draws, got ", drawn);
  const torch::Tensor both = torch::empty({n, drawn, 2, g}, draws.options());
  both.select(2, 0).copy_(draws);
  torch::Tensor second = both.select(2, 1);
  if (partner == Partner::kNegation) {
    at::neg_out(second, draws);
  } else {
    second.fill_(1.0).sub_(draws);
  }
  const torch::Tensor pairs = both.view({n, 2 * drawn, g});
  return 2 * drawn == samples ? pairs : pairs.slice(1, 0, samples).contiguous();
}

}  // namespace lfa
