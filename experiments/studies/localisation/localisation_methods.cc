#include "experiments/studies/localisation/localisation_methods.h"

#include <ATen/CPUGeneratorImpl.h>

#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "framework/oracle.h"

namespace lfa {
namespace {

// The study's one call into the image methods (explainers/image_methods.h); "gradcam_relu2" is
// Grad-CAM at relu2.
torch::Tensor ImageMethodMaps(const std::string& method, Oracle& oracle,
                              const torch::Tensor& images, const torch::Tensor& targets,
                              const LocalisationMapOptions& options) {
  RecipeOptions image{.samples = options.samples, .noise_fraction = kNoiseFraction};
  if (method == "gradcam_relu2") image.layer = "relu2";
  return MakeExplainer(method == "gradcam_relu2" ? "gradcam" : method, image)
      ->Explain(oracle, MakePointBatch(images, options.seed), targets)
      .AttributionMaps();
}

// The LFA recipes; occlusion's patch attributions spread back to their pixels.
torch::Tensor RecipeMaps(const std::string& method, Oracle& oracle, const torch::Tensor& images,
                         const torch::Tensor& targets, const LocalisationMapOptions& options) {
  RecipeOptions recipe;
  recipe.samples = options.samples;
  if (method == "smoothgrad") recipe.noise_fraction = kNoiseFraction;
  if (method == "occlusion") recipe.groups = FeatureGroups::Patches(kOcclusionPatch);
  const Explanation e =
      MakeExplainer(method, recipe)->Explain(oracle, MakePointBatch(images, options.seed), targets);
  if (method == "occlusion")
    return recipe.groups.SpreadToElements(e.attributions, {1, 28, 28}).reshape(images.sizes());
  return e.attributions.reshape(images.sizes());
}

}  // namespace

const std::vector<std::string>& LocalisationMethods() {
  static const std::vector<std::string> methods = {
      "gradient", "smoothgrad", "smoothgrad_squared", "vargrad", "integrated_gradients",
      "gradient_x_input", "occlusion", "gradcam", "gradcampp", "smoothgradcampp", "gradcam_relu2",
      "random"};
  return methods;
}

torch::Tensor LocalisationMaps(const std::string& method, Oracle& oracle,
                               const torch::Tensor& images, const torch::Tensor& targets,
                               const LocalisationMapOptions& options) {
  if (method == "random") {
    at::Generator generator = at::detail::createCPUGenerator(options.seed ^ 0x5eedULL);
    return torch::rand(images.sizes(), generator, torch::kDouble);
  }
  if (IsImageMethod(method) || method == "gradcam_relu2")
    return ImageMethodMaps(method, oracle, images, targets, options);
  return RecipeMaps(method, oracle, images, targets, options);
}

}  // namespace lfa
