// Localisation metrics: how much of a relevance map falls on a known signal source.
//
// When the region that carries a task's signal is known (a ground-truth mask M of |M| pixels out of
// P), an explanation can be scored by how well its relevance R (one value per pixel, after the
// preprocessing below) lands on M. Three scores per image, each in [0, 1]:
//
//   relevance mass accuracy   sum_{p in M} R_p / sum_p R_p              (Arras et al. 2022)
//   relevance rank accuracy   |top-K(R) ∩ M| / K,  K = |M|              (Arras et al. 2022)
//   pointing game             1 if argmax_p R_p lies in M, else 0       (Zhang et al. 2018)
//
// Ties are scored by their expectation under random tie-breaking, so that no ordering of equal
// pixels is favoured: when the K-th largest value t is shared, the g pixels above t count fully
// and the K - g remaining places go to the T pixels equal to t, T_M of them in M, contributing
// (K - g) T_M / T; with tied maxima the pointing game scores T_M / T. A constant map (all ties,
// or all zero) therefore scores exactly the area fraction |M| / P on all three metrics (the mass
// accuracy of an all-zero map, 0 / 0, is defined as that too), and so does a uniform map.
//
// Preprocessing, applied in this order (as in the neuroimaging study the issue cites):
//   absolute            R = |map| (default); without it the map must be non-negative.
//   channels            a [N, C, H, W] map is summed over C (after the absolute value).
//   smoothing_sigma     > 0: Gaussian blur of R with that sigma in pixels (neighbourhoods/gaussian_blur.h).
//   keep_top_fraction   > 0: keep the k = ceil(f P) largest values of R (and every value equal to
//                       the k-th largest), set the rest to 0; 0 keeps all.
//
//   LocalisationOptions options{.keep_top_fraction = 0.01};       // abs, top 1%
//   LocalisationScores s = ScoreLocalisation(maps /*[N,1,28,28]*/, mask /*bool [28,28]*/, options);
//   double mean_mass = s.mass.mean().item<double>();
//
// WARNING: the scores compare methods only at equal mask size and preprocessing: a random map
// already scores |M| / P in expectation, so always report that baseline beside the methods. Mass
// accuracy without `absolute` on a signed map is meaningless (positive and negative relevance
// cancel): it is rejected.
#pragma once

#include <string>

#include <torch/types.h>

namespace lfa {

struct LocalisationOptions {
  bool absolute = true;             // score |map| (a signed map needs it)
  double smoothing_sigma = 0.0;     // Gaussian blur in pixels before scoring; 0 = none
  double keep_top_fraction = 0.0;   // keep only the top fraction of the pixels; 0 = keep all

  bool IsValid(std::string* error) const;
};

// maps [N, H, W] or [N, C, H, W] (any real dtype) -> the preprocessed relevance [N, H, W] float64
// on the CPU, every value >= 0. InvalidInput for a bad shape, non-finite values, or negative values
// without `absolute`.
torch::Tensor PreprocessRelevance(const torch::Tensor& maps, const LocalisationOptions& options = {});

// masks: bool [N, H, W] (one per image) or [H, W] (shared), each with at least one true pixel.
// Every function returns one score per image, [N] float64; InvalidInput names the mismatched
// shape, the empty mask, or the invalid option.
torch::Tensor RelevanceMassAccuracy(const torch::Tensor& maps, const torch::Tensor& masks,
                                    const LocalisationOptions& options = {});
torch::Tensor RelevanceRankAccuracy(const torch::Tensor& maps, const torch::Tensor& masks,
                                    const LocalisationOptions& options = {});
torch::Tensor PointingGame(const torch::Tensor& maps, const torch::Tensor& masks,
                           const LocalisationOptions& options = {});

struct LocalisationScores {
  torch::Tensor mass;      // [N] relevance mass accuracy
  torch::Tensor rank;      // [N] relevance rank accuracy
  torch::Tensor pointing;  // [N] pointing game
};

// All three from one preprocessing of the maps.
LocalisationScores ScoreLocalisation(const torch::Tensor& maps, const torch::Tensor& masks,
                                     const LocalisationOptions& options = {});

}  // namespace lfa
