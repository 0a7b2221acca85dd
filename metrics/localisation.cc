#include "metrics/localisation.h"

#include <cmath>
#include <sstream>

#include <ATen/ATen.h>

#include "framework/errors.h"
#include "neighbourhoods/gaussian_blur.h"

namespace lfa {
namespace {

void CheckOptions(const LocalisationOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
}

// masks [N, H, W] or [H, W] -> float64 [N, P] of 0/1 for relevance [N, H, W].
torch::Tensor FlatMasks(const torch::Tensor& masks, const torch::Tensor& relevance) {
  const int64_t n = relevance.size(0), h = relevance.size(1), w = relevance.size(2);
  if (!masks.defined()) Fail("localisation: masks is undefined");
  if (masks.scalar_type() != torch::kBool)
    Fail("localisation: masks must be bool, got ", masks.scalar_type());
  torch::Tensor m = masks.to(torch::kCPU);
  if (m.dim() == 2) {
    if (m.size(0) != h || m.size(1) != w)
      Fail("localisation: masks [H, W] must match the maps' ", h, " x ", w, ", got ", m.sizes());
    m = m.unsqueeze(0).expand({n, h, w});
  } else if (m.dim() == 3) {
    if (m.size(0) != n || m.size(1) != h || m.size(2) != w)
      Fail("localisation: masks [N, H, W] must be [", n, ", ", h, ", ", w, "], got ", m.sizes());
  } else {
    Fail("localisation: masks must be [N, H, W] or [H, W], got ", m.sizes());
  }
  const torch::Tensor flat = m.reshape({n, h * w}).to(torch::kDouble);
  const torch::Tensor sizes = flat.sum(1);
  const torch::Tensor empty = sizes.eq(0).nonzero();
  if (empty.numel() > 0)
    Fail("localisation: the mask of image ", empty[0][0].item<int64_t>(),
         " is empty (no true pixel)");
  return flat;
}

struct ScoredMaps {
  torch::Tensor relevance;  // [N, P] float64 >= 0
  torch::Tensor mask;       // [N, P] float64 0/1
};

ScoredMaps ScoreMaps(const torch::Tensor& maps, const torch::Tensor& masks,
                 const LocalisationOptions& options) {
  const torch::Tensor relevance = PreprocessRelevance(maps, options);
  const torch::Tensor mask = FlatMasks(masks, relevance);
  return {relevance.reshape({relevance.size(0), -1}), mask};
}

torch::Tensor Mass(const ScoredMaps& p) {
  const torch::Tensor total = p.relevance.sum(1);
  const torch::Tensor inside = (p.relevance * p.mask).sum(1);
  const torch::Tensor area = p.mask.mean(1);
  // An all-zero map is a constant map: it scores the area fraction, like a uniform one.
  return torch::where(total.gt(0), inside / total.clamp_min(1e-300), area);
}

torch::Tensor Rank(const ScoredMaps& p) {
  const torch::Tensor k = p.mask.sum(1).to(torch::kLong);                 // [N]
  const torch::Tensor sorted = std::get<0>(p.relevance.sort(1, /*descending=*/true));
  const torch::Tensor threshold = sorted.gather(1, (k - 1).unsqueeze(1));  // [N, 1]
  const torch::Tensor above = p.relevance.gt(threshold).to(torch::kDouble);
  const torch::Tensor tied = p.relevance.eq(threshold).to(torch::kDouble);
  const torch::Tensor g = above.sum(1);
  const torch::Tensor hits_above = (above * p.mask).sum(1);
  const torch::Tensor t = tied.sum(1);  // >= 1: the threshold itself
  const torch::Tensor t_inside = (tied * p.mask).sum(1);
  const torch::Tensor kd = k.to(torch::kDouble);
  return (hits_above + (kd - g) * t_inside / t) / kd;
}

torch::Tensor Pointing(const ScoredMaps& p) {
  const torch::Tensor maximum = std::get<0>(p.relevance.max(1, /*keepdim=*/true));
  const torch::Tensor tied = p.relevance.eq(maximum).to(torch::kDouble);
  return (tied * p.mask).sum(1) / tied.sum(1);
}

}  // namespace

bool LocalisationOptions::IsValid(std::string* error) const {
  auto fail = [error](const std::string& text, double value) {
    std::ostringstream out;
    out << "localisation options: " << text << value;
    if (error) *error = out.str();
    return false;
  };
  if (!std::isfinite(smoothing_sigma) || smoothing_sigma < 0)
    return fail("smoothing_sigma must be finite and >= 0 (0 = none), got ", smoothing_sigma);
  if (!std::isfinite(keep_top_fraction) || keep_top_fraction < 0 || keep_top_fraction > 1)
    return fail("keep_top_fraction must be in [0, 1] (0 = keep all), got ", keep_top_fraction);
  return true;
}

torch::Tensor PreprocessRelevance(const torch::Tensor& maps, const LocalisationOptions& options) {
  CheckOptions(options);
  if (!maps.defined()) Fail("localisation: maps is undefined");
  if (maps.dim() != 3 && maps.dim() != 4)
    Fail("localisation: maps must be [N, H, W] or [N, C, H, W], got ", maps.sizes());
  if (maps.numel() == 0) Fail("localisation: maps is empty, got ", maps.sizes());
  if (!at::isFloatingType(maps.scalar_type()) && !at::isIntegralType(maps.scalar_type(), false))
    Fail("localisation: maps must be real-valued, got ", maps.scalar_type());
  torch::Tensor r = maps.detach().to(torch::kCPU, torch::kDouble);
  if (!torch::isfinite(r).all().item<bool>()) Fail("localisation: maps has non-finite values");
  if (options.absolute) {
    r = r.abs();
  } else if (r.lt(0).any().item<bool>()) {
    Fail("localisation: maps has negative values (minimum ", r.min().item<double>(),
         "); set absolute = true or clip them first");
  }
  if (r.dim() == 4) r = r.sum(1);  // [N, H, W]
  if (options.smoothing_sigma > 0)
    r = GaussianBlur(r.unsqueeze(1), options.smoothing_sigma).squeeze(1);
  if (options.keep_top_fraction > 0) {
    const int64_t n = r.size(0);
    const torch::Tensor flat = r.reshape({n, -1});
    const int64_t pixels = flat.size(1);
    const int64_t keep = std::min<int64_t>(
        pixels, std::max<int64_t>(1, static_cast<int64_t>(
                                         std::ceil(options.keep_top_fraction * pixels - 1e-9))));
    const torch::Tensor kth = std::get<0>(flat.topk(keep, 1)).select(1, keep - 1).unsqueeze(1);
    r = torch::where(flat.ge(kth), flat, torch::zeros_like(flat)).reshape(r.sizes());
  }
  return r.contiguous();
}

torch::Tensor RelevanceMassAccuracy(const torch::Tensor& maps, const torch::Tensor& masks,
                                    const LocalisationOptions& options) {
  return Mass(ScoreMaps(maps, masks, options));
}

torch::Tensor RelevanceRankAccuracy(const torch::Tensor& maps, const torch::Tensor& masks,
                                    const LocalisationOptions& options) {
  return Rank(ScoreMaps(maps, masks, options));
}

torch::Tensor PointingGame(const torch::Tensor& maps, const torch::Tensor& masks,
                           const LocalisationOptions& options) {
  return Pointing(ScoreMaps(maps, masks, options));
}

LocalisationScores ScoreLocalisation(const torch::Tensor& maps, const torch::Tensor& masks,
                                     const LocalisationOptions& options) {
  const ScoredMaps p = ScoreMaps(maps, masks, options);
  return {Mass(p), Rank(p), Pointing(p)};
}

}  // namespace lfa
