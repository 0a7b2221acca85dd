#include "experiments/studies/choose/recipe_defaults.h"

#include "explainers/image_methods.h"
#include "framework/feature_groups.h"

namespace lfa {

bool IsImageShape(const std::vector<int64_t>& input_shape) {
  return input_shape.size() == 2 || input_shape.size() == 3;
}

bool IsMaskMethod(const std::string& method) {
  return method == "lime" || method == "kernelshap" || method == "occlusion";
}

RecipeOptions ChooseRecipeOptions(const std::string& method,
                                  const std::vector<int64_t>& input_shape, int64_t samples) {
  RecipeOptions options;
  options.samples = IsImageMethod(method) ? DefaultSamples(method) : samples;
  if (IsImageShape(input_shape) && IsMaskMethod(method)) {
    options.groups = FeatureGroups::Patches(kChooseImagePatch);
    if (method == "lime") options.kernel_width = kChooseImageKernelWidth;
  }
  return options;
}

}  // namespace lfa
