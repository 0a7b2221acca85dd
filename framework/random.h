// Seeding: every random stream is derived from (seed, point index, component).
//
// An explainer that draws the perturbations of point i from a generator seeded by
// StreamSeed(seed, i, component) gives the same explanation for point i whether it is explained
// alone or in a batch of 10,000, on one thread or sixteen: the draws depend on nothing else.
// Components keep the streams of different parts of one composition (the neighbourhood, a
// metric's noise) independent of each other.
//
//   Generator rng(StreamSeed(seed, first_index + i, Component::kNeighbourhood));
//   boost::random::normal_distribution<double> normal(0.0, sigma);
//
// WARNING: never share one generator across points; the result would depend on batch layout.
#pragma once

#include <cstdint>
#include <functional>

#include <boost/random/mersenne_twister.hpp>

namespace lfa {

using Generator = boost::random::mt19937_64;

enum class Component : uint64_t {
  kNeighbourhood = 1,
  kClassic = 2,
  kMetric = 3,
};

// SplitMix64 finaliser applied to a combination of the three inputs: well-mixed 64-bit seeds even
// for consecutive indices.
uint64_t StreamSeed(uint64_t seed, int64_t index, Component component);

// Calls fn(i, generator) for i in [0, count) in parallel over points; generator i is seeded with
// StreamSeed(seed, first_index + i, component). fn must only write to the slots of point i.
void ForEachPointStream(int64_t count, uint64_t seed, int64_t first_index, Component component,
                        const std::function<void(int64_t, Generator&)>& fn);

}  // namespace lfa
