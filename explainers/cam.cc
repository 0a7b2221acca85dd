#include "explainers/cam.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <ATen/ATen.h>
#include <boost/random/normal_distribution.hpp>
#include <torch/csrc/autograd/autograd.h>

#include "framework/errors.h"
#include "framework/loss.h"
#include "framework/random.h"

namespace lfa {
namespace {

// Bounds the noisy copies held at once by SmoothGradSquared / VarGrad (values, not bytes).
constexpr int64_t kMaxNoisyValues = int64_t{1} << 24;

const std::set<std::string>& CamMethods() {
  static const std::set<std::string> methods = {"gradcam", "gradcampp", "smoothgradcampp"};
  return methods;
}

// x [c, D] float64 CPU -> [c, samples, D]: x_i + sigma_i z, z ~ N(0, I), sigma_i = fraction
// (max(x_i) - min(x_i)); image i draws from StreamSeed(seed, first_index + i, kClassic).
torch::Tensor NoisyCopies(const torch::Tensor& flat, int64_t samples, double noise_fraction,
                          uint64_t seed, int64_t first_index) {
  const torch::Tensor x = flat.to(torch::kCPU, torch::kDouble).contiguous();
  const int64_t c = x.size(0), d = x.size(1);
  torch::Tensor out = torch::empty({c, samples, d}, torch::kDouble);
  if (c == 0 || d == 0) return out;
  const torch::Tensor range = (x.amax(1) - x.amin(1)).contiguous();
  const double* xp = x.data_ptr<double>();
  const double* rp = range.data_ptr<double>();
  double* op = out.data_ptr<double>();
  ForEachPointStream(c, seed, first_index, Component::kClassic, [&](int64_t i, Generator& rng) {
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    const double sigma = noise_fraction * rp[i];
    const double* xi = xp + i * d;
    double* oi = op + i * samples * d;
    for (int64_t s = 0; s < samples; ++s)
      for (int64_t k = 0; k < d; ++k) oi[s * d + k] = xi[k] + sigma * normal(rng);
  });
  return out;
}

std::vector<int64_t> WithBatch(int64_t rows, c10::IntArrayRef shape) {
  std::vector<int64_t> out = {rows};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

// [h * w] float64: 1 at the chosen positions of an h x w layer, 0 elsewhere.
torch::Tensor PositionMask(const CamOptions& options, c10::IntArrayRef spatial) {
  if (spatial.size() != 2) {
    std::ostringstream shape;
    shape << spatial;
    Fail("cam: positions (i, j) need a layer with two spatial dimensions; layer '", options.layer,
         "' has spatial shape ", shape.str());
  }
  const int64_t h = spatial[0], w = spatial[1];
  torch::Tensor mask = torch::zeros({h * w}, torch::kDouble);
  for (const auto& [i, j] : options.positions) {
    if (i >= h || j >= w)
      Fail("cam: position (", i, ", ", j, ") outside the ", h, " x ", w, " maps of layer '",
           options.layer, "'");
    mask[i * w + j] = 1.0;
  }
  return mask;
}

// One chunk of images: one forward and one backward over all its rows.
torch::Tensor CamChunk(LayeredModel& model, const torch::Tensor& x, const torch::Tensor& targets,
                       const CamOptions& options, int64_t first_index) {
  torch::AutoGradMode enable_grad(true);
  const bool smooth = options.method == "smoothgradcampp";
  const int64_t n = x.size(0), copies = smooth ? 1 + options.samples : 1;
  const c10::IntArrayRef input_shape = x.sizes().slice(1);

  torch::Tensor rows = x.to(model.dtype());
  if (smooth) {  // per image: the clean row, then its noisy copies
    const torch::Tensor noisy = NoisyCopies(x.reshape({n, -1}), options.samples,
                                            options.noise_fraction, options.seed, first_index)
                                    .to(rows.device(), rows.scalar_type());
    rows = torch::cat({rows.reshape({n, 1, -1}), noisy}, 1).reshape(WithBatch(n * copies, input_shape));
  }
  // A leaf that requires grad puts the activation in the graph even for parameter-free models.
  rows = rows.detach().requires_grad_(true);

  auto [outputs, maps] = model.ForwardWithActivation(rows, options.layer);
  if (outputs.dim() == 1) outputs = outputs.unsqueeze(1);
  if (maps.dim() < 3 || maps.size(0) != rows.size(0)) {
    std::ostringstream shape;
    shape << maps.sizes();
    Fail("cam: layer '", options.layer, "' has activation shape ", shape.str(),
         "; expected [n, K, h, w] (feature maps with spatial dimensions)");
  }
  if (!maps.requires_grad())
    Fail("cam: the activation of layer '", options.layer,
         "' is not in the autograd graph (the model must return the tensor later layers use)");
  const int64_t num_outputs = outputs.size(1);
  const int64_t lowest = targets.min().item<int64_t>(), highest = targets.max().item<int64_t>();
  if (lowest < 0 || highest >= num_outputs)
    Fail("cam: target ", lowest < 0 ? lowest : highest, " outside [0, ", num_outputs,
         ") of the model's outputs");

  const torch::Tensor row_targets = RepeatTargets(targets, copies).to(outputs.device());
  const torch::Tensor scores = outputs.gather(1, row_targets.unsqueeze(1)).squeeze(1);
  // Rows do not interact (model.h), so the gradient of the sum is the per-row gradient.
  const torch::Tensor grads = torch::autograd::grad({scores.sum()}, {maps})[0];

  const int64_t k_maps = maps.size(1);
  const c10::IntArrayRef spatial = maps.sizes().slice(2);
  for (int64_t k : options.feature_maps)
    if (k >= k_maps)
      Fail("cam: feature map index ", k, " outside [0, ", k_maps, ") of layer '", options.layer,
           "'");

  // float64 on the CPU from here: [n, copies, K, P].
  const auto as_double = [&](const torch::Tensor& t) {
    return t.detach().to(torch::kCPU, torch::kDouble).reshape({n, copies, k_maps, -1});
  };
  const torch::Tensor a_all = as_double(maps);
  const torch::Tensor g_all = as_double(grads);
  const torch::Tensor s = scores.detach().to(torch::kCPU, torch::kDouble).reshape({n, copies});
  const torch::Tensor activation = a_all.select(1, 0);  // the clean image's maps [n, K, P]
  const torch::Tensor score = s.select(1, 0);            // [n]

  torch::Tensor weights;  // [n, K]
  if (options.method == "gradcam") {
    weights = g_all.select(1, 0).mean(2);
  } else {
    torch::Tensor d1, d2, d3;
    if (smooth) {
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
    const torch::Tensor first = torch::exp(score).view({n, 1, 1}) * d1;
    weights = (alpha * torch::relu(first)).sum(2);
  }

  torch::Tensor a = activation;
  if (!options.feature_maps.empty()) {
    const torch::Tensor index = torch::tensor(options.feature_maps, torch::kLong);
    weights = weights.index_select(1, index);
    a = a.index_select(1, index);
  }
  torch::Tensor cam = (weights.unsqueeze(2) * a).sum(1);  // [n, P]
  if (options.relu) cam = torch::relu(cam);
  if (!options.positions.empty()) cam = cam * PositionMask(options, spatial).unsqueeze(0);
  return cam.reshape(WithBatch(n, spatial));
}

void CheckNoiseArguments(const char* method, const torch::Tensor& inputs, int64_t samples,
                         double noise_fraction) {
  if (samples < 1) Fail(method, ": samples must be >= 1, got ", samples);
  if (!(noise_fraction >= 0) || !std::isfinite(noise_fraction))
    Fail(method, ": noise_fraction must be finite and >= 0, got ", noise_fraction);
  if (inputs.dim() < 2) {
    std::ostringstream shape;
    shape << inputs.sizes();
    Fail(method, ": inputs must be [N, *input_shape], got shape ", shape.str());
  }
}

// Per-element mean of g^2 (variance = false) or population variance of g over noisy copies.
torch::Tensor NoisyGradientMoment(const char* method, Oracle& oracle, const torch::Tensor& inputs,
                                  const torch::Tensor& targets, int64_t samples,
                                  double noise_fraction, uint64_t seed, int64_t first_index,
                                  bool variance) {
  CheckNoiseArguments(method, inputs, samples, noise_fraction);
  const int64_t n = inputs.size(0);
  const c10::IntArrayRef input_shape = inputs.sizes().slice(1);
  const torch::Tensor x = inputs.to(torch::kCPU, torch::kDouble).reshape({n, -1});
  const int64_t d = x.size(1);
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  const int64_t chunk = std::max<int64_t>(1, kMaxNoisyValues / std::max<int64_t>(1, samples * d));
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t end = std::min(n, begin + chunk), c = end - begin;
    const torch::Tensor noisy =
        NoisyCopies(x.slice(0, begin, end), samples, noise_fraction, seed, first_index + begin);
    const torch::Tensor g =
        oracle
            .Gradients(noisy.reshape(WithBatch(c * samples, input_shape)),
                       RepeatTargets(all_targets.slice(0, begin, end), samples))
            .reshape({c, samples, d});
    parts.push_back(variance ? (g - g.mean(1, true)).square().mean(1) : g.square().mean(1));
  }
  const torch::Tensor flat = parts.empty() ? torch::zeros({0, d}, torch::kDouble) : torch::cat(parts);
  return flat.reshape(WithBatch(n, input_shape));
}

}  // namespace

bool CamOptions::IsValid(std::string* error) const {
  std::ostringstream out;
  if (!CamMethods().count(method)) {
    out << "cam: unknown method '" << method << "' (gradcam, gradcampp, smoothgradcampp)";
  } else if (layer.empty()) {
    out << "cam: layer is empty; name one of the model's layer_names()";
  } else if (samples < 1) {
    out << "cam: samples must be >= 1, got " << samples;
  } else if (!(noise_fraction >= 0) || !std::isfinite(noise_fraction)) {
    out << "cam: noise_fraction must be finite and >= 0, got " << noise_fraction;
  } else if (first_index < 0) {
    out << "cam: first_index must be >= 0, got " << first_index;
  } else if (max_batch_rows < 1) {
    out << "cam: max_batch_rows must be >= 1, got " << max_batch_rows;
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

torch::Tensor ComputeCam(LayeredModel& model, const torch::Tensor& inputs,
                         const torch::Tensor& targets, const CamOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  FindLayer(model.layer_names(), options.layer, "cam");
  if (inputs.dim() < 2) {
    std::ostringstream shape;
    shape << inputs.sizes();
    Fail("cam: inputs must be [N, *input_shape], got shape ", shape.str());
  }
  const int64_t n = inputs.size(0);
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  const int64_t copies = options.method == "smoothgradcampp" ? 1 + options.samples : 1;
  const int64_t chunk = std::max<int64_t>(1, options.max_batch_rows / copies);
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t end = std::min(n, begin + chunk);
    parts.push_back(CamChunk(model, inputs.slice(0, begin, end), all_targets.slice(0, begin, end),
                             options, options.first_index + begin));
  }
  // An empty batch never reaches the model, so the layer's resolution is unknown.
  if (parts.empty()) return torch::zeros({0}, torch::kDouble);
  return torch::cat(parts);
}

torch::Tensor UpsampleToInput(const torch::Tensor& maps, int64_t height, int64_t width) {
  if (maps.dim() != 3) {
    std::ostringstream shape;
    shape << maps.sizes();
    Fail("cam: maps to upsample must be [N, h, w], got shape ", shape.str());
  }
  if (height < 1 || width < 1)
    Fail("cam: upsampled size must be positive, got ", height, " x ", width);
  return at::upsample_bilinear2d(maps.to(torch::kDouble).unsqueeze(1), {height, width},
                                 /*align_corners=*/false)
      .squeeze(1);
}

torch::Tensor SmoothGradSquared(Oracle& oracle, const torch::Tensor& inputs,
                                const torch::Tensor& targets, int64_t samples,
                                double noise_fraction, uint64_t seed, int64_t first_index) {
  return NoisyGradientMoment("smoothgrad_squared", oracle, inputs, targets, samples,
                             noise_fraction, seed, first_index, /*variance=*/false);
}

torch::Tensor VarGrad(Oracle& oracle, const torch::Tensor& inputs, const torch::Tensor& targets,
                      int64_t samples, double noise_fraction, uint64_t seed, int64_t first_index) {
  return NoisyGradientMoment("vargrad", oracle, inputs, targets, samples, noise_fraction, seed,
                             first_index, /*variance=*/true);
}

}  // namespace lfa
