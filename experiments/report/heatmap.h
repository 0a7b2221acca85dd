// Heatmaps: attribution maps turned into pictures, and PNG montages that put an image next to its
// explanations.
//
// Display maps follow SmoothGrad's visual conventions (Smilkov et al. 2017, and their saliency
// code): a few extreme pixels would otherwise wash the rest of the map out, so the map is divided
// by a high percentile of its values instead of its maximum, and everything above is saturated.
// For an attribution a of shape [C, H, W] (or [H, W], C = 1) and P = options.percentile:
//
//   unsigned (default)  m_ij = sum_c |a_cij|,  cap = percentile_P(m),    D = min(m, cap) / cap
//                       -> [0, 1]
//   signed              s_ij = sum_c a_cij,    cap = percentile_P(|s|),  D = clamp(s / cap, -1, 1)
//                       -> [-1, 1], 0 stays 0
//
// Percentiles use linear interpolation between order statistics, numpy's default ("linear",
// Hyndman-Fan type 7): for the n values sorted, v_0 <= ... <= v_{n-1}, h = (n - 1) P / 100,
// k = floor(h) and percentile_P = v_k + (h - k) (v_{k+1} - v_k). Values 0, 1, ..., 100 have
// percentile_99 = 99. When the cap is 0 but the map is not (a sparse map, nearly all zeros), the
// map's maximum (of |s| when signed) is the cap instead, so its few non-zero pixels still show; an
// all-zero map gives all zeros.
//
// Colours come from small tables of control points, interpolated linearly per channel and rounded
// to a byte, half up (as every byte this file computes):
//   kGrey         [0, 1]  black -> white (the SmoothGrad paper's figures)
//   kInferno      [0, 1]  11 points of matplotlib's "inferno" (black -> purple -> orange -> yellow)
//   kJet          [0, 1]  MATLAB "jet": dark blue, blue, cyan, yellow, red, dark red at
//                         0, 1/8, 3/8, 5/8, 7/8, 1 (the Grad-CAM papers' overlay colours)
//   kBlueWhiteRed [-1, 1] blue (0, 0, 255) -> white (255, 255, 255) exactly at 0 -> red
//                         (255, 0, 0) (matplotlib's "bwr")
// Values outside a colormap's domain are clamped to it.
//
// A CAM is shown over its image (Selvaraju et al. 2017): the map m in [0, 1] is coloured with kJet
// and alpha-blended, out = round(255 ((1 - alpha) x + alpha jet(m) / 255)), with x the image in
// [0, 1] (a grey image shown as three equal channels).
//
// A montage is one row of tiles: the input image (titled "input"), then one tile per panel, each
// upscaled by the integer `scale` (nearest neighbour) and titled above with a built-in 5x7 bitmap
// font (letters drawn as capitals, digits, space _ - + . , : / = ( ); any other character is a box)
// at `font_scale` pixels per font pixel, reduced for the whole montage to the largest text scale
// s <= font_scale at which every title fits its tile (a title too long even at s = 1 is
// left-aligned and clipped). Glyphs advance 6 s pixels; the text is black on white, centred over
// its tile (left offset floor((tile width - text width) / 2), text width = (6 chars - 1) s), its
// bottom row ending font_scale pixels above the tile. For an input of H x W, n = 1 + panels tiles
// and `rows` rows (1 for WriteMontage):
//
//   tile   = (H scale) x (W scale)
//   band   = 9 font_scale                    (7 font pixels of text, one above and one below)
//   width  = gap + n (W scale + gap)
//   height = gap + rows (band + H scale + gap)
//   tile k of row r has its top-left pixel at
//     x = gap + k (W scale + gap),  y = gap + r (band + H scale + gap) + band
//   and its title's glyphs span rows [y - font_scale - 7 s, y - font_scale).
//
// Panels: kAttribution: DisplayMap (unsigned) coloured with options.sequential; kSignedAttribution:
// DisplayMap (signed) with options.diverging; kCamOverlay: a map [h, w] at any resolution,
// bilinearly upsampled to H x W (align_corners = false, UpsampleToInput of explainers/cam.h),
// divided by its maximum when that is > 0, clamped to [0, 1] and overlaid on the input.
//
// Usage:
//   torch::Tensor image = images[0];                               // [1, 28, 28] in [0, 1]
//   WriteMontage("out/shirt.png", image,
//                {{"gradient", gradient_map, PanelKind::kAttribution},
//                 {"ig", ig_map, PanelKind::kSignedAttribution},
//                 {"grad-cam", cam_maps[0], PanelKind::kCamOverlay}},   // [7, 7]
//                MontageOptions{.scale = 4});                       // 4 tiles of 112 x 112
//   WritePng("out/map.png", Colourise(DisplayMap(ig_map, {.signed_map = true}),
//                                     Colormap::kBlueWhiteRed));
//
// PNG files are written and read by experiments/io/png.h (atomically, errors naming the path).
//
// WARNING: images are drawn as values in [0, 1]; an image normalised for a model (mean/std) must be
// mapped back first, or it shows clipped. Each map is scaled on its own (its own percentile cap),
// so colours are not comparable across panels or images: a faint method looks as bright as a
// strong one. Compare magnitudes with numbers, not with these pictures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/io/png.h"

