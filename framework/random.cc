#include "framework/random.h"

#include <ATen/Parallel.h>

namespace lfa {
namespace {

uint64_t SplitMix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t StreamSeed(uint64_t seed, int64_t index, Component component) {
  uint64_t h = SplitMix64(seed);
  h = SplitMix64(h ^ static_cast<uint64_t>(index));
  return SplitMix64(h ^ (static_cast<uint64_t>(component) << 56));
}

void ForEachPointStream(int64_t count, uint64_t seed, int64_t first_index, Component component,
                        const std::function<void(int64_t, Generator&)>& fn) {
  at::parallel_for(0, count, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      Generator rng(StreamSeed(seed, first_index + i, component));
      fn(i, rng);
    }
  });
}

}  // namespace lfa
