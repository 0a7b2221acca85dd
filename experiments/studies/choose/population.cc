#include "experiments/studies/choose/population.h"

namespace lfa {
namespace {

constexpr char kSteinReason[] =
    "Stein's lemma: over Gaussian noise the least-squares slope (C-LIME) equals the mean gradient "
    "(SmoothGrad)";
constexpr char kPathReason[] =
    "both compute the same path integral of the gradient (integrated gradients)";
constexpr char kSameReason[] =
    "they solve the same composition (neighbourhood, loss and surrogate)";

nlohmann::json Without(nlohmann::json object, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) object.erase(key);
  return object;
}

}  // namespace

PopulationSolution SpecPopulation(const nlohmann::json& spec) {
  const nlohmann::json neighbourhood = Without(spec.at("neighbourhood"), {"antithetic"});
  const nlohmann::json loss = spec.value("loss", nlohmann::json{{"type", "squared"}});
  const nlohmann::json surrogate = spec.value("surrogate", nlohmann::json{{"type", "linear"}});
  const std::string type = neighbourhood.value("type", std::string());
  const std::string loss_type = loss.value("type", std::string("squared"));
  const bool linear = surrogate.value("type", std::string("linear")) == "linear";
  const bool intercept = surrogate.value("intercept", true);
  const bool values = loss.value("response", std::string("value")) == "value";
  if (type == "gaussian" && linear &&
      (loss_type == "gradient_matching" || (loss_type == "squared" && values && intercept))) {
    // C-LIME and SmoothGrad over the same noise: the key is the noise alone.
    return {"mean gradient over " + Without(neighbourhood, {"type"}).dump(), kSteinReason};
  }
  if (type == "scale_path" && linear && loss_type == "gradient_matching")
    return {"path integral over " + Without(neighbourhood, {"type"}).dump(), kPathReason};
  const nlohmann::json composition = {
      {"neighbourhood", neighbourhood}, {"loss", loss}, {"surrogate", surrogate}};
  return {"composition " + composition.dump(), kSameReason};
}

PopulationSolution ClassicPopulation(const std::string& method, const RecipeOptions& options) {
  // The classic forms that compute a composition's population solution: the noisy-gradient mean,
  // the path integral by quadrature, and occlusion (every feature removed once). LIME's classic
  // kernel differs (a factor 2), Captum's KernelSHAP always includes the two extreme coalitions,
  // and the plain gradients are limits of their compositions, not their solutions.
  if ((method == "smoothgrad" || method == "integrated_gradients") ||
      (method == "occlusion" && options.sliding_window.empty())) {
    RecipeOptions plain = options;
    plain.sliding_window.clear();
    plain.strides.clear();
    if (method == "integrated_gradients") plain.groups = {};  // the quadrature is per element
    return SpecPopulation(RecipeSpec(method, plain));
  }
  return {"classic " + method, "the same classic algorithm"};
}

PopulationSolution ImageMethodPopulation(const std::string& method, const RecipeOptions& options) {
  std::string key = "image method ";
  key += method;
  key += " layer=";
  key += options.layer;
  key += " noise_fraction=";
  key += std::to_string(options.noise_fraction.value_or(0.0));
  return {key, "the same image method"};
}

}  // namespace lfa
