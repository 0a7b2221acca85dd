// Recipe defaults of `lfa choose`: the options a named method gets on the user's input, as a
// candidate and as a neighbourhood of interest.
//
// On tabular points (any shape other than an image) these are the recipes' own defaults
// (explainers/recipes.h). On images (points [C, H, W] or [H, W]) they are `lfa study images`'
// choices, for the same reasons: the mask methods (lime, kernelshap, occlusion) switch 4 x 4
// patches, not single pixels (a 1000-sample regression cannot fit 784 pixel weights), and LIME's
// kernel width is 4 (a mask that removes half the patches of a Fashion-MNIST image moves it by ~8
// in L2, so the tabular width 1 would give all but the nearest masks zero weight). The image
// methods take 25 noisy copies (DefaultSamples); every other method takes `samples`.
//
//   RecipeOptions o = ChooseRecipeOptions("lime", {1, 28, 28}, 1000);   // patches 4, width 4
//   RecipeOptions t = ChooseRecipeOptions("lime", {23}, 1000);          // the recipe's defaults
//
// WARNING: a user's spec or a neighbourhood parameter (lime:patch=2) overrides these; the report
// states the spec of every neighbourhood as evaluated, so read it there, not here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "explainers/recipes.h"

namespace lfa {

// Patch size and LIME kernel width of the mask methods on images.
inline constexpr int64_t kChooseImagePatch = 4;
inline constexpr double kChooseImageKernelWidth = 4.0;

// True for points of shape [C, H, W] or [H, W].
bool IsImageShape(const std::vector<int64_t>& input_shape);

// True for lime, kernelshap and occlusion: the methods whose neighbourhood switches features off.
bool IsMaskMethod(const std::string& method);

// The options of `method` (a recipe, in either implementation, or an image method) on points of
// `input_shape`, with `samples` perturbations (the image methods keep their 25 noisy copies).
RecipeOptions ChooseRecipeOptions(const std::string& method,
                                  const std::vector<int64_t>& input_shape, int64_t samples);

}  // namespace lfa
