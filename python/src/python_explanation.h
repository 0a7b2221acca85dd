// PythonExplainer and PythonExplanation: an Explainer and its result as the Python bindings hand
// them out, each with what its attributions mean.
//
// An attribution alone does not say which affine local model it states (metrics/lfa_loss.h): the
// additive methods (gradient, smoothgrad, clime) state the input-space slope s itself, the
// multiplicative ones (mask methods, the scale path) state s (x - b) for their baseline b, per
// element or per feature group. AttributionMeaning keeps that beside the explainer, read from
// the composition's neighbourhood (type, baseline, groups) or from the classic method's name and
// options, so that a Python Explanation can be scored by lfa.lfa_loss and spread over its groups
// without the user restating how it was made.
//
//   neighbourhood type                                              multiplicative
//   gaussian                                                        no
//   bernoulli_mask, shapley_coalitions, one_hot_removal, scale_path yes
//   anything else (a part registered outside the default registry)  unknown (lfa_loss asks)
//   an image method (smoothgrad_squared, vargrad, the CAMs: a map)    unknown (lfa_loss asks)
//
// PythonExplanation holds the library's Explanation (float64 on the CPU: attributions [N, d],
// intercepts, loss, r2, ridge, queries) and `attributions` shaped like the inputs [N,
// *input_shape]: the same storage reshaped when d = D (no copy), each group's value spread over
// its elements when the explainer used feature groups (Captum's feature-mask convention), moved
// to the inputs' device when they are not on the CPU.
//
//   PythonExplainer kernelshap = MakePythonExplainer("kernelshap", "lfa", {.samples = 1000});
//   PythonExplanation e = ExplainPoints(kernelshap, model, x, std::nullopt, /*seed=*/0, {});
//   e.attributions.sizes() == x.sizes();
//
// WARNING: attributions are float64 whatever the inputs' dtype: the solves are float64 and the
// digits are the ones `lfa explain` prints. Convert with .to(x.dtype) when needed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "explainers/recipes.h"
#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "model_call.h"
#include "neighbourhoods/baseline.h"

namespace lfa {

struct AttributionMeaning {
  std::optional<bool> multiplicative;  // unset: the neighbourhood's type is not known here
  Baseline baseline = 0.0;
  FeatureGroups groups;
};

struct PythonExplainer {
  std::shared_ptr<const Explainer> explainer;
  std::string spec;  // the composition as JSON text; empty for a classic implementation
  AttributionMeaning meaning;
};

struct PythonExplanation {
  Explanation explanation;    // the library's result
  torch::Tensor attributions; // [N, *input_shape] float64, on the inputs' device
  AttributionMeaning meaning;
  bool grouped = false;       // one attribution per feature group, not per element

  std::string Repr() const;
};

// A recipe by name (explainers/recipes.h): implementation "lfa" or "classic".
PythonExplainer MakePythonExplainer(const std::string& method, const std::string& implementation,
                                    const RecipeOptions& options);
// A composition from JSON text with the schema of the spec files (framework/registry.h).
PythonExplainer ComposePythonExplainer(const std::string& spec_json);

// Explains every point of `inputs` [N, *input_shape] in one Explain call, the GIL released.
// Point i's random stream is (seed, i, ...), as for the rows of `lfa explain --seed seed`.
PythonExplanation ExplainPoints(const PythonExplainer& explainer, const PythonModel& model,
                                const torch::Tensor& inputs,
                                const std::optional<torch::Tensor>& targets, uint64_t seed,
                                const CallOptions& options);

// Attributions computed elsewhere (Captum, a saved file) as an Explanation with a stated meaning:
// attributions [N, *input_shape] or [N, d] (d = the groups' count), input_shape the shape of one
// point.
PythonExplanation ExplanationFromTensor(const torch::Tensor& attributions,
                                        const std::vector<int64_t>& input_shape,
                                        const AttributionMeaning& meaning,
                                        const std::string& method);

}  // namespace lfa
