#include "framework/registry.h"

#include <set>
#include <utility>

#include "framework/errors.h"
#include "framework/spec_reader.h"

namespace lfa {
namespace {

// What only a neighbourhood's example carries: the input it is meant for.
void CheckInput(const NeighbourhoodExample& example, const std::string& what) {
  if (example.input_shape.empty()) Fail(what, ": input_shape must name at least one dimension");
  for (int64_t size : example.input_shape)
    if (size < 1) Fail(what, ": input_shape sizes must be >= 1, got ", size);
  if (example.dimension < 1) Fail(what, ": dimension must be >= 1, got ", example.dimension);
}
void CheckInput(const PartExample&, const std::string&) {}

// The examples of `type` (a `part`): at least one, each a spec of this type, names unique.
template <typename Example>
void CheckExamples(const std::string& part, const std::string& type,
                   const std::vector<Example>& examples) {
  std::string owner = "registry: ";
  owner += part;
  owner += " '";
  owner += type;
  owner += "'";
  if (examples.empty())
    Fail(owner, " has no example spec; every registered part needs at least one, for its "
                "contract suite (framework/part_example.h)");
  std::set<std::string> names;
  for (const Example& example : examples) {
    std::string what = owner;
    what += ", example '";
    what += example.name;
    what += "'";
    if (!names.insert(example.name).second) Fail(what, ": the name is used twice");
    if (!example.spec.is_object() || !example.spec.contains("type") ||
        example.spec["type"] != type)
      Fail(what, ": the spec must be an object of \"type\" '", type, "', got ",
           example.spec.dump());
    CheckInput(example, what);
  }
}

template <typename Table>
std::vector<std::string> TypesOf(const Table& table) {
  std::vector<std::string> types;
  for (const auto& [type, registered] : table) types.push_back(type);
  return types;
}

template <typename Example, typename Table>
std::vector<Example> ExamplesOf(const Table& table) {
  std::vector<Example> examples;
  for (const auto& [type, registered] : table)
    examples.insert(examples.end(), registered.examples.begin(), registered.examples.end());
  return examples;
}

}  // namespace

void ComponentRegistry::AddNeighbourhood(const std::string& type, Factory<Neighbourhood> factory,
                                         std::vector<NeighbourhoodExample> examples) {
  CheckExamples("neighbourhood", type, examples);
  neighbourhoods_[type] = {std::move(factory), std::move(examples)};
}
void ComponentRegistry::AddLoss(const std::string& type, Factory<Loss> factory,
                                std::vector<PartExample> examples) {
  CheckExamples("loss", type, examples);
  losses_[type] = {std::move(factory), std::move(examples)};
}
void ComponentRegistry::AddSurrogate(const std::string& type, Factory<Surrogate> factory,
                                     std::vector<PartExample> examples) {
  CheckExamples("surrogate", type, examples);
  surrogates_[type] = {std::move(factory), std::move(examples)};
}
void ComponentRegistry::AddSolver(const std::string& type, Factory<Solver> factory,
                                  std::vector<PartExample> examples) {
  CheckExamples("solver", type, examples);
  solvers_[type] = {std::move(factory), std::move(examples)};
}

std::vector<std::string> ComponentRegistry::NeighbourhoodTypes() const {
  return TypesOf(neighbourhoods_);
}
std::vector<std::string> ComponentRegistry::LossTypes() const { return TypesOf(losses_); }
std::vector<std::string> ComponentRegistry::SurrogateTypes() const { return TypesOf(surrogates_); }
std::vector<std::string> ComponentRegistry::SolverTypes() const { return TypesOf(solvers_); }

std::vector<NeighbourhoodExample> ComponentRegistry::NeighbourhoodExamples() const {
  return ExamplesOf<NeighbourhoodExample>(neighbourhoods_);
}
std::vector<PartExample> ComponentRegistry::LossExamples() const {
  return ExamplesOf<PartExample>(losses_);
}
std::vector<PartExample> ComponentRegistry::SurrogateExamples() const {
  return ExamplesOf<PartExample>(surrogates_);
}
std::vector<PartExample> ComponentRegistry::SolverExamples() const {
  return ExamplesOf<PartExample>(solvers_);
}

template <typename T, typename Example>
std::unique_ptr<T> ComponentRegistry::Make(const Table<T, Example>& table,
                                           const nlohmann::json& spec, const std::string& part) {
  if (!spec.is_object())
    Fail("spec: '", part, "' must be an object with a \"type\", got ", Excerpt(spec.dump()));
  if (!spec.contains("type") || !spec["type"].is_string())
    Fail("spec: '", part, "' needs a string \"type\"");
  const std::string type = spec["type"];
  auto it = table.find(type);
  if (it == table.end()) {
    std::string known;
    for (const auto& [name, registered] : table) {
      if (!known.empty()) known += ", ";
      known += name;
    }
    Fail("spec: unknown ", part, " type '", type, "' (known: ", known, ")");
  }
  return it->second.factory(spec);
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
