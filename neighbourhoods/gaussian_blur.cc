#include "neighbourhoods/gaussian_blur.h"

#include <cmath>
#include <sstream>

#include <ATen/ATen.h>

#include "framework/errors.h"

namespace lfa {
namespace {

void CheckSigma(double sigma) {
  if (!(sigma > 0) || !std::isfinite(sigma))
    Fail("gaussian blur: sigma must be finite and > 0 (pixels), got ", sigma);
}

int64_t Radius(double sigma) { return static_cast<int64_t>(std::ceil(3 * sigma)); }

// Replicate padding along `dim` by r: indices -r..size+r-1 clamped to the image.
torch::Tensor ReplicatePad(const torch::Tensor& x, int64_t dim, int64_t r) {
  const int64_t size = x.size(dim);
  const torch::Tensor index =
      torch::arange(-r, size + r, torch::TensorOptions().dtype(torch::kLong).device(x.device()))
          .clamp(0, size - 1);
  return x.index_select(dim, index);
}

}  // namespace

torch::Tensor GaussianKernel1d(double sigma) {
  CheckSigma(sigma);
  const int64_t r = Radius(sigma);
  const torch::Tensor t = torch::arange(-r, r + 1, torch::kDouble);
  const torch::Tensor k = torch::exp(-t.square() / (2 * sigma * sigma));
  return k / k.sum();
}

torch::Tensor GaussianBlur(const torch::Tensor& images, double sigma) {
  CheckSigma(sigma);
  if (!images.defined() || images.dim() != 4) {
    std::ostringstream shape;
    if (images.defined()) shape << images.sizes();
    Fail("gaussian blur: images must be [N, C, H, W], got shape ",
         images.defined() ? shape.str() : "(undefined)");
  }
  if (!images.is_floating_point())
    Fail("gaussian blur: images must be floating point, got ", images.scalar_type());
  if (images.numel() == 0) return images.clone();
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const int64_t r = Radius(sigma);
  const torch::Tensor k = GaussianKernel1d(sigma).to(images.device(), images.scalar_type());
  // Channels are blurred independently: every (image, channel) plane is its own batch row.
  torch::Tensor x = images.reshape({n * c, 1, h, w});
  x = at::conv2d(ReplicatePad(x, 2, r), k.view({1, 1, 2 * r + 1, 1}));
  x = at::conv2d(ReplicatePad(x, 3, r), k.view({1, 1, 1, 2 * r + 1}));
  return x.reshape({n, c, h, w});
}

}  // namespace lfa
