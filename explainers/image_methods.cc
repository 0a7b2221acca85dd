#include "explainers/image_methods.h"

#include <algorithm>
#include <sstream>

#include "explainers/cam.h"
#include "explainers/gradient_ensembles.h"
#include "framework/errors.h"

namespace lfa {
namespace {

// The first RecipeOptions field set that `name` does not take, as a message; empty if none.
std::string InapplicableOption(const std::string& name, const RecipeOptions& options) {
  std::ostringstream out;
  if (options.sigma) {
    out << "sigma " << *options.sigma << " does not apply to '" << name
        << "' (its noise is relative to each image's range: give noise_fraction)";
  } else if (options.kernel_width) {
    out << "kernel width " << *options.kernel_width << " does not apply to '" << name
        << "' (LIME only)";
  } else if (options.baseline.ToJson() != nlohmann::json(0.0)) {
    out << "baseline " << options.baseline.ToJson().dump() << " does not apply to '" << name
        << "' (it removes nothing)";
  } else if (!options.groups.is_identity()) {
    out << "feature groups do not apply to '" << name
        << "' (one attribution per input element)";
  } else if (!options.sliding_window.empty() || !options.strides.empty()) {
    out << "sliding_window is an option of the classic occlusion only, not of '" << name << "'";
  } else if (!options.layer.empty() && !IsCamMethod(name)) {
    out << "layer '" << options.layer
        << "' is an option of gradcam, gradcampp and smoothgradcampp, not of '" << name << "'";
  }
  return out.str();
}

}  // namespace

const std::vector<std::string>& ImageMethodNames() {
  static const std::vector<std::string> names = {"smoothgrad_squared", "vargrad", "gradcam",
                                                 "gradcampp", "smoothgradcampp"};
  return names;
}

bool IsImageMethod(const std::string& name) {
  const auto& names = ImageMethodNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool IsCamMethod(const std::string& name) {
  return name == "gradcam" || name == "gradcampp" || name == "smoothgradcampp";
}

std::unique_ptr<Explainer> MakeImageExplainer(const std::string& name,
                                              const RecipeOptions& options) {
  if (!IsImageMethod(name)) Fail("unknown image method '", name, "'");
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  error = InapplicableOption(name, options);
  if (!error.empty()) throw InvalidInput(error);
  const double noise_fraction = options.noise_fraction.value_or(kImageMethodNoiseFraction);
  if (IsCamMethod(name))
    return std::make_unique<CamExplainer>(CamOptions{.method = name, .layer = options.layer,
                                                     .samples = options.samples,
                                                     .noise_fraction = noise_fraction});
  return std::make_unique<GradientEnsembleExplainer>(GradientEnsembleOptions{
      .method = name, .samples = options.samples, .noise_fraction = noise_fraction});
}

torch::Tensor ComputeImageMap(const std::string& name, Oracle& oracle, const torch::Tensor& inputs,
                              const torch::Tensor& targets, const ImageMethodOptions& options) {
  if (!IsImageMethod(name)) Fail("unknown image method '", name, "'");
  if (inputs.dim() != 4) Fail(name, ": inputs must be images [N, C, H, W], got ", inputs.sizes());
  RecipeOptions recipe;
  recipe.samples = options.samples;
  recipe.noise_fraction = options.noise_fraction;
  recipe.layer = options.layer;
  return MakeImageExplainer(name, recipe)
      ->Explain(oracle, MakePointBatch(inputs, options.seed, options.first_index), targets)
      .AttributionMaps();
}

}  // namespace lfa
