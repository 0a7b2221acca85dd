#include "explainers/recipes.h"

#include "explainers/classic.h"
#include "framework/errors.h"
#include "framework/registry.h"

namespace lfa {

const std::vector<std::string>& MethodNames() {
  static const std::vector<std::string> names = {
      "lime", "kernelshap", "occlusion", "clime", "smoothgrad", "gradient",
      "integrated_gradients", "gradient_x_input"};
  return names;
}

nlohmann::json RecipeSpec(const std::string& method, const RecipeOptions& options) {
  using json = nlohmann::json;
  if (options.samples < 1) Fail("samples must be > 0, got ", options.samples);
  const double sigma = options.sigma.value_or(0.1);
  if (!(sigma > 0)) Fail("sigma must be > 0, got ", sigma);
  const double width = options.kernel_width.value_or(1.0);
  if (!(width > 0)) Fail("kernel width must be > 0, got ", width);
  const json groups = options.groups.ToJson();
  const json linear = {{"type", "linear"}, {"intercept", true}};
  const json linear_no_b = {{"type", "linear"}, {"intercept", false}};
  const json squared = {{"type", "squared"}};
  const json matching = {{"type", "gradient_matching"}};
  json neighbourhood, loss = squared, surrogate = linear;
  if (method == "lime") {
    neighbourhood = {{"type", "bernoulli_mask"}, {"kernel", "exponential"}, {"width", width},
                     {"antithetic", true}, {"baseline", options.baseline}, {"groups", groups}};
  } else if (method == "kernelshap") {
    neighbourhood = {{"type", "bernoulli_mask"}, {"kernel", "shapley"}, {"antithetic", true},
                     {"baseline", options.baseline}, {"groups", groups}};
  } else if (method == "occlusion") {
    neighbourhood = {{"type", "one_hot_removal"}, {"baseline", options.baseline}, {"groups", groups}};
    loss = {{"type", "squared"}, {"response", "delta"}};
    surrogate = linear_no_b;
  } else if (method == "clime") {
    neighbourhood = {{"type", "gaussian"}, {"sigma", sigma}, {"antithetic", true}};
  } else if (method == "smoothgrad" || method == "gradient") {
    neighbourhood = {{"type", "gaussian"},
                     {"sigma", method == "gradient" ? 0.01 : sigma},
                     {"antithetic", true}};
    loss = matching;
    surrogate = linear_no_b;
  } else if (method == "integrated_gradients" || method == "gradient_x_input") {
    neighbourhood = {{"type", "scale_path"}, {"low", method == "gradient_x_input" ? 0.95 : 0.0},
                     {"high", 1.0}, {"baseline", options.baseline}, {"groups", groups}};
    loss = matching;
    surrogate = linear_no_b;
  } else {
    std::string known;
    for (const auto& name : MethodNames()) known += (known.empty() ? "" : ", ") + name;
    Fail("unknown explainer '", method, "' (known: ", known, ")");
  }
  return {{"name", method}, {"neighbourhood", neighbourhood}, {"loss", loss},
          {"surrogate", surrogate}, {"solver", {{"type", "auto"}}}, {"samples", options.samples}};
}

std::unique_ptr<Explainer> MakeExplainer(const std::string& method, const RecipeOptions& options,
                                         Implementation implementation) {
  if (implementation == Implementation::kClassic) return MakeClassicExplainer(method, options);
  return DefaultRegistry().Build(RecipeSpec(method, options));
}

Implementation ParseImplementation(const std::string& text) {
  if (text == "lfa") return Implementation::kLfa;
  if (text == "classic") return Implementation::kClassic;
  Fail("implementation must be 'lfa' or 'classic', got '", text, "'");
}

}  // namespace lfa
