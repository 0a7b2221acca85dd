#include "metrics/roar.h"

#include <cmath>

#include <ATen/ATen.h>
#include <boost/random/uniform_01.hpp>

#include "framework/errors.h"
#include "framework/random.h"

namespace lfa {

std::string RemovalModeName(RemovalMode mode) { return mode == RemovalMode::kRoar ? "roar" : "kar"; }

int64_t TopPixelCount(double fraction, int64_t pixels) {
  if (!(fraction >= 0.0 && fraction <= 1.0)) Fail("fraction must be in [0, 1], got ", fraction);
  return static_cast<int64_t>(std::llround(fraction * static_cast<double>(pixels)));
}

torch::Tensor PixelRelevance(const torch::Tensor& maps) {
  if (!maps.defined() || (maps.dim() != 3 && maps.dim() != 4))
    Fail("maps must be [N, H, W] or [N, C, H, W], got rank ", maps.defined() ? maps.dim() : -1);
  torch::Tensor relevance = maps.to(torch::kCPU, torch::kDouble);
  if (maps.dim() == 4) relevance = relevance.abs().sum(1);
  if (!relevance.isfinite().all().item<bool>()) Fail("maps contain a non-finite value");
  return relevance;
}

torch::Tensor PixelOrder(const torch::Tensor& maps) {
  const torch::Tensor relevance = PixelRelevance(maps);
  const int64_t n = relevance.size(0);
  // A stable sort keeps equal values in index order; sorting the negated values ascending puts the
  // most relevant first without relying on how a descending stable sort orders ties.
  const auto [values, order] =
      torch::sort(-relevance.reshape({n, -1}), /*stable=*/true, /*dim=*/1, /*descending=*/false);
  return order;
}

std::string RemovalFillName(RemovalFill fill) {
  return fill == RemovalFill::kChannelMean ? "mean" : "road";
}

RemovalFill ParseRemovalFill(const std::string& name) {
  if (name == "mean") return RemovalFill::kChannelMean;
  if (name == "road") return RemovalFill::kRoad;
  Fail("removal must be 'mean' or 'road', got '", name, "'");
}

torch::Tensor RemovedByOrder(const torch::Tensor& order, int64_t height, int64_t width,
                             double fraction, RemovalMode mode) {
  const int64_t p = height * width;
  if (!order.defined() || order.dim() != 2 || order.size(1) != p)
    Fail("order must be [N, ", p, "] (H*W = ", height, " x ", width, "), got ",
         order.defined() ? order.sizes() : torch::IntArrayRef{});
  const int64_t n = order.size(0), k = TopPixelCount(fraction, p);
  const torch::Tensor top_order = order.to(torch::kCPU, torch::kLong).slice(1, 0, k);
  torch::Tensor top = torch::zeros({n, p}, torch::kBool);
  top.scatter_(1, top_order, true);
  if (top.sum().item<int64_t>() != n * k) Fail("order rows must be permutations of 0..", p - 1);
  return (mode == RemovalMode::kRoar ? top : top.logical_not()).reshape({n, height, width});
}

torch::Tensor RemoveByOrder(const torch::Tensor& images, const torch::Tensor& order,
                            double fraction, RemovalMode mode, const torch::Tensor& channel_means,
                            const RemovalOptions& removal) {
  if (!images.defined() || images.dim() != 4)
    Fail("images must be [N, C, H, W], got rank ", images.defined() ? images.dim() : -1);
  const int64_t n = images.size(0), c = images.size(1), p = images.size(2) * images.size(3);
  if (!order.defined() || order.dim() != 2 || order.size(0) != n || order.size(1) != p)
    Fail("order must be [", n, ", ", p, "] (images' N and H*W), got ",
         order.defined() ? order.sizes() : torch::IntArrayRef{});
  if (!channel_means.defined() || channel_means.numel() != c)
    Fail("channel_means must have one value per channel (", c, "), got ",
         channel_means.defined() ? channel_means.numel() : 0);
  const torch::Tensor replaced = RemovedByOrder(order, images.size(2), images.size(3), fraction, mode);
  if (removal.fill == RemovalFill::kRoad) return RoadImpute(images, replaced, removal.road);
  const torch::Tensor replace = replaced.reshape({n, 1, images.size(2), images.size(3)})
                                    .to(images.device());
  const torch::Tensor means =
      channel_means.to(images.device(), images.scalar_type()).reshape({1, c, 1, 1});
  return torch::where(replace, means.expand_as(images), images);
}

torch::Tensor RemoveByRanking(const torch::Tensor& images, const torch::Tensor& maps,
                              double fraction, RemovalMode mode, const torch::Tensor& channel_means,
                              const RemovalOptions& removal) {
  if (!images.defined() || images.dim() != 4)
    Fail("images must be [N, C, H, W], got rank ", images.defined() ? images.dim() : -1);
  const int64_t d = maps.defined() ? maps.dim() : 0;
  if (d < 3 || maps.size(0) != images.size(0) || maps.size(d - 2) != images.size(2) ||
      maps.size(d - 1) != images.size(3))
    Fail("maps must have images' N, H and W (", images.sizes(), "), got ",
         maps.defined() ? maps.sizes() : torch::IntArrayRef{});
  return RemoveByOrder(images, PixelOrder(maps), fraction, mode, channel_means, removal);
}

torch::Tensor ChannelMeans(const torch::Tensor& images) {
  if (!images.defined() || images.dim() != 4 || images.size(0) == 0)
    Fail("images must be a non-empty [N, C, H, W], got ",
         images.defined() ? images.sizes() : torch::IntArrayRef{});
  return images.to(torch::kCPU, torch::kDouble).mean({0, 2, 3});
}

torch::Tensor SobelEdgeMap(const torch::Tensor& images) {
  if (!images.defined() || images.dim() != 4)
    Fail("images must be [N, C, H, W], got rank ", images.defined() ? images.dim() : -1);
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  // Channels as separate images: [N*C, 1, H+2, W+2] with the border replicated.
  const torch::Tensor x = at::replication_pad2d(
      images.to(torch::kCPU, torch::kDouble).reshape({n * c, 1, h, w}), {1, 1, 1, 1});
  const torch::Tensor gx = torch::tensor({-1.0, 0.0, 1.0, -2.0, 0.0, 2.0, -1.0, 0.0, 1.0},
                                         torch::kDouble).reshape({1, 1, 3, 3});
  const torch::Tensor kernels = torch::cat({gx, gx.transpose(2, 3)}, 0);  // [2, 1, 3, 3]
  const torch::Tensor g = at::conv2d(x, kernels);                          // [N*C, 2, H, W]
  return g.square().reshape({n, c * 2, h, w}).sum(1).sqrt();
}

torch::Tensor RandomMap(int64_t n, int64_t h, int64_t w, uint64_t seed, int64_t first_index) {
  if (n < 0 || h < 1 || w < 1) Fail("RandomMap needs n >= 0, h, w >= 1, got ", n, ", ", h, ", ", w);
  torch::Tensor maps = torch::empty({n, h, w}, torch::kDouble);
  double* data = maps.data_ptr<double>();
  const int64_t p = h * w;
  ForEachPointStream(n, seed, first_index, Component::kMetric, [&](int64_t i, Generator& rng) {
    boost::random::uniform_01<double> uniform;
    for (int64_t j = 0; j < p; ++j) data[i * p + j] = uniform(rng);
  });
  return maps;
}

}  // namespace lfa
