// PNG files through libpng's simplified API: 8-bit RGB, or grey for a [H, W] tensor.
//
//   WritePng("out/map.png", rgb);            // uint8 [H, W, 3], written atomically
//   torch::Tensor back = ReadPng("out/map.png");
//
// Errors (missing or non-directory parent, unwritable file, missing or non-PNG input, bad shapes or
// dtypes) are InvalidInput naming the path or the value.
#pragma once

#include <string>

#include <torch/types.h>

namespace lfa {

// rgb: uint8 [H, W, 3] or grey [H, W] (or [H, W, 1]), on any device; H, W >= 1.
void WritePng(const std::string& path, const torch::Tensor& rgb);

// Any PNG (grey, palette, 16-bit, with alpha composited onto black) -> uint8 [H, W, 3].
torch::Tensor ReadPng(const std::string& path);

}  // namespace lfa
