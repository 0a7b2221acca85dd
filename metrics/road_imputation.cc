#include "metrics/road_imputation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <ATen/ATen.h>
#include <boost/random/normal_distribution.hpp>

#include "framework/errors.h"
#include "framework/random.h"

namespace lfa {
namespace {

struct Neighbour {
  int dy, dx;
  double weight;
};

// ROAD's weights: 1/6 for the direct neighbours, 1/12 for the diagonal ones.
constexpr std::array<Neighbour, 8> kNeighbours = {{{-1, -1, 1.0 / 12}, {-1, 0, 1.0 / 6},
                                                   {-1, 1, 1.0 / 12}, {0, -1, 1.0 / 6},
                                                   {0, 1, 1.0 / 6}, {1, -1, 1.0 / 12},
                                                   {1, 0, 1.0 / 6}, {1, 1, 1.0 / 12}}};

// removed [N, H, W] or [N, 1, H, W] with images' N, H, W -> bool [N, H, W] on the CPU.
torch::Tensor RemovedPixels(const torch::Tensor& images, const torch::Tensor& removed) {
  if (!images.defined() || images.dim() != 4 || !images.is_floating_point())
    Fail("ROAD imputation: images must be floating [N, C, H, W], got ",
         images.defined() ? images.sizes() : torch::IntArrayRef{});
  torch::Tensor mask = removed.defined() && removed.dim() == 4 && removed.size(1) == 1
                           ? removed.squeeze(1)
                           : removed;
  if (!mask.defined() || mask.dim() != 3 || mask.size(0) != images.size(0) ||
      mask.size(1) != images.size(2) || mask.size(2) != images.size(3))
    Fail("ROAD imputation: removed must be [N, H, W] with images' N, H, W (", images.sizes(),
         "), got ", removed.defined() ? removed.sizes() : torch::IntArrayRef{});
  return mask.to(torch::kCPU).to(torch::kBool).contiguous();
}

// The symmetric positive definite band matrix of one image's system, factorised in place
// (Cholesky, L L^T), then solved for each channel's right-hand side.
class BandSystem {
 public:
  BandSystem(int64_t n, int64_t bandwidth)
      : n_(n), width_(bandwidth + 1), band_(static_cast<size_t>(n * width_), 0.0) {}

  // Entry (k, j) of the lower triangle, k - j in [0, bandwidth].
  double& At(int64_t k, int64_t j) { return band_[k * width_ + (k - j)]; }

  void Factorise() {
    for (int64_t k = 0; k < n_; ++k) {
      for (int64_t j = std::max<int64_t>(0, k - width_ + 1); j <= k; ++j) {
        double sum = At(k, j);
        for (int64_t m = std::max<int64_t>(0, k - width_ + 1); m < j; ++m) sum -= At(k, m) * At(j, m);
        if (j < k) {
          At(k, j) = sum / At(j, j);
        } else {
          // Positive whenever a kept pixel exists (checked before): a smaller pivot is a bug.
          if (!(sum > 0)) Fail("ROAD imputation: the linear system is singular at unknown ", k);
          At(k, k) = std::sqrt(sum);
        }
      }
    }
  }

  // Solves L L^T x = b in place.
  void Solve(std::vector<double>& b) {
    for (int64_t k = 0; k < n_; ++k) {
      double sum = b[k];
      for (int64_t m = std::max<int64_t>(0, k - width_ + 1); m < k; ++m) sum -= At(k, m) * b[m];
      b[k] = sum / At(k, k);
    }
    for (int64_t k = n_ - 1; k >= 0; --k) {
      double sum = b[k];
      for (int64_t m = k + 1; m < std::min(n_, k + width_); ++m) sum -= At(m, k) * b[m];
      b[k] = sum / At(k, k);
    }
  }

