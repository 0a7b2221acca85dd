#include "explainers/gradient_ensembles.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>
#include <vector>

#include "explainers/noisy_copies.h"
#include "framework/errors.h"
#include "framework/loss.h"

namespace lfa {
namespace {

// Bounds the noisy copies held at once (values, not bytes).
constexpr int64_t kMaxNoisyValues = int64_t{1} << 24;

std::vector<int64_t> WithBatch(int64_t rows, c10::IntArrayRef shape) {
  std::vector<int64_t> out = {rows};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

// Per-element mean of g^2 (smoothgrad_squared) or population variance of g (vargrad) over the
// noisy copies of inputs [N, *input_shape]; `progress` after each chunk of inputs.
torch::Tensor NoisyGradientMoment(Oracle& oracle, const torch::Tensor& inputs,
                                  const torch::Tensor& targets,
                                  const GradientEnsembleOptions& options, uint64_t seed,
                                  int64_t first_index, const ProgressCallback& progress) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  if (inputs.dim() < 2) {
    std::ostringstream shape;
    shape << inputs.sizes();
    Fail(options.method, ": inputs must be [N, *input_shape], got shape ", shape.str());
  }
  const bool variance = options.method == "vargrad";
  const int64_t n = inputs.size(0), samples = options.samples;
  const c10::IntArrayRef input_shape = inputs.sizes().slice(1);
  const torch::Tensor x = inputs.to(torch::kCPU, torch::kDouble).reshape({n, -1});
  const int64_t d = x.size(1);
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  const int64_t chunk = std::max<int64_t>(1, kMaxNoisyValues / std::max<int64_t>(1, samples * d));
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t end = std::min(n, begin + chunk), c = end - begin;
    const torch::Tensor noisy = NoisyCopies(x.slice(0, begin, end), samples,
                                            options.noise_fraction, seed, first_index + begin);
    const torch::Tensor g =
        oracle
            .Gradients(noisy.reshape(WithBatch(c * samples, input_shape)),
                       RepeatTargets(all_targets.slice(0, begin, end), samples))
            .reshape({c, samples, d});
    parts.push_back(variance ? (g - g.mean(1, true)).square().mean(1) : g.square().mean(1));
    if (progress) progress(end, n);
  }
  const torch::Tensor flat =
      parts.empty() ? torch::zeros({0, d}, torch::kDouble) : torch::cat(parts);
  return flat.reshape(WithBatch(n, input_shape));
}

}  // namespace

bool GradientEnsembleOptions::IsValid(std::string* error) const {
  std::ostringstream out;
  if (method != "smoothgrad_squared" && method != "vargrad") {
    out << "gradient ensemble: unknown method '" << method << "' (smoothgrad_squared, vargrad)";
  } else if (samples < 1) {
    out << method << ": samples must be >= 1, got " << samples;
  } else if (!(noise_fraction >= 0) || !std::isfinite(noise_fraction)) {
    out << method << ": noise_fraction must be finite and >= 0, got " << noise_fraction;
  }
  if (out.str().empty()) return true;
  if (error) *error = out.str();
  return false;
}

GradientEnsembleExplainer::GradientEnsembleExplainer(GradientEnsembleOptions options)
    : options_(std::move(options)) {
  std::string error;
  if (!options_.IsValid(&error)) throw InvalidInput(error);
}

Explanation GradientEnsembleExplainer::Explain(Oracle& oracle, const PointBatch& points,
                                               const torch::Tensor& targets,
                                               const ProgressCallback& progress) const {
  const int64_t n = points.size(), before = oracle.queries();
  const torch::Tensor inputs = points.flat.reshape(WithBatch(n, points.input_shape));
  const torch::Tensor maps = NoisyGradientMoment(oracle, inputs, targets, options_, points.seed,
                                                 points.first_index, progress);
  return Unfitted(name(), maps.reshape({n, points.flat.size(1)}), points.input_shape,
                  oracle.queries() - before);
}

torch::Tensor SmoothGradSquared(Oracle& oracle, const torch::Tensor& inputs,
                                const torch::Tensor& targets, int64_t samples,
                                double noise_fraction, uint64_t seed, int64_t first_index) {
  return NoisyGradientMoment(oracle, inputs, targets,
                             {.method = "smoothgrad_squared", .samples = samples,
                              .noise_fraction = noise_fraction},
                             seed, first_index, {});
}

torch::Tensor VarGrad(Oracle& oracle, const torch::Tensor& inputs, const torch::Tensor& targets,
                      int64_t samples, double noise_fraction, uint64_t seed, int64_t first_index) {
  return NoisyGradientMoment(
      oracle, inputs, targets,
      {.method = "vargrad", .samples = samples, .noise_fraction = noise_fraction}, seed,
      first_index, {});
}

}  // namespace lfa
