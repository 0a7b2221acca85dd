#include "experiments/studies/choose/candidate.h"

#include <algorithm>
#include <memory>

#include "experiments/io/text.h"
#include "experiments/studies/choose/recipe_defaults.h"
#include "explainers/builtin_registry.h"
#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "framework/lfa_explainer.h"
#include "metrics/lfa_loss.h"

namespace lfa {
namespace {

constexpr char kClassicSuffix[] = "_classic";

// The numeric baseline of a spec's neighbourhood (0 when absent).
double NumericBaseline(const nlohmann::json& neighbourhood, const std::string& what) {
  const nlohmann::json baseline = neighbourhood.value("baseline", nlohmann::json(0.0));
  if (baseline.is_null()) return 0.0;
  if (!baseline.is_number())
    Fail(what, ": baseline ", baseline.dump(),
         " cannot be read back into input-space slopes (lfa choose reads a / (x - b) with a "
         "numeric baseline b)");
  return baseline.get<double>();
}

// Attributions of a mask or path method -> input-space slope (and the unstated elements).
CandidateSlope MultiplicativeSlope(const torch::Tensor& attributions, const PointBatch& points,
                                   const FeatureGroups& groups, double baseline) {
  CandidateSlope s;
  if (attributions.size(1) == points.flat.size(1)) {
    s.slope = InputSpaceSlope(attributions, points, /*multiplicative=*/true, baseline);
    s.unstated = UnstatedSlopes(points, /*multiplicative=*/true, baseline);
  } else {
    s.slope = GroupedSlope(attributions, points, groups, baseline);
  }
  return s;
}

CandidateSlope ClassicSlope(const std::string& method, const RecipeOptions& options,
                            const Explanation& e, const PointBatch& points) {
  CandidateSlope s;
  if (IsMultiplicativeMethod(method)) {
    s = MultiplicativeSlope(e.attributions, points, options.groups,
                            NumericBaseline({{"baseline", options.baseline.ToJson()}}, method));
  } else {
    s.slope = InputSpaceSlope(e.attributions, points, /*multiplicative=*/false);
  }
  s.population = ClassicPopulation(method, options);
  return s;
}

}  // namespace

std::string KindName(CandidateKind kind) {
  switch (kind) {
    case CandidateKind::kOwn:
      return "own";
    case CandidateKind::kLfa:
      return "lfa";
    case CandidateKind::kClassic:
      return "classic";
    case CandidateKind::kImage:
      return "image";
    case CandidateKind::kSpec:
      return "spec";
    case CandidateKind::kGiven:
      return "given";
  }
  return "?";
}

CandidateSlope CompositionSlope(const nlohmann::json& spec, const Explanation& explanation,
                                const PointBatch& points) {
  const nlohmann::json& neighbourhood = spec.at("neighbourhood");
  const std::string type = neighbourhood.value("type", std::string());
  const nlohmann::json loss = spec.value("loss", nlohmann::json::object());
  const bool delta = loss.value("response", std::string("value")) == "delta";
  const bool logistic =
      spec.value("surrogate", nlohmann::json::object()).value("type", std::string()) == "logistic";
  std::string what = "spec '";
  what += spec.value("name", std::string("custom"));
  what += "'";
  CandidateSlope s;
  double baseline = 0.0;
  if (type == "gaussian") {
    s.slope = InputSpaceSlope(explanation.attributions, points, /*multiplicative=*/false);
  } else if (IsGroupSwitching(type)) {
    baseline = NumericBaseline(neighbourhood, what);
    s = MultiplicativeSlope(
        explanation.attributions, points,
        FeatureGroups::FromJson(neighbourhood.value("groups", nlohmann::json())), baseline);
  } else {
    Fail(what,
         ": lfa choose reads the explanations of gaussian, mask and path neighbourhoods, not '",
         type, "'");
  }
  // Decode moves x by +xi (Gaussian) or by +m (x - b) (masks, path), but one_hot_removal removes:
  // x - m (x - b). A delta response f(x) - f(x') flips the sign once more.
  if (delta != (type == "one_hot_removal")) s.slope = -s.slope;
  if (logistic) {
    if (delta || type == "one_hot_removal")
      Fail(what,
           ": a logistic surrogate is read only with a value response over a gaussian, mask "
           "or path neighbourhood");
    s.logistic = true;
    s.anchor = type == "gaussian" ? points.flat : torch::full_like(points.flat, baseline);
    s.intercept = explanation.intercepts.to(torch::kDouble);
  }
  s.population = SpecPopulation(spec);
  return s;
}

bool SameComposition(const nlohmann::json& a, const nlohmann::json& b) {
  auto canonical = [](nlohmann::json spec) {
    spec.erase("name");
    spec.erase("samples");
    // A spec that leaves out a part gets the part's defaults (docs/spec.md).
    if (!spec.contains("loss") || spec["loss"].is_null()) spec["loss"] = {{"type", "squared"}};
    if (!spec.contains("surrogate") || spec["surrogate"].is_null())
      spec["surrogate"] = {{"type", "linear"}, {"intercept", true}};
    if (!spec.contains("solver") || spec["solver"].is_null()) spec["solver"] = {{"type", "auto"}};
    return spec;
  };
  return canonical(a) == canonical(b);
}

Candidate CompositionCandidate(const nlohmann::json& spec, const std::string& name,
                               CandidateKind kind, int64_t samples) {
  nlohmann::json with_samples = spec;
  with_samples["samples"] = samples;
  std::shared_ptr<const LfaExplainer> explainer;
  try {
    explainer = DefaultRegistry().Build(with_samples);
  } catch (const InvalidInput& e) {
    Fail("candidate '", name, "': ", e.what());
  }
  Candidate candidate{.name = name, .kind = kind, .spec = with_samples};
  candidate.compute = [explainer, with_samples](Oracle& oracle, const PointBatch& points,
                                                const torch::Tensor& targets,
                                                const NeighbourhoodOfInterest&) {
    return CompositionSlope(with_samples, explainer->Explain(oracle, points, targets), points);
  };
  return candidate;
}

Candidate NamedCandidate(const std::string& name, const std::vector<int64_t>& input_shape,
                         int64_t samples, bool has_layers) {
  const std::string suffix = kClassicSuffix;
  const bool classic = name.size() > suffix.size() &&
                       name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  const std::string method = classic ? name.substr(0, name.size() - suffix.size()) : name;
  const RecipeOptions options = ChooseRecipeOptions(method, input_shape, samples);
  if (IsCamMethod(method) && !has_layers)
    Fail("candidate '", name,
         "': the CAMs need a model with named layers (a zoo model or a "
         "TorchScript Sequential)");
  if (IsImageMethod(method) && !IsImageShape(input_shape))
    Fail("candidate '", name, "' is an image method; the points have shape ",
         c10::IntArrayRef(input_shape), " (give --input-shape C,H,W)");
  if (!classic && !IsImageMethod(method))
    return CompositionCandidate(RecipeSpec(method, options), name, CandidateKind::kLfa, samples);
  std::shared_ptr<const Explainer> explainer;
  try {
    explainer =
        MakeExplainer(method, options, classic ? Implementation::kClassic : Implementation::kLfa);
  } catch (const InvalidInput& e) {
    Fail("candidate '", name, "': ", e.what());
  }
  Candidate candidate{.name = name,
                      .kind = classic ? CandidateKind::kClassic : CandidateKind::kImage};
  candidate.compute = [explainer, method, options, classic](
                          Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                          const NeighbourhoodOfInterest&) {
    const Explanation e = explainer->Explain(oracle, points, targets);
    if (classic) return ClassicSlope(method, options, e, points);
    CandidateSlope s;  // an image map read as the slope of an additive local model
    s.slope = InputSpaceSlope(e.attributions, points, /*multiplicative=*/false);
    s.population = ImageMethodPopulation(method, options);
    return s;
  };
  return candidate;
}

std::vector<std::string> DefaultCandidateNames(const std::vector<int64_t>& input_shape,
                                               bool has_layers) {
  return ExpandCandidateNames("all", input_shape, has_layers);
}

std::vector<std::string> ExpandCandidateNames(const std::string& list,
                                              const std::vector<int64_t>& input_shape,
                                              bool has_layers) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const std::string& entry : Split(list)) {
    const bool all = entry == "all";
    if (all || entry == "lfa")
      for (const std::string& method : MethodNames()) add(method);
    if (all || entry == "classic")
      for (const std::string& method : MethodNames())
        if (method != "clime") add(method + kClassicSuffix);
    if ((all && IsImageShape(input_shape)) || entry == "image")
      for (const std::string& method : ImageMethodNames())
        if (has_layers || !IsCamMethod(method)) add(method);
    if (!all && entry != "lfa" && entry != "classic" && entry != "image") {
      if (entry.empty()) Fail("--candidates '", list, "' has an empty entry");
      add(entry);
    }
  }
  return names;
}

}  // namespace lfa
