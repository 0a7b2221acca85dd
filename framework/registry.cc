#include "framework/registry.h"

#include "framework/errors.h"
#include "framework/spec_reader.h"

namespace lfa {

void ComponentRegistry::AddNeighbourhood(const std::string& type, Factory<Neighbourhood> f) {
  neighbourhoods_[type] = std::move(f);
}
void ComponentRegistry::AddLoss(const std::string& type, Factory<Loss> f) { losses_[type] = std::move(f); }
void ComponentRegistry::AddSurrogate(const std::string& type, Factory<Surrogate> f) {
  surrogates_[type] = std::move(f);
}
void ComponentRegistry::AddSolver(const std::string& type, Factory<Solver> f) {
  solvers_[type] = std::move(f);
}

template <typename T>
std::unique_ptr<T> ComponentRegistry::Make(const std::map<std::string, Factory<T>>& factories,
                                           const nlohmann::json& spec, const std::string& part) {
  if (!spec.is_object()) Fail("spec: '", part, "' must be an object with a \"type\", got ", spec.dump());
  if (!spec.contains("type") || !spec["type"].is_string())
    Fail("spec: '", part, "' needs a string \"type\"");
  const std::string type = spec["type"];
  auto it = factories.find(type);
  if (it == factories.end()) {
    std::string known;
    for (const auto& [name, factory] : factories) known += (known.empty() ? "" : ", ") + name;
    Fail("spec: unknown ", part, " type '", type, "' (known: ", known, ")");
  }
  return it->second(spec);
}

std::unique_ptr<Neighbourhood> ComponentRegistry::MakeNeighbourhood(const nlohmann::json& spec) const {
  return Make(neighbourhoods_, spec, "neighbourhood");
}
std::unique_ptr<Loss> ComponentRegistry::MakeLoss(const nlohmann::json& spec) const {
  return Make(losses_, spec, "loss");
}
std::unique_ptr<Surrogate> ComponentRegistry::MakeSurrogate(const nlohmann::json& spec) const {
  return Make(surrogates_, spec, "surrogate");
}
std::unique_ptr<Solver> ComponentRegistry::MakeSolver(const nlohmann::json& spec) const {
  return Make(solvers_, spec, "solver");
}

std::unique_ptr<LfaExplainer> ComponentRegistry::Build(const nlohmann::json& spec) const {
  SpecReader reader(spec, "spec");
  const std::string name = reader.String("name", "custom");
  const nlohmann::json neighbourhood = reader.Raw("neighbourhood");
  if (neighbourhood.is_null()) Fail("spec: 'neighbourhood' is required");
  nlohmann::json loss = reader.Raw("loss");
  nlohmann::json surrogate = reader.Raw("surrogate");
  nlohmann::json solver = reader.Raw("solver");
  const int64_t samples = reader.Integer("samples", 1000);
  reader.Finish();
  if (loss.is_null()) loss = {{"type", "squared"}};
  if (surrogate.is_null()) surrogate = {{"type", "linear"}};
  if (solver.is_null()) solver = {{"type", "auto"}};
  if (samples < 1) Fail("spec: 'samples' must be >= 1, got ", samples);
  return std::make_unique<LfaExplainer>(name, MakeNeighbourhood(neighbourhood), MakeLoss(loss),
                                        MakeSurrogate(surrogate), MakeSolver(solver), samples);
}

}  // namespace lfa