 private:
  int64_t n_, width_;
  std::vector<double> band_;
};

// Imputes the removed pixels of one image ([C, H, W] float64, written in place) from its kept ones.
void ImputeImage(double* image, const bool* removed, int64_t c, int64_t h, int64_t w) {
  const int64_t p = h * w;
  std::vector<int64_t> unknown(p, -1), pixels;
  for (int64_t q = 0; q < p; ++q)
    if (removed[q]) {
      unknown[q] = static_cast<int64_t>(pixels.size());
      pixels.push_back(q);
    }
  const int64_t n = static_cast<int64_t>(pixels.size());
  if (n == 0) return;
  BandSystem system(n, std::min<int64_t>(n - 1, w + 1));
  std::vector<std::vector<double>> rhs(c, std::vector<double>(n, 0.0));
  for (int64_t k = 0; k < n; ++k) {
    const int64_t y = pixels[k] / w, x = pixels[k] % w;
    double diagonal = 0;
    for (const Neighbour& nb : kNeighbours) {
      const int64_t yy = y + nb.dy, xx = x + nb.dx;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      diagonal += nb.weight;
      const int64_t q = yy * w + xx;
      if (unknown[q] >= 0) {
        if (unknown[q] < k) system.At(k, unknown[q]) -= nb.weight;
      } else {
        for (int64_t ch = 0; ch < c; ++ch) rhs[ch][k] += nb.weight * image[ch * p + q];
      }
    }
    system.At(k, k) = diagonal;
  }
  system.Factorise();
  for (int64_t ch = 0; ch < c; ++ch) {
    system.Solve(rhs[ch]);
    for (int64_t k = 0; k < n; ++k) image[ch * p + pixels[k]] = rhs[ch][k];
  }
}

}  // namespace

bool RoadImputationOptions::IsValid(std::string* error) const {
  if (!(noise_std >= 0) || !std::isfinite(noise_std)) {
    if (error) *error = "noise_std must be finite and >= 0, got " + std::to_string(noise_std);
    return false;
  }
  if (first_index < 0) {
    if (error) *error = "first_index must be >= 0, got " + std::to_string(first_index);
    return false;
  }
  return true;
}

uint64_t RoadNoiseSeed(uint64_t seed) { return StreamSeed(seed, -1, Component::kMetric); }

torch::Tensor RoadImpute(const torch::Tensor& images, const torch::Tensor& removed,
                         const RoadImputationOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) Fail("ROAD imputation: ", error);
  const torch::Tensor mask = RemovedPixels(images, removed);
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const int64_t p = h * w;
  if (n == 0) return images.clone();
  const torch::Tensor kept = mask.logical_not().reshape({n, p}).sum(1);
  const torch::Tensor empty = (kept == 0).nonzero();
  if (empty.size(0) > 0)
    Fail("ROAD imputation: image ", empty[0][0].item<int64_t>(), " of the batch (index ",
         options.first_index + empty[0][0].item<int64_t>(),
         ") has every pixel removed; there is nothing to impute from");
  torch::Tensor filled = images.to(torch::kCPU, torch::kDouble).contiguous().clone();
  double* data = filled.data_ptr<double>();
  const bool* removed_data = mask.data_ptr<bool>();
  ForEachPointStream(n, RoadNoiseSeed(options.seed), options.first_index, Component::kMetric,
                     [&](int64_t i, Generator& rng) {
    double* image = data + i * c * p;
    const bool* image_removed = removed_data + i * p;
    ImputeImage(image, image_removed, c, h, w);
    if (options.noise_std == 0) return;
    boost::random::normal_distribution<double> normal(0.0, options.noise_std);
    for (int64_t e = 0; e < c * p; ++e) {
      const double noise = normal(rng);
      if (image_removed[e % p]) image[e] += noise;
    }
  });
  const torch::Tensor where = mask.reshape({n, 1, h, w}).to(images.device());
  return torch::where(where, filled.to(images.device(), images.scalar_type()), images);
}

torch::Tensor RoadResidual(const torch::Tensor& filled, const torch::Tensor& removed) {
  const torch::Tensor mask = RemovedPixels(filled, removed);
  const int64_t n = filled.size(0), h = filled.size(2), w = filled.size(3);
  const torch::Tensor u = filled.to(torch::kCPU, torch::kDouble);
  const torch::Tensor padded = at::constant_pad_nd(u, {1, 1, 1, 1}, 0.0);
  const torch::Tensor inside = at::constant_pad_nd(torch::ones_like(u), {1, 1, 1, 1}, 0.0);
  torch::Tensor neighbours = torch::zeros_like(u), weights = torch::zeros_like(u);
  for (const Neighbour& nb : kNeighbours) {
    const auto shifted = [&](const torch::Tensor& t) {
      return t.slice(2, 1 + nb.dy, 1 + nb.dy + h).slice(3, 1 + nb.dx, 1 + nb.dx + w);
    };
    neighbours += nb.weight * shifted(padded);
    weights += nb.weight * shifted(inside);
  }
  const torch::Tensor residual =
      (weights * u - neighbours).abs() * mask.reshape({n, 1, h, w}).to(torch::kDouble);
  return n == 0 ? torch::zeros({0}, torch::kDouble) : residual.reshape({n, -1}).amax(1);
}

}  // namespace lfa
