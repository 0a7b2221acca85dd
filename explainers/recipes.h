// The eight methods of the paper as compositions, and their classic counterparts.
//
//   method                 neighbourhood                            loss                 surrogate
//   lime                   bernoulli_mask, exponential kernel w=1   squared              linear + b
//   clime                  gaussian sigma = 0.1                     squared              linear + b
//   kernelshap             bernoulli_mask, shapley kernel           squared              linear + b
//   occlusion              one_hot_removal                          squared (delta)      linear
//   gradient               gaussian sigma = 0.01 (for sigma -> 0)   gradient_matching    linear
//   gradient_x_input       scale_path U(0.95, 1) (for a -> 1)       gradient_matching    linear
//   smoothgrad             gaussian sigma = 0.1                     gradient_matching    linear
//   integrated_gradients   scale_path U(0, 1)                       gradient_matching    linear
//
// The mask and Gaussian recipes draw antithetic pairs ((m, 1 - m), (xi, -xi)): every sample keeps
// the paper's distribution, so the LFA objective is the paper's, and the estimates vary less
// (KernelSHAP's distance to Captum's on heloc_ffnnA drops from 0.26 to 0.19 mean L1).
//
// RecipeSpec returns the composition as a JSON spec (the same text a user would write), so the
// recipes are built by the registry exactly like user specs. MakeExplainer(name, options,
// Implementation::kClassic) returns the well-known algorithm with Captum's conventions instead
// (classic.h); clime has no classic form.
//
// MakeExplainer also builds the image methods by name (explainers/image_methods.h:
// smoothgrad_squared, vargrad, gradcam, gradcampp, smoothgradcampp): Explainers that query
// through the Oracle like the recipes, with one implementation each. They take samples (noisy
// copies), noise_fraction and, for the CAMs, layer; every other option is an error there, and
// `layer` is an error for the eight recipes.
//
//   auto smoothgrad = MakeExplainer("smoothgrad", {.samples = 500, .sigma = 0.2});
//   auto relative = MakeExplainer("smoothgrad", {.noise_fraction = 0.15});  // 15% of each range
//   auto blurred = MakeExplainer("kernelshap", {.baseline = Baseline::Blur(5.0),
//                                               .groups = FeatureGroups::Patches(4)});
//   auto windows = MakeExplainer("occlusion", {.baseline = 0.0, .sliding_window = {3, 3},
//                                              .strides = {2, 2}}, Implementation::kClassic);
//   auto cam = MakeExplainer("gradcampp", {.layer = "relu2"});         // an image method
//
// Image options: `baseline` takes any Baseline (a number, one value per element, or the blur of
// each point, framework/neighbourhood.h); `noise_fraction` sets the Gaussian noise of clime and
// smoothgrad relative to each point's range; `sliding_window` and `strides` give the classic
// occlusion Captum's sliding windows (explainers/occlusion.h). The LFA occlusion removes feature
// groups instead: a window is an error there (use `groups`).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "neighbourhoods/baseline.h"

namespace lfa {

enum class Implementation { kLfa, kClassic };

struct RecipeOptions {
  // Perturbations per point (> 0); the noisy copies per image of the image methods. The default
  // suits the recipes; DefaultSamples(method) gives each method's (lfa explain uses it).
  int64_t samples = 1000;
  std::optional<double> sigma;          // noise of clime / smoothgrad (default 0.1)
  // Noise of clime / smoothgrad relative to each point's range instead of sigma:
  // sigma_i = noise_fraction (max(x_i) - min(x_i)) (> 0; not together with sigma). The image
  // methods' noise (default 0.15).
  std::optional<double> noise_fraction;
  std::optional<double> kernel_width;   // LIME kernel width (default 1)
  Baseline baseline = 0.0;              // value of a removed feature / start of the IG path
  FeatureGroups groups;                 // feature groups of the mask methods
  // Classic occlusion only: Captum's sliding window over the last sliding_window.size() dimensions
  // of each input ((h, w) covers all channels of a [C, H, W] image; (c, h, w) slides over
  // channels too), every entry >= 1; empty: one feature (group) at a time.
  std::vector<int64_t> sliding_window;
  // Steps of the window along its last strides.size() dimensions (the others step by 1); empty:
  // all 1. Needs sliding_window.
  std::vector<int64_t> strides;
  // The CAMs only (gradcam, gradcampp, smoothgradcampp): the layer explained, one of the model's
  // layer names; empty: the last layer with a spatial activation.
  std::string layer;

  // Checks the values that do not depend on the method or the input shape.
  bool IsValid(std::string* error) const;
};

// The eight method names, in the paper's order.
const std::vector<std::string>& MethodNames();

// `samples` suited to `method`: 25 noisy copies for the image methods, 1000 for the rest.
int64_t DefaultSamples(const std::string& method);

// The composition of `method` as a JSON spec; throws InvalidInput for an unknown name.
nlohmann::json RecipeSpec(const std::string& method, const RecipeOptions& options = {});

// One of the eight recipes (in either implementation) or an image method; InvalidInput for an
// unknown name or an option that does not apply to the method.
std::unique_ptr<Explainer> MakeExplainer(const std::string& method,
                                         const RecipeOptions& options = {},
                                         Implementation implementation = Implementation::kLfa);

Implementation ParseImplementation(const std::string& text);

}  // namespace lfa
