#include "explainers/classic.h"

#include <set>

#include "explainers/gauss_legendre.h"
#include "explainers/occlusion.h"
#include "framework/errors.h"
#include "framework/lfa_explainer.h"
#include "framework/loss.h"
#include "framework/random.h"
#include "neighbourhoods/bernoulli_mask.h"
#include "neighbourhoods/gaussian.h"
#include "neighbourhoods/one_hot_removal.h"
#include "neighbourhoods/shapley_coalitions.h"
#include "solvers/closed_form.h"
#include "surrogates/linear.h"

namespace lfa {
namespace {

const std::set<std::string>& ClassicMethods() {
  static const std::set<std::string> methods = {"lime", "kernelshap", "occlusion", "gradient",
                                                "gradient_x_input", "smoothgrad",
                                                "integrated_gradients"};
  return methods;
}

// Weighted linear regression with intercept on decoded samples: the LIME / KernelSHAP fit.
Explanation FitLinear(const std::string& name, Oracle& oracle, const Neighbourhood& neighbourhood,
                      const PointBatch& points, const NeighbourhoodSample& sample,
                      const torch::Tensor& targets, const std::optional<double>& lime_width) {
  const int64_t n = points.size(), s = sample.xi.size(1);
  const torch::Tensor decoded = neighbourhood.Decode(points, sample.xi);
  torch::Tensor weights = sample.weights;
  if (lime_width) {  // Captum: exp(-d^2 / (2 w^2)), d = ||x - x'||_2
    const torch::Tensor distance2 = (decoded - points.flat.unsqueeze(1)).square().sum(2);
    weights = torch::exp(-distance2 / (2 * *lime_width * *lime_width));
  }
  const torch::Tensor y = oracle.Values(AsModelInputs(decoded, points.input_shape),
                                        RepeatTargets(targets, s)).reshape({n, s});
  const LocalProblem problem{LocalProblem::Response::kValues, sample.xi, weights, y};
  const LinearSurrogate surrogate(LinearSurrogateOptions{.intercept = true});
  const FitResult fit = ClosedFormSolver().Fit(problem, surrogate);
  const int64_t d = sample.xi.size(2);
  return {name, fit.params.slice(1, 0, d).contiguous(), fit.params.select(1, d).contiguous(),
          fit.loss, fit.r2, fit.ridge, 0, points.input_shape};
}

}  // namespace

ClassicExplainer::ClassicExplainer(std::string method, RecipeOptions options)
    : method_(std::move(method)), options_(std::move(options)) {
  if (method_ == "clime") Fail("explainer 'clime' has no classic implementation (use --implementation lfa)");
  if (!ClassicMethods().count(method_)) {
    RecipeSpec(method_, options_);  // throws the unknown-explainer message
  }
  std::string error;
  if (!options_.IsValid(&error)) throw InvalidInput(error);
  if (!options_.sliding_window.empty() && method_ != "occlusion")
    Fail("sliding_window is an option of the classic occlusion only, not of '", method_, "'");
}

Explanation ClassicExplainer::Explain(Oracle& oracle, const PointBatch& points,
                                      const torch::Tensor& targets,
                                      const ProgressCallback& progress) const {
  if (method_ == "occlusion" && !options_.sliding_window.empty()) {
    const SlidingWindowOcclusion windows({.window = options_.sliding_window,
                                          .strides = options_.strides,
                                          .baseline = options_.baseline},
                                         name());
    return windows.Explain(oracle, points, targets, progress);
  }
  const int64_t n = points.size();
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  const int64_t per_point = std::max<int64_t>(1, options_.samples * points.flat.size(1));
  const int64_t chunk = std::max<int64_t>(1, LfaExplainer::kMaxChunkValues / per_point);
  std::vector<Explanation> parts;
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t end = std::min(n, begin + chunk);
    const int64_t before = oracle.queries();
    parts.push_back(ExplainChunk(oracle, points.Slice(begin, end), all_targets.slice(0, begin, end)));
    parts.back().model_queries = oracle.queries() - before;
    if (progress) progress(end, n);
  }
  if (parts.empty()) return Unfitted(name(), torch::zeros({0, points.flat.size(1)}, torch::kDouble),
                                     points.input_shape, 0);
  return Explanation::Concatenate(parts);
}

