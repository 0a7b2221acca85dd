#include "python_explanation.h"

#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

#include "explainers/builtin_registry.h"
#include "explainers/image_methods.h"
#include "framework/errors.h"
#include "framework/lfa_explainer.h"
#include "framework/registry.h"
#include "interrupt.h"
#include "metrics/lfa_loss.h"

namespace lfa {
namespace {

std::optional<bool> IsMultiplicativeNeighbourhood(const std::string& type) {
  if (type == "gaussian") return false;
  if (type == "bernoulli_mask" || type == "shapley_coalitions" || type == "one_hot_removal" ||
      type == "scale_path")
    return true;
  return std::nullopt;
}

AttributionMeaning MeaningOfComposition(const LfaExplainer& composition) {
  const nlohmann::json z = composition.neighbourhood().ToJson();
  const std::string type = z.value("type", "");
  AttributionMeaning meaning;
  meaning.multiplicative = IsMultiplicativeNeighbourhood(type);
  if (z.contains("baseline")) meaning.baseline = Baseline::FromJson(z["baseline"], type);
  if (z.contains("groups")) meaning.groups = FeatureGroups::FromJson(z["groups"]);
  return meaning;
}

PythonExplainer FromComposition(std::unique_ptr<LfaExplainer> composition) {
  PythonExplainer out;
  out.meaning = MeaningOfComposition(*composition);
  nlohmann::json spec = composition->ToJson();
  spec["name"] = composition->name();
  out.spec = spec.dump();
  out.explainer = std::move(composition);
  return out;
}

// The library's explanation with its attributions shaped like the inputs (see the header).
PythonExplanation Wrap(Explanation explanation, const AttributionMeaning& meaning,
                       const torch::Device& device) {
  const std::vector<int64_t>& shape = explanation.input_shape;
  const int64_t n = explanation.attributions.size(0), d = explanation.attributions.size(1);
  const int64_t elements = NumElements(shape);
  PythonExplanation out;
  out.meaning = meaning;
  out.grouped = d != elements;
  torch::Tensor per_element = explanation.attributions;
  if (out.grouped) {
    if (meaning.groups.is_identity() || meaning.groups.Count(shape) != d)
      Fail("explanation '", explanation.method, "' has ", d, " attribution(s) per point for ",
           elements, " input element(s) and no feature groups of that count to spread them over");
    per_element = meaning.groups.SpreadToElements(explanation.attributions, shape);
  }
  std::vector<int64_t> full = {n};
  full.insert(full.end(), shape.begin(), shape.end());
  out.attributions = per_element.reshape(full);
  if (device != out.attributions.device()) out.attributions = out.attributions.to(device);
  out.explanation = std::move(explanation);
  return out;
}

}  // namespace

std::string PythonExplanation::Repr() const {
  std::ostringstream out;
  out << "Explanation(method='" << explanation.method << "', points="
      << explanation.attributions.size(0) << ", attributions=" << attributions.sizes()
      << (grouped ? ", grouped" : "") << ", queries=" << explanation.model_queries << ")";
  return out.str();
}

PythonExplainer MakePythonExplainer(const std::string& method, const std::string& implementation,
                                    const RecipeOptions& options) {
  const Implementation kind = ParseImplementation(implementation);
  std::unique_ptr<Explainer> made = MakeExplainer(method, options, kind);
  if (auto* composition = dynamic_cast<LfaExplainer*>(made.get())) {
    made.release();
    return FromComposition(std::unique_ptr<LfaExplainer>(composition));
  }
  PythonExplainer out;
  // An image method's map states no affine local model: lfa_loss asks what it means.
  const std::optional<bool> multiplicative =
      IsImageMethod(method) ? std::nullopt : std::optional<bool>(IsMultiplicativeMethod(method));
  out.meaning = {multiplicative, options.baseline, options.groups};
  out.explainer = std::move(made);
  return out;
}

PythonExplainer ComposePythonExplainer(const std::string& spec_json) {
  nlohmann::json spec;
  try {
    spec = nlohmann::json::parse(spec_json);
  } catch (const nlohmann::json::parse_error& e) {
    Fail("spec is not valid JSON (", e.what(), ")");
  }
  return FromComposition(DefaultRegistry().Build(spec));
}

PythonExplanation ExplainPoints(const PythonExplainer& explainer, const PythonModel& model,
                                const torch::Tensor& inputs,
                                const std::optional<torch::Tensor>& targets, uint64_t seed,
                                const CallOptions& options) {
  ModelCall call(model, inputs, targets, options);
  Explanation explanation;
  {
    pybind11::gil_scoped_release release;
    explanation = explainer.explainer->Explain(call.oracle(), MakePointBatch(inputs, seed),
                                               call.targets(), InterruptingProgress());
  }
  return Wrap(std::move(explanation), explainer.meaning, inputs.device());
}

PythonExplanation ExplanationFromTensor(const torch::Tensor& attributions,
                                        const std::vector<int64_t>& input_shape,
                                        const AttributionMeaning& meaning,
                                        const std::string& method) {
  CheckPoints(attributions, "attributions");
  const int64_t elements = NumElements(input_shape);
  const torch::Tensor flat = attributions.detach()
                                 .to(torch::kCPU, torch::kDouble)
                                 .reshape({attributions.size(0), -1});
  const int64_t d = flat.size(1);
  const int64_t expected = meaning.groups.is_identity() ? elements : meaning.groups.Count(input_shape);
  if (d != expected)
    Fail("attributions have ", d, " value(s) per point; expected ", expected,
         meaning.groups.is_identity() ? " (one per input element)" : " (one per feature group)");
  return Wrap(Unfitted(method, flat, input_shape, 0), meaning, attributions.device());
}

}  // namespace lfa
