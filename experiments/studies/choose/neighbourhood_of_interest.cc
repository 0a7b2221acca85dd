#include "experiments/studies/choose/neighbourhood_of_interest.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <torch/types.h>

#include "experiments/io/text.h"
#include "experiments/report/markdown.h"
#include "experiments/studies/choose/recipe_defaults.h"
#include "explainers/builtin_registry.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "framework/lfa_explainer.h"

namespace lfa {
namespace {

// The parameters each name takes (see the header comment).
const std::map<std::string, std::vector<std::string>>& NamedParameters() {
  static const std::map<std::string, std::vector<std::string>> parameters = {
      {"lime", {"kernel_width", "patch", "baseline"}},
      {"kernelshap", {"patch", "baseline"}},
      {"occlusion", {"patch", "baseline"}},
      {"clime", {"sigma", "noise_fraction"}},
      {"smoothgrad", {"sigma", "noise_fraction"}},
      {"gradient", {"sigma"}},
      {"integrated_gradients", {"low", "patch", "baseline"}},
      {"gradient_x_input", {"low", "patch", "baseline"}}};
  return parameters;
}

// Sets one "key=value" parameter of a named neighbourhood on its options or its spec.
void ApplyParameter(const std::string& text, const std::string& method, const std::string& key,
                    double value, RecipeOptions* options, nlohmann::json* spec_edits) {
  if (key == "patch") {
    if (value < 1 || value != std::floor(value))
      Fail("--neighbourhood '", text, "': patch must be an integer >= 1, got ", value);
    options->groups = FeatureGroups::Patches(static_cast<int64_t>(value));
  } else if (key == "kernel_width") {
    options->kernel_width = value;
  } else if (key == "baseline") {
    options->baseline = value;
  } else if (key == "noise_fraction") {
    options->noise_fraction = value;
  } else if (key == "sigma" && method != "gradient") {
    options->sigma = value;
  } else {  // gradient's sigma and the path's low are not recipe options: set them on the spec
    if (key == "sigma" && !(value > 0))
      Fail("--neighbourhood '", text, "': sigma must be > 0, got ", value);
    (*spec_edits)[key] = value;
  }
}

}  // namespace

bool IsGroupSwitching(const std::string& type) {
  return type == "bernoulli_mask" || type == "shapley_coalitions" || type == "one_hot_removal" ||
         type == "scale_path";
}

std::string WidthName(WidthKind kind) {
  switch (kind) {
    case WidthKind::kSigma:
      return "sigma";
    case WidthKind::kPatch:
      return "patch";
    case WidthKind::kLength:
      return "length";
  }
  return "width";
}

std::string NeighbourhoodOfInterest::Name() const {
  if (!width_kind || !width) return label;
  std::string name = label;
  name += ' ';
  name += WidthName(*width_kind);
  name += '=';
  name += FormatG(*width);
  return name;
}

NeighbourhoodOfInterest ParseNamedNeighbourhood(const std::string& text,
                                                const std::vector<int64_t>& input_shape) {
  const size_t colon = text.find(':');
  const std::string method = text.substr(0, colon);
  const auto known = NamedParameters().find(method);
  if (known == NamedParameters().end()) {
    std::vector<std::string> names;
    for (const auto& [name, parameters] : NamedParameters()) names.push_back(name);
    Fail("--neighbourhood '", text, "': unknown neighbourhood '", method, "' (", Join(names, ", "),
         "; or a JSON spec file)");
  }
  RecipeOptions options = ChooseRecipeOptions(method, input_shape, RecipeOptions{}.samples);
  nlohmann::json spec_edits = nlohmann::json::object();
  if (colon != std::string::npos) {
    for (const std::string& part : Split(text.substr(colon + 1))) {
      const size_t equals = part.find('=');
      const std::string key = part.substr(0, equals);
      const std::vector<std::string>& allowed = known->second;
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        Fail("--neighbourhood '", text, "': ", method, " has no parameter '", key,
             "' (its parameters: ", Join(allowed, ", "), ")");
      const std::optional<double> value =
          equals == std::string::npos ? std::nullopt : ParseDouble(part.substr(equals + 1));
      if (!value) Fail("--neighbourhood '", text, "': '", part, "' must be ", key, "=NUMBER");
      ApplyParameter(text, method, key, *value, &options, &spec_edits);
    }
  }
  std::string error;
  if (!options.IsValid(&error)) Fail("--neighbourhood '", text, "': ", error);
  nlohmann::json spec = RecipeSpec(method, options);
  for (const auto& [key, value] : spec_edits.items()) spec["neighbourhood"][key] = value;
  try {
    DefaultRegistry().Build(spec);
  } catch (const InvalidInput& e) {
    Fail("--neighbourhood '", text, "': ", e.what());
  }
  return {.label = text, .spec = spec};
}

NeighbourhoodOfInterest SpecNeighbourhood(const nlohmann::json& spec, const std::string& source) {
  if (!spec.is_object() || !spec.contains("neighbourhood"))
    Fail("neighbourhood spec '", source, "' must be a JSON object with a \"neighbourhood\"");
  try {
    DefaultRegistry().Build(spec);
  } catch (const InvalidInput& e) {
    Fail("neighbourhood spec '", source, "': ", e.what());
  }
  std::string label = spec.value("name", std::string());
  if (label.empty()) {
    label = source.substr(source.find_last_of('/') + 1);
    if (label.size() > 5 && label.substr(label.size() - 5) == ".json")
      label.resize(label.size() - 5);
  }
  return {.label = label, .spec = spec};
}

WidthProfile ParseWidthProfile(const std::string& text) {
  const std::string usage = " (KIND:A..B:K or KIND:v1,v2,... with KIND sigma, patch or length)";
  const size_t colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  WidthProfile profile;
  if (kind == "sigma") {
    profile.kind = WidthKind::kSigma;
  } else if (kind == "patch") {
    profile.kind = WidthKind::kPatch;
  } else if (kind == "length") {
    profile.kind = WidthKind::kLength;
  } else {
    Fail("--profile '", text, "': unknown width '", kind, "'", usage);
  }
  if (colon == std::string::npos) Fail("--profile '", text, "': no values", usage);
  const std::string values = text.substr(colon + 1);
  const size_t range = values.find("..");
  if (range != std::string::npos) {
    const size_t count_colon = values.find(':', range);
    const auto from = ParseDouble(values.substr(0, range));
    const auto to = count_colon == std::string::npos
                        ? std::nullopt
                        : ParseDouble(values.substr(range + 2, count_colon - range - 2));
    const auto count = count_colon == std::string::npos
                           ? std::nullopt
                           : ParseInteger(values.substr(count_colon + 1));
    if (!from || !to || !count || *from <= 0 || *to <= *from || *count < 2)
      Fail("--profile '", text, "': a range is A..B:K with 0 < A < B and K >= 2 values", usage);
    for (int64_t k = 0; k < *count; ++k)
      profile.values.push_back(*from *
                               std::pow(*to / *from, static_cast<double>(k) / (*count - 1)));
  } else {
    for (const std::string& part : Split(values)) {
      const auto value = ParseDouble(part);
      if (!value || *value <= 0)
        Fail("--profile '", text, "': '", part, "' is not a width > 0", usage);
      profile.values.push_back(*value);
    }
    if (!std::is_sorted(profile.values.begin(), profile.values.end()) ||
        std::adjacent_find(profile.values.begin(), profile.values.end()) != profile.values.end())
      Fail("--profile '", text, "': the widths must increase", usage);
  }
  if (profile.values.empty()) Fail("--profile '", text, "': no values", usage);
  if (profile.kind == WidthKind::kPatch) {
    for (double& value : profile.values) {
      if (range != std::string::npos) value = std::round(value);
      if (value != std::floor(value))
        Fail("--profile '", text, "': patch sizes are integers", usage);
    }
    profile.values.erase(std::unique(profile.values.begin(), profile.values.end()),
                         profile.values.end());
  }
  return profile;
}

bool ProfileApplies(const WidthProfile& profile, const nlohmann::json& spec) {
  const std::string type = spec.at("neighbourhood").value("type", std::string());
  switch (profile.kind) {
    case WidthKind::kSigma:
      return type == "gaussian";
    case WidthKind::kPatch:
      return IsGroupSwitching(type);
    case WidthKind::kLength:
      return type == "scale_path";
  }
  return false;
}

nlohmann::json WithWidth(const nlohmann::json& spec, WidthKind kind, double value) {
  nlohmann::json swept = spec;
  nlohmann::json& neighbourhood = swept["neighbourhood"];
  if (kind == WidthKind::kSigma) {
    neighbourhood.erase("sigma_fraction");
    neighbourhood["sigma"] = value;
  } else if (kind == WidthKind::kPatch) {
    neighbourhood["groups"] = FeatureGroups::Patches(static_cast<int64_t>(value)).ToJson();
  } else {
    neighbourhood["low"] = neighbourhood.value("high", 1.0) - value;
  }
  return swept;
}

std::vector<NeighbourhoodOfInterest> ExpandProfile(
    const std::vector<NeighbourhoodOfInterest>& neighbourhoods,
    const std::optional<WidthProfile>& profile, const std::vector<int64_t>& input_shape) {
  if (!profile) return neighbourhoods;
  const std::string width = WidthName(profile->kind);
  if (profile->kind == WidthKind::kPatch && !IsImageShape(input_shape))
    Fail("--profile patch sweeps image patches, but the points have shape ",
         c10::IntArrayRef(input_shape), " (give --input-shape C,H,W)");
  std::vector<NeighbourhoodOfInterest> expanded;
  bool swept = false;
  for (const NeighbourhoodOfInterest& n : neighbourhoods) {
    if (!ProfileApplies(*profile, n.spec)) {
      expanded.push_back(n);
      continue;
    }
    swept = true;
    for (const double value : profile->values) {
      NeighbourhoodOfInterest at = n;
      at.spec = WithWidth(n.spec, profile->kind, value);
      at.width_kind = profile->kind;
      at.width = value;
      expanded.push_back(at);
    }
  }
  if (!swept) {
    const char* which = profile->kind == WidthKind::kSigma
                            ? "a Gaussian neighbourhood (clime, smoothgrad, gradient)"
                        : profile->kind == WidthKind::kPatch
                            ? "a mask or path neighbourhood (lime, kernelshap, occlusion, "
                              "integrated_gradients, gradient_x_input)"
                            : "a scale-path neighbourhood (integrated_gradients, gradient_x_input)";
    Fail("--profile ", width, " sweeps ", which, "; none of the given neighbourhoods is one");
  }
  return expanded;
}

}  // namespace lfa