Explanation ClassicExplainer::ExplainChunk(Oracle& oracle, const PointBatch& points,
                                           const torch::Tensor& targets) const {
  const int64_t n = points.size(), s = options_.samples;
  // Classic draws come from their own streams, independent of the compositions' draws.
  PointBatch classic = points;
  classic.seed = StreamSeed(points.seed, 0, Component::kClassic);
  const torch::Tensor x = points.flat;
  const auto inputs = [&](const torch::Tensor& flat_rows) {  // [N, S, D] -> model rows
    return AsModelInputs(flat_rows, points.input_shape);
  };
  torch::NoGradGuard no_grad;

  if (method_ == "gradient" || method_ == "gradient_x_input") {
    const torch::Tensor g = oracle.Gradients(inputs(x.unsqueeze(1)), targets).reshape({n, -1});
    return Unfitted(name(), method_ == "gradient" ? g : x * g, points.input_shape, 0);
  }
  if (method_ == "smoothgrad") {
    const GaussianNeighbourhood noise(GaussianOptions{.sigma = options_.sigma.value_or(0.1),
                                                      .sigma_fraction = options_.noise_fraction});
    const torch::Tensor noisy = noise.Decode(points, noise.Sample(classic, s).xi);
    const torch::Tensor g = oracle.Gradients(inputs(noisy), RepeatTargets(targets, s));
    return Unfitted(name(), g.reshape({n, s, -1}).mean(1), points.input_shape, 0);
  }
  if (method_ == "integrated_gradients") {
    auto [t, w] = GaussLegendre(s);
    const torch::Tensor b = options_.baseline.For(points);
    const torch::Tensor path = b.unsqueeze(1) + t.view({1, s, 1}) * (x - b).unsqueeze(1);
    const torch::Tensor g = oracle.Gradients(inputs(path), RepeatTargets(targets, s));
    const torch::Tensor integral = (g.reshape({n, s, -1}) * w.view({1, s, 1})).sum(1);
    return Unfitted(name(), (x - b) * integral, points.input_shape, 0);
  }
  if (method_ == "occlusion") {
    const OneHotRemovalNeighbourhood removal(OneHotRemovalOptions{
        .enumerate = true, .baseline = options_.baseline, .groups = options_.groups});
    const int64_t g = removal.Dimension(points.input_shape);
    const torch::Tensor occluded = removal.Decode(points, removal.Sample(classic, g).xi);
    const torch::Tensor without = oracle.Values(inputs(occluded), RepeatTargets(targets, g));
    const torch::Tensor fx = oracle.Values(inputs(x.unsqueeze(1)), targets);
    return Unfitted(name(), fx.unsqueeze(1) - without.reshape({n, g}), points.input_shape, 0);
  }
  if (method_ == "lime") {
    const BernoulliMaskNeighbourhood masks(BernoulliMaskOptions{
        .p = 0.5, .kernel = "uniform", .baseline = options_.baseline, .groups = options_.groups});
    return FitLinear(name(), oracle, masks, points, masks.Sample(classic, s), targets,
                     options_.kernel_width.value_or(1.0));
  }
  // kernelshap
  const ShapleyCoalitionsNeighbourhood coalitions(
      ShapleyCoalitionsOptions{.baseline = options_.baseline, .groups = options_.groups});
  return FitLinear(name(), oracle, coalitions, points, coalitions.Sample(classic, s), targets,
                   std::nullopt);
}

std::unique_ptr<Explainer> MakeClassicExplainer(const std::string& method,
                                                const RecipeOptions& options) {
  return std::make_unique<ClassicExplainer>(method, options);
}

}  // namespace lfa
