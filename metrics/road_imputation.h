// ROAD's noisy linear imputation (Rong, Leemann, Borisov, Kasneci & Kasneci, "A Consistent and
// Efficient Evaluation Strategy for Attribution Methods", ICML 2022): a way to "remove" pixels
// that does not write the removal mask into the image.
//
// Replacing removed pixels by a constant (the channel mean) leaves a flat patch whose *shape* is
// the removal mask; a model retrained on such images can classify from the shape alone (class
// information leaks through the mask). ROAD instead fills the removed pixels so that each equals
// the weighted mean of its 8 neighbours, the kept neighbours being fixed values:
//
//   for every removed pixel p:   s_p u_p - sum_{q in N(p), q removed} w_pq u_q
//                                            = sum_{q in N(p), q kept} w_pq v_q,
//   w = 1/6 for the 4 direct neighbours, 1/12 for the 4 diagonal ones (they sum to 1), N(p) the
//   neighbours inside the image, s_p = sum_{q in N(p)} w_pq (1 at interior pixels; a border pixel
//   averages the neighbours it has, with the same weights renormalised),
//
// then adds Gaussian noise of standard deviation `noise_std` to every imputed value. These are
// the weights, the border rule and the noise of ROAD's released NoisyLinearImputer (noise 0.01,
// there in the network's normalised units; here in image units, i.e. 1% of the [0, 1] pixel range
// of Fashion-MNIST). The system is the discrete Laplace (Dirichlet) problem on the removed set:
// symmetric, weakly diagonally dominant and positive definite whenever every 8-connected
// component of removed pixels touches a kept pixel, i.e. whenever at least one pixel is kept. It
// is solved exactly (banded Cholesky in row-major order of the removed pixels: half-bandwidth at
// most W + 1, so about n (W + 1)^2 / 2 operations for n removed pixels), one factorisation per
// image shared by its channels. Consequences used by the tests: an isolated removed pixel gets its
// neighbours' weighted mean; a function whose weighted neighbour mean equals itself (any linear
// ramp a + b x + c y, away from the border) is reproduced exactly inside a removed block.
//
// Randomness: image i's noise is C*H*W normal(0, noise_std) draws in element order (channel,
// row, column) from Generator(StreamSeed(RoadNoiseSeed(seed), first_index + i, kMetric)), added at
// the removed pixels only. The noise of a pixel therefore does not depend on the mask, the batch
// or the thread count; RoadNoiseSeed keeps these streams apart from RandomMap's for the same seed.
//
//   torch::Tensor removed = ...;                                  // bool [N, H, W]
//   torch::Tensor filled = RoadImpute(images, removed, {.noise_std = 0.01, .seed = 7});
//   torch::Tensor exact = RoadImpute(images, removed, {.noise_std = 0});
//   EXPECT_LT(RoadResidual(exact, removed).max().item<double>(), 1e-12);
//
// WARNING: an image with every pixel removed has nothing to impute from (the system is singular):
// it is rejected, naming the image. Kept pixels are never changed, so "removing" under ROAD keeps
// the low-frequency content that the kept pixels imply: a ranking that removes a smooth region
// removes little information, which is ROAD's point, not a bug.
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

namespace lfa {

struct RoadImputationOptions {
  // Standard deviation of the Gaussian noise added to every imputed value, in image units (>= 0;
  // 0 gives the exact solution of the linear system). ROAD: 0.01.
  double noise_std = 0.01;
  // Seed of the per-image noise streams.
  uint64_t seed = 0;
  // Global index of the first image (its noise stream), for images imputed in batches.
  int64_t first_index = 0;

  bool IsValid(std::string* error) const;
};

// The seed of the family of noise streams for a user seed (StreamSeed(seed, -1, kMetric): index
// -1 is never an image's, so these streams differ from RandomMap's and the explainers').
uint64_t RoadNoiseSeed(uint64_t seed);

// images [N, C, H, W] (floating), removed bool (or 0/1) [N, H, W] or [N, 1, H, W] -> a copy of
// images (same dtype and device) whose removed pixels, all channels, are ROAD's noisy linear
// imputation given the kept ones; kept pixels are bit-identical. InvalidInput for other shapes,
// options that are not valid, or an image with no kept pixel (named by its index).
torch::Tensor RoadImpute(const torch::Tensor& images, const torch::Tensor& removed,
                         const RoadImputationOptions& options = {});

// filled [N, C, H, W], removed as above -> [N] float64: the largest |s_p u_p - sum_q w_pq u_q|
// over the removed pixels and channels of each image (0 for an image with none removed): the
// residual of the imputation's equations, ~1e-16 for RoadImpute with noise_std = 0.
torch::Tensor RoadResidual(const torch::Tensor& filled, const torch::Tensor& removed);

}  // namespace lfa
