#include "explainers/cam.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <utility>

#include <ATen/ATen.h>

#include "explainers/noisy_copies.h"
#include "framework/errors.h"
#include "framework/loss.h"

namespace lfa {
namespace {

const std::set<std::string>& CamMethods() {
  static const std::set<std::string> methods = {"gradcam", "gradcampp", "smoothgradcampp"};
  return methods;
}

std::vector<int64_t> BatchedShape(int64_t rows, c10::IntArrayRef shape) {
  std::vector<int64_t> out = {rows};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

std::string ShapeText(c10::IntArrayRef shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}

// [h * w] float64: 1 at the chosen positions of an h x w layer, 0 elsewhere.
torch::Tensor PositionMask(const CamOptions& options, const std::string& layer,
                           c10::IntArrayRef spatial) {
  if (spatial.size() != 2)
    Fail("cam: positions (i, j) need a layer with two spatial dimensions; layer '", layer,
         "' has spatial shape ", ShapeText(spatial));
  const int64_t h = spatial[0], w = spatial[1];
  torch::Tensor mask = torch::zeros({h * w}, torch::kDouble);
  for (const auto& [i, j] : options.positions) {
    if (i >= h || j >= w)
      Fail("cam: position (", i, ", ", j, ") outside the ", h, " x ", w, " maps of layer '", layer,
           "'");
    mask[i * w + j] = 1.0;
  }
  return mask;
}

// What one ComputeCam call works with, resolved once from the options and the model.
struct CamLayer {
  std::string name;
  int64_t maps = 0;                 // K
  std::vector<int64_t> spatial;     // [h, w] (generally the activation's dimensions after K)
  torch::Tensor position_mask;      // [h w] or undefined (all positions)
};

CamLayer ResolveLayer(Oracle& oracle, const std::vector<int64_t>& input_shape,
                      const CamOptions& options) {
  if (!oracle.has_layers())
    Fail(options.method, " needs a model with named layers (a zoo model or a TorchScript ",
         "Sequential), got ", oracle.model().description());
  CamLayer layer;
  layer.name = options.layer.empty() ? LastSpatialLayer(oracle, input_shape) : options.layer;
  const std::vector<int64_t> shape = oracle.LayerShape(input_shape, layer.name);
  if (shape.size() < 2)
    Fail("cam: layer '", layer.name, "' has activation shape ", ShapeText(BatchedShape(1, shape)),
         "; expected [n, K, h, w] (feature maps with spatial dimensions)");
  layer.maps = shape[0];
  layer.spatial.assign(shape.begin() + 1, shape.end());
  for (int64_t k : options.feature_maps)
    if (k >= layer.maps)
      Fail("cam: feature map index ", k, " outside [0, ", layer.maps, ") of layer '", layer.name,
           "'");
  if (!options.positions.empty())
    layer.position_mask = PositionMask(options, layer.name, layer.spatial);
  return layer;
}

// Per-map weights [n, K] from the clean activation [n, K, P], the clean scores [n] and the
// gradients g [n, copies, K, P] (copy 0 the clean image, then the noisy copies).
torch::Tensor CamWeights(const std::string& method, const torch::Tensor& activation,
                         const torch::Tensor& score, const torch::Tensor& g_all) {
  if (method == "gradcam") return g_all.select(1, 0).mean(2);
  torch::Tensor d1, d2, d3;
  if (method == "smoothgradcampp") {
    const torch::Tensor g = g_all.slice(1, 1);  // the noisy copies
    d1 = g.mean(1);
    d2 = g.square().mean(1);
    d3 = g.pow(3).mean(1);
  } else {
    d1 = g_all.select(1, 0);
    d2 = d1.square();
    d3 = d2 * d1;
  }
  const torch::Tensor denominator = 2 * d2 + activation.sum(2, true) * d3;
  const torch::Tensor alpha =
      torch::where(denominator != 0, d2 / denominator, torch::zeros_like(d2));  // 0/0 -> 0
  const torch::Tensor first = torch::exp(score).view({activation.size(0), 1, 1}) * d1;
  return (alpha * torch::relu(first)).sum(2);
}

// Maps [n, P] of one chunk of images: the clean rows and (smoothgradcampp) their noisy copies
// in one layer query.
torch::Tensor CamChunk(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                       const CamOptions& options, const CamLayer& layer) {
  const bool smooth = options.method == "smoothgradcampp";
  const int64_t n = points.size(), copies = smooth ? 1 + options.samples : 1;
  torch::Tensor rows = points.flat.unsqueeze(1);  // per image: the clean row, then its copies
  if (smooth)
    rows = torch::cat({rows, NoisyCopies(points.flat, options.samples, options.noise_fraction,
                                         points.seed, points.first_index)},
                      1);
  const LayerGradients at_layer = oracle.GradientsAtLayer(
      AsModelInputs(rows, points.input_shape), RepeatTargets(targets, copies), layer.name);
  // float64 on the CPU: [n, copies, K, P].
  const torch::Tensor a_all = at_layer.activations.reshape({n, copies, layer.maps, -1});
  const torch::Tensor g_all = at_layer.gradients.reshape({n, copies, layer.maps, -1});
  const torch::Tensor activation = a_all.select(1, 0);  // the clean image's maps [n, K, P]
  const torch::Tensor score = at_layer.scores.reshape({n, copies}).select(1, 0);  // [n]
  torch::Tensor weights = CamWeights(options.method, activation, score, g_all);  // [n, K]
  torch::Tensor a = activation;
  if (!options.feature_maps.empty()) {
    const torch::Tensor index = torch::tensor(options.feature_maps, torch::kLong);
    weights = weights.index_select(1, index);
    a = a.index_select(1, index);
  }
  torch::Tensor cam = (weights.unsqueeze(2) * a).sum(1);  // [n, P]
  if (options.relu) cam = torch::relu(cam);
  if (layer.position_mask.defined()) cam = cam * layer.position_mask.unsqueeze(0);
  return cam;
}

}  // namespace

bool CamOptions::IsValid(std::string* error) const {
  std::ostringstream out;
  if (!CamMethods().count(method)) {
    out << "cam: unknown method '" << method << "' (gradcam, gradcampp, smoothgradcampp)";
  } else if (samples < 1) {
    out << "cam: samples must be >= 1, got " << samples;
  } else if (!(noise_fraction >= 0) || !std::isfinite(noise_fraction)) {
    out << "cam: noise_fraction must be finite and >= 0, got " << noise_fraction;
  } else {
    std::set<int64_t> seen;
    for (int64_t k : feature_maps) {
      if (k < 0) {
        out << "cam: feature map index must be >= 0, got " << k;
        break;
      }
      if (!seen.insert(k).second) {
        out << "cam: feature map index " << k << " listed twice";
        break;
      }
    }
    std::set<std::array<int64_t, 2>> positions_seen;
    for (const auto& position : positions) {
      if (!out.str().empty()) break;
      if (position[0] < 0 || position[1] < 0) {
        out << "cam: position (" << position[0] << ", " << position[1] << ") must be >= 0";
      } else if (!positions_seen.insert(position).second) {
        out << "cam: position (" << position[0] << ", " << position[1] << ") listed twice";
      }
    }
  }
  if (out.str().empty()) return true;
  if (error) *error = out.str();
  return false;
}

std::string LastSpatialLayer(Oracle& oracle, const std::vector<int64_t>& input_shape) {
  const std::vector<std::string> names = oracle.LayerNames();
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    if (oracle.LayerShape(input_shape, *it).size() == 3) return *it;
  Fail(oracle.model().description(),
       ": no layer with a spatial activation [n, K, h, w] for the CAM family");
}

torch::Tensor ComputeCam(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                         const CamOptions& options, const ProgressCallback& progress) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  const CamLayer layer = ResolveLayer(oracle, points.input_shape, options);
  const int64_t n = points.size();
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  // Whole images per query, so an image's clean row and its copies share one model call.
  const int64_t copies = options.method == "smoothgradcampp" ? 1 + options.samples : 1;
  const int64_t chunk =
      std::max<int64_t>(1, oracle.LayerBatchRows(points.input_shape, layer.name) / copies);
  int64_t positions = 1;
  for (int64_t s : layer.spatial) positions *= s;
  torch::Tensor maps = torch::empty({n, positions}, torch::kDouble);
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t end = std::min(n, begin + chunk);
    maps.slice(0, begin, end)
        .copy_(CamChunk(oracle, points.Slice(begin, end), all_targets.slice(0, begin, end),
                        options, layer));
    if (progress) progress(end, n);
  }
  return maps.reshape(BatchedShape(n, layer.spatial));
}

