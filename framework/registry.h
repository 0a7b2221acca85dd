// ComponentRegistry: from a JSON spec to a composed explainer.
//
// Each part type is registered once under its spec name with a factory that reads its options
// (and rejects unknown keys). This is the mechanism only: the registry of every built-in part,
// DefaultRegistry(), lives with the recipes (explainers/builtin_registry.h), so the contracts
// know no concrete part. Users may copy the default registry and add their own parts.
//
//   {"neighbourhood": {"type": "gaussian", "sigma": 0.1},
//    "loss": {"type": "squared"},
//    "surrogate": {"type": "logistic", "intercept": true},
//    "solver": {"type": "auto"},
//    "samples": 1000}
//
//   auto explainer = DefaultRegistry().Build(spec);     // std::unique_ptr<LfaExplainer>
//
// Defaults when a key is absent: loss squared, surrogate linear with intercept, solver auto,
// samples 1000, name "custom". "neighbourhood" is required.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "framework/lfa_explainer.h"

namespace lfa {

class ComponentRegistry {
 public:
  template <typename T>
  using Factory = std::function<std::unique_ptr<T>(const nlohmann::json&)>;

  void AddNeighbourhood(const std::string& type, Factory<Neighbourhood> factory);
  void AddLoss(const std::string& type, Factory<Loss> factory);
  void AddSurrogate(const std::string& type, Factory<Surrogate> factory);
  void AddSolver(const std::string& type, Factory<Solver> factory);

  std::unique_ptr<Neighbourhood> MakeNeighbourhood(const nlohmann::json& spec) const;
  std::unique_ptr<Loss> MakeLoss(const nlohmann::json& spec) const;
  std::unique_ptr<Surrogate> MakeSurrogate(const nlohmann::json& spec) const;
  std::unique_ptr<Solver> MakeSolver(const nlohmann::json& spec) const;

  // The whole composition; throws InvalidInput naming any unknown key or type.
  std::unique_ptr<LfaExplainer> Build(const nlohmann::json& spec) const;

 private:
  template <typename T>
  static std::unique_ptr<T> Make(const std::map<std::string, Factory<T>>& factories,
                                 const nlohmann::json& spec, const std::string& part);

  std::map<std::string, Factory<Neighbourhood>> neighbourhoods_;
  std::map<std::string, Factory<Loss>> losses_;
  std::map<std::string, Factory<Surrogate>> surrogates_;
  std::map<std::string, Factory<Solver>> solvers_;
};

}  // namespace lfa
