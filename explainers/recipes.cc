#include "explainers/recipes.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "explainers/builtin_registry.h"
#include "explainers/classic.h"
#include "explainers/image_methods.h"
#include "framework/errors.h"
#include "framework/registry.h"

namespace lfa {
namespace {

// A CAM layer given to one of the eight recipes, which have no layers to read.
void CheckNoLayer(const std::string& method, const RecipeOptions& options) {
  if (!options.layer.empty())
    Fail("layer '", options.layer,
         "' is an option of gradcam, gradcampp and smoothgradcampp, not of '", method, "'");
}

}  // namespace

const std::vector<std::string>& MethodNames() {
  static const std::vector<std::string> names = {
      "lime", "kernelshap", "occlusion", "clime", "smoothgrad", "gradient",
      "integrated_gradients", "gradient_x_input"};
  return names;
}

int64_t DefaultSamples(const std::string& method) {
  return IsImageMethod(method) ? kImageMethodSamples : RecipeOptions{}.samples;
}

bool RecipeOptions::IsValid(std::string* error) const {
  std::ostringstream out;
  const auto list = [](const std::vector<int64_t>& values) {
    std::string text = "(";
    for (size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
    return text + ")";
  };
  if (samples < 1) {
    out << "samples must be > 0, got " << samples;
  } else if (sigma && !(*sigma > 0 && std::isfinite(*sigma))) {
    out << "sigma must be > 0, got " << *sigma;
  } else if (noise_fraction && !(*noise_fraction > 0 && std::isfinite(*noise_fraction))) {
    out << "noise_fraction must be finite and > 0, got " << *noise_fraction;
  } else if (sigma && noise_fraction) {
    out << "give sigma (absolute noise) or noise_fraction (of each point's range), not both (sigma "
        << *sigma << ", noise_fraction " << *noise_fraction << ")";
  } else if (kernel_width && !(*kernel_width > 0 && std::isfinite(*kernel_width))) {
    out << "kernel width must be > 0, got " << *kernel_width;
  } else if (std::any_of(sliding_window.begin(), sliding_window.end(),
                         [](int64_t v) { return v < 1; })) {
    out << "sliding_window entries must be >= 1, got " << list(sliding_window);
  } else if (std::any_of(strides.begin(), strides.end(), [](int64_t v) { return v < 1; })) {
    out << "strides must be >= 1, got " << list(strides);
  } else if (!strides.empty() && strides.size() > sliding_window.size()) {
    out << "strides " << list(strides) << " need a sliding_window with at least as many entries, got "
        << list(sliding_window);
  } else if (!sliding_window.empty() && !groups.is_identity()) {
    out << "sliding_window " << list(sliding_window)
        << " and feature groups exclude each other (the window defines what is removed)";
  }
  if (out.str().empty()) return true;
  if (error) *error = out.str();
  return false;
}

nlohmann::json RecipeSpec(const std::string& method, const RecipeOptions& options) {
  using json = nlohmann::json;
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  if (!options.sliding_window.empty()) {
    if (method == "occlusion")
      Fail("sliding_window is an option of the classic occlusion (implementation 'classic'); the "
           "LFA composition removes feature groups (use groups)");
    Fail("sliding_window is an option of the classic occlusion only, not of '", method, "'");
  }
  CheckNoLayer(method, options);
  const double sigma = options.sigma.value_or(0.1);
  const double width = options.kernel_width.value_or(1.0);
  const json baseline = options.baseline.ToJson();
  // clime / smoothgrad noise: absolute, or relative to each point's range.
  json noise = {{"type", "gaussian"}, {"antithetic", true}};
  if (options.noise_fraction) {
    noise["sigma_fraction"] = *options.noise_fraction;
  } else {
    noise["sigma"] = sigma;
  }
  const json groups = options.groups.ToJson();
  const json linear = {{"type", "linear"}, {"intercept", true}};
  const json linear_no_b = {{"type", "linear"}, {"intercept", false}};
  const json squared = {{"type", "squared"}};
  const json matching = {{"type", "gradient_matching"}};
  json neighbourhood, loss = squared, surrogate = linear;
  if (method == "lime") {
    neighbourhood = {{"type", "bernoulli_mask"}, {"kernel", "exponential"}, {"width", width},
                     {"antithetic", true}, {"baseline", baseline}, {"groups", groups}};
  } else if (method == "kernelshap") {
    neighbourhood = {{"type", "bernoulli_mask"}, {"kernel", "shapley"}, {"antithetic", true},
                     {"baseline", baseline}, {"groups", groups}};
  } else if (method == "occlusion") {
    neighbourhood = {{"type", "one_hot_removal"}, {"baseline", baseline}, {"groups", groups}};
    loss = {{"type", "squared"}, {"response", "delta"}};
    surrogate = linear_no_b;
  } else if (method == "clime") {
    neighbourhood = noise;
  } else if (method == "smoothgrad" || method == "gradient") {
    neighbourhood = method == "gradient"
                        ? json{{"type", "gaussian"}, {"sigma", 0.01}, {"antithetic", true}}
                        : noise;
    loss = matching;
    surrogate = linear_no_b;
  } else if (method == "integrated_gradients" || method == "gradient_x_input") {
    neighbourhood = {{"type", "scale_path"}, {"low", method == "gradient_x_input" ? 0.95 : 0.0},
                     {"high", 1.0}, {"baseline", baseline}, {"groups", groups}};
    loss = matching;
    surrogate = linear_no_b;
  } else if (IsImageMethod(method)) {
    Fail("'", method, "' is an image method, not an LFA composition: build it with MakeExplainer");
  } else {
    std::string recipes, images;
    for (const auto& name : MethodNames()) recipes += (recipes.empty() ? "" : ", ") + name;
    for (const auto& name : ImageMethodNames()) images += (images.empty() ? "" : ", ") + name;
    Fail("unknown explainer '", method, "' (recipes: ", recipes, "; image methods: ", images, ")");
  }
  return {{"name", method}, {"neighbourhood", neighbourhood}, {"loss", loss},
          {"surrogate", surrogate}, {"solver", {{"type", "auto"}}}, {"samples", options.samples}};
}

std::unique_ptr<Explainer> MakeExplainer(const std::string& method, const RecipeOptions& options,
                                         Implementation implementation) {
  if (IsImageMethod(method)) {
    if (implementation == Implementation::kClassic)
      Fail("explainer '", method,
           "' has one implementation; 'classic' applies to the eight recipes");
    return MakeImageExplainer(method, options);
  }
  if (implementation == Implementation::kClassic) {
    CheckNoLayer(method, options);
    return MakeClassicExplainer(method, options);
  }
  return DefaultRegistry().Build(RecipeSpec(method, options));
}

Implementation ParseImplementation(const std::string& text) {
  if (text == "lfa") return Implementation::kLfa;
  if (text == "classic") return Implementation::kClassic;
  Fail("implementation must be 'lfa' or 'classic', got '", text, "'");
}

}  // namespace lfa
