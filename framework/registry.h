// ComponentRegistry: from a JSON spec to a composed explainer.
//
// Each part type is registered once under its spec name with a factory that reads its options
// (and rejects unknown keys) and one or more example specs (part_example.h). The examples are the
// cases of the contract suites in tests/: the suites enumerate the registry, so every registered
// part is checked, and a part registered without an example is rejected. This is the mechanism
// only: the registry of every built-in part, DefaultRegistry(), lives with the recipes
// (explainers/builtin_registry.h), so the contracts know no concrete part. Users may copy the
// default registry and add their own parts (docs/extending.md).
//
//   {"neighbourhood": {"type": "gaussian", "sigma": 0.1},
//    "loss": {"type": "squared"},
//    "surrogate": {"type": "logistic", "intercept": true},
//    "solver": {"type": "auto"},
//    "samples": 1000}
//
//   auto explainer = DefaultRegistry().Build(spec);     // std::unique_ptr<LfaExplainer>
//
//   ComponentRegistry mine = DefaultRegistry();                         // a copy
//   mine.AddNeighbourhood("uniform_box", &UniformBoxNeighbourhood::FromJson,
//                         UniformBoxNeighbourhood::Examples());
//
// Defaults when a key is absent: loss squared, surrogate linear with intercept, solver auto,
// samples 1000, name "custom". "neighbourhood" is required.
//
// WARNING: registering a type that is already registered replaces its factory and its examples;
// a copy of DefaultRegistry() is the place to do that, never the default registry itself.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "framework/lfa_explainer.h"
#include "framework/part_example.h"

namespace lfa {

class ComponentRegistry {
 public:
  template <typename T>
  using Factory = std::function<std::unique_ptr<T>(const nlohmann::json&)>;

  // Registers `type`. Throws InvalidInput naming the type when `examples` is empty, when an
  // example's spec is not of this type, when two examples share a name, or (neighbourhoods) when
  // an example's input shape or dimension is not positive.
  void AddNeighbourhood(const std::string& type, Factory<Neighbourhood> factory,
                        std::vector<NeighbourhoodExample> examples);
  void AddLoss(const std::string& type, Factory<Loss> factory, std::vector<PartExample> examples);
  void AddSurrogate(const std::string& type, Factory<Surrogate> factory,
                    std::vector<PartExample> examples);
  void AddSolver(const std::string& type, Factory<Solver> factory,
                 std::vector<PartExample> examples);

  // The registered types, in name order.
  std::vector<std::string> NeighbourhoodTypes() const;
  std::vector<std::string> LossTypes() const;
  std::vector<std::string> SurrogateTypes() const;
  std::vector<std::string> SolverTypes() const;

  // Every registered type's examples, types in name order, each type's in registration order.
  std::vector<NeighbourhoodExample> NeighbourhoodExamples() const;
  std::vector<PartExample> LossExamples() const;
  std::vector<PartExample> SurrogateExamples() const;
  std::vector<PartExample> SolverExamples() const;

  std::unique_ptr<Neighbourhood> MakeNeighbourhood(const nlohmann::json& spec) const;
  std::unique_ptr<Loss> MakeLoss(const nlohmann::json& spec) const;
  std::unique_ptr<Surrogate> MakeSurrogate(const nlohmann::json& spec) const;
  std::unique_ptr<Solver> MakeSolver(const nlohmann::json& spec) const;

  // The whole composition; throws InvalidInput naming any unknown key or type.
  std::unique_ptr<LfaExplainer> Build(const nlohmann::json& spec) const;

 private:
  // One registered type: how to make it from a spec, and the specs its contract suite runs.
  template <typename T, typename Example>
  struct Registered {
    Factory<T> factory;
    std::vector<Example> examples;
  };
  template <typename T, typename Example>
  using Table = std::map<std::string, Registered<T, Example>>;

  template <typename T, typename Example>
  static std::unique_ptr<T> Make(const Table<T, Example>& table, const nlohmann::json& spec,
                                 const std::string& part);

  Table<Neighbourhood, NeighbourhoodExample> neighbourhoods_;
  Table<Loss, PartExample> losses_;
  Table<Surrogate, PartExample> surrogates_;
  Table<Solver, PartExample> solvers_;
};

}  // namespace lfa
