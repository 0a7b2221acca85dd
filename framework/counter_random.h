// Counter-based random draws: every number is a pure function of (key, sample, slot).
//
// The samplers of the framework do not walk a generator: the draw for sample s, slot k of a point
// is computed directly from the point's key and the counter c = s * slots + k,
//
//     bits(key, c) = SplitMix64(key + (c + 1) * 0x9e3779b97f4a7c15)       (mod 2^64)
//     key_i        = StreamSeed(StreamSeed(seed, first_index + i, component) ^ purpose)
//
// SplitMix64's finaliser (Steele, Lea & Flood 2014) is a bijection with full avalanche, so bits()
// is the SplitMix64 sequence of the key evaluated at position c: a counter-based generator in the
// sense of Salmon et al. (2011). Consequences:
//   - an explanation does not depend on the batch size, on which other points share the batch, or
//     on the order in which blocks of points are processed (the draws of point i, sample s are
//     fixed by (seed, first_index + i, s));
//   - the first S samples of a point are the same whatever the sample count: Sample(points, 100)
//     is the first 100 rows of Sample(points, 1000) for every sampler of this form;
//   - the same numbers come out on every device: on the CPU a fused loop computes bits(), elsewhere
//     (CUDA) the same formula runs as int64 tensor ops (wrapping multiplication, logical shifts
//     made from arithmetic ones and a mask). RandomPath::kTensorOps forces the tensor-op form on
//     the CPU, so tests prove both forms bit-identical without a GPU.
// Uniforms take the top 53 bits: u = (bits >> 11) 2^-53 in [0, 1), exact on every device. Normals
// use Box-Muller on the slot pairs (j, P + j) of P = ceil(slots / 2) pairs: with u, v the uniforms
// of slots j and P + j, r = sqrt(-2 log(1 - u)), z_j = r cos(2 pi v), z_P+j = r sin(2 pi v) (the
// last sine is dropped when slots is odd). Bits and uniforms agree exactly across devices; normals
// agree to the device's log/sin/cos rounding (a few ulp: |difference| <= 1e-13 for |z| < 10).
//
//   const torch::Tensor keys = PointKeys(points.seed, points.first_index, points.size(),
//                                        Component::kNeighbourhood, /*purpose=*/0, device);
//   torch::Tensor z = NormalDraws(keys, /*first_sample=*/0, samples, d);    // [N, S, d]
//
// WARNING: two draws that must be independent need different counters or different purposes;
// reusing (key, sample, slot) for two quantities makes them the same number.
#pragma once

#include <cstdint>

#include <torch/types.h>

#include "framework/random.h"

namespace lfa {

// Which implementation computes the draws: kAuto uses the fused CPU loop for CPU keys and tensor
// ops elsewhere; kTensorOps always uses tensor ops (the CUDA form, for tests on the CPU).
enum class RandomPath { kAuto, kTensorOps };

// The 64 bits at counter c of key `key` (the scalar form of everything below).
uint64_t CounterBits(uint64_t key, uint64_t counter);

// Keys of `count` consecutive points: int64 [count] on `device`. `purpose` separates the
// independent quantities one sampler draws (a coalition size and its members, say).
torch::Tensor PointKeys(uint64_t seed, int64_t first_index, int64_t count, Component component,
                        uint64_t purpose, const torch::Device& device);

// bits(key_i, (first_sample + s) * slots + k) for keys int64 [N]: int64 [N, samples, slots] on
// the keys' device (the 64 bits reinterpreted as signed).
torch::Tensor RandomBits(const torch::Tensor& keys, int64_t first_sample, int64_t samples,
                         int64_t slots, RandomPath path = RandomPath::kAuto);

// U[0, 1) from the same counters: float64 [N, samples, slots].
torch::Tensor UniformDraws(const torch::Tensor& keys, int64_t first_sample, int64_t samples,
                           int64_t slots, RandomPath path = RandomPath::kAuto);

// N(0, 1) by Box-Muller on the slot pairs (j, P + j): float64 [N, samples, slots] (an odd slot
// count draws one uniform more per sample and drops the last normal).
torch::Tensor NormalDraws(const torch::Tensor& keys, int64_t first_sample, int64_t samples,
                          int64_t slots, RandomPath path = RandomPath::kAuto);

// Fair coins: bit k of sample s is bit (k mod 64) of RandomBits word k / 64, as 0.0 / 1.0 float64
// [N, samples, slots]. One hash serves 64 coins.
torch::Tensor FairCoins(const torch::Tensor& keys, int64_t first_sample, int64_t samples,
                        int64_t slots, RandomPath path = RandomPath::kAuto);

// The partner of an antithetic draw: -z (Gaussian noise) or 1 - m (masks of fair coins).
enum class Partner { kNegation, kComplement };

// Antithetic samples from draws [N, Q, g], Q = ceil(samples / 2): sample 2q is draw q and sample
// 2q + 1 its partner; [N, samples, g], written into one buffer (the last partner is dropped for an
// odd count).
torch::Tensor AntitheticPairs(const torch::Tensor& draws, int64_t samples, Partner partner);

}  // namespace lfa