namespace lfa {

// The P-th percentile (0 <= P <= 100) of all the values of a non-empty tensor, numpy's "linear".
double Percentile(const torch::Tensor& values, double percentile);

struct DisplayOptions {
  // false: sum_c |a| scaled to [0, 1]; true: sum_c a scaled to [-1, 1].
  bool signed_map = false;
  // The percentile of the map's values (of |values| when signed) that maps to 1; in (0, 100].
  double percentile = 99.0;

  bool IsValid(std::string* error) const;
};

// attribution [C, H, W] or [H, W], floating point, finite -> float64 [H, W] on the CPU.
torch::Tensor DisplayMap(const torch::Tensor& attribution, const DisplayOptions& options = {});

enum class Colormap { kGrey, kInferno, kJet, kBlueWhiteRed };

// map [H, W] (real, no NaN) -> uint8 [H, W, 3] on the CPU.
torch::Tensor Colourise(const torch::Tensor& map, Colormap colormap);

// image [C, H, W] (C = 1 or 3) or [H, W] in [0, 1] (clamped) -> uint8 [H, W, 3]: round(255 x).
torch::Tensor ImageToRgb(const torch::Tensor& image);

// image as for ImageToRgb, cam_map [H, W] in [0, 1] (clamped), alpha in [0, 1] -> uint8 [H, W, 3]:
// the coloured map blended over the image with weight alpha.
torch::Tensor Overlay(const torch::Tensor& image, const torch::Tensor& cam_map, double alpha,
                      Colormap colormap = Colormap::kJet);

enum class PanelKind { kAttribution, kSignedAttribution, kCamOverlay };

struct MontagePanel {
  std::string title;
  // kAttribution / kSignedAttribution: [C, H, W] or [H, W] at the input's H, W.
  // kCamOverlay: [h, w] at any resolution.
  torch::Tensor map;
  PanelKind kind = PanelKind::kAttribution;
};

struct MontageOptions {
  // Pixels per image pixel (nearest neighbour); >= 1.
  int64_t scale = 4;
  // Pixels of white between tiles and around the montage; >= 0.
  int64_t gap = 4;
  // Pixels per font pixel of the titles (the band above the tiles is 9 font_scale high); >= 1.
  int64_t font_scale = 2;
  // Percentile cap of the attribution panels (DisplayOptions::percentile).
  double percentile = 99.0;
  Colormap sequential = Colormap::kInferno;
  Colormap diverging = Colormap::kBlueWhiteRed;
  Colormap overlay = Colormap::kJet;
  // Weight of the coloured CAM in the overlay; in [0, 1].
  double overlay_alpha = 0.5;

  bool IsValid(std::string* error) const;
};

// One montage row: an image [C, H, W] (C = 1 or 3) or [H, W] in [0, 1] and its panels.
struct MontageRow {
  torch::Tensor image;
  std::vector<MontagePanel> panels;
};

// The montage as uint8 [height, width, 3] (sizes in the header's essay). Every row must have the
// same number of panels and images of the same H, W.
torch::Tensor RenderMontageGrid(const std::vector<MontageRow>& rows, const MontageOptions& options);
torch::Tensor RenderMontage(const torch::Tensor& image, const std::vector<MontagePanel>& panels,
                            const MontageOptions& options = {});

void WriteMontage(const std::string& path, const torch::Tensor& image,
                  const std::vector<MontagePanel>& panels, const MontageOptions& options = {});
void WriteMontageGrid(const std::string& path, const std::vector<MontageRow>& rows,
                      const MontageOptions& options = {});

}  // namespace lfa