torch::Tensor UpsampleToInput(const torch::Tensor& maps, int64_t height, int64_t width) {
  if (maps.dim() != 3)
    Fail("cam: maps to upsample must be [N, h, w], got shape ", ShapeText(maps.sizes()));
  if (height < 1 || width < 1)
    Fail("cam: upsampled size must be positive, got ", height, " x ", width);
  return at::upsample_bilinear2d(maps.to(torch::kDouble).unsqueeze(1), {height, width},
                                 /*align_corners=*/false)
      .squeeze(1);
}

CamExplainer::CamExplainer(CamOptions options) : options_(std::move(options)) {
  std::string error;
  if (!options_.IsValid(&error)) throw InvalidInput(error);
}

Explanation CamExplainer::Explain(Oracle& oracle, const PointBatch& points,
                                  const torch::Tensor& targets,
                                  const ProgressCallback& progress) const {
  if (points.input_shape.size() != 3)
    Fail(options_.method, " explains images [C, H, W]; the points have shape ",
         ShapeText(points.input_shape));
  const int64_t n = points.size(), before = oracle.queries();
  const int64_t channels = points.input_shape[0], height = points.input_shape[1],
                width = points.input_shape[2];
  const torch::Tensor maps = ComputeCam(oracle, points, targets, options_, progress);
  const torch::Tensor per_element = UpsampleToInput(maps, height, width)
                                        .unsqueeze(1)
                                        .expand({-1, channels, -1, -1})
                                        .reshape({n, -1})
                                        .contiguous();
  return Unfitted(name(), per_element, points.input_shape, oracle.queries() - before);
}

}  // namespace lfa
