// The cases of the contract suites, taken from a registry: one per registered example spec.
//
// Every part registered in a ComponentRegistry supplies example specs (framework/part_example.h).
// The contract suites (tests/neighbourhoods, losses, surrogates, solvers) are value-parameterised
// over these cases, instantiated from DefaultRegistry(), so every registered part runs them. A
// case remembers its registry, because the suite makes the part through it (and round-trips its
// JSON through it): a part added to a copy of the default registry gets the whole suite with one
// line (tests/docs/extending_test.cc):
//
//   INSTANTIATE_TEST_SUITE_P(UniformBox, NeighbourhoodContract,
//                            ::testing::ValuesIn(test::NeighbourhoodCases(Mine(), "uniform_box")),
//                            test::CaseName());
//
// WARNING: the registry must outlive the test run (DefaultRegistry(), or a function-local static
// copy): cases are made before main() and the suite runs long after.
#pragma once

#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "framework/part_example.h"
#include "framework/registry.h"

namespace lfa::test {

template <typename Example>
struct RegistryCase {
  const ComponentRegistry* registry = nullptr;
  Example example;

  std::string type() const { return example.spec.at("type").template get<std::string>(); }
  // type, or type_name: a googletest name (characters outside [A-Za-z0-9_] become '_').
  std::string name() const {
    std::string full = type();
    if (!example.name.empty()) {
      full += "_";
      full += example.name;
    }
    for (char& c : full)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return full;
  }
};

using NeighbourhoodCase = RegistryCase<NeighbourhoodExample>;
using PartCase = RegistryCase<PartExample>;

template <typename Example>
std::ostream& operator<<(std::ostream& out, const RegistryCase<Example>& c) {
  return out << c.name() << " " << c.example.spec.dump();
}

// Names each instantiated test after its case.
struct CaseName {
  template <typename Case>
  std::string operator()(const ::testing::TestParamInfo<Case>& info) const {
    return info.param.name();
  }
};

// The cases of `examples` (all registered in `registry`), only those of `only_type` when given.
template <typename Example>
std::vector<RegistryCase<Example>> CasesOf(const ComponentRegistry& registry,
                                           const std::vector<Example>& examples,
                                           const std::string& only_type) {
  std::vector<RegistryCase<Example>> cases;
  for (const Example& example : examples) {
    RegistryCase<Example> c{&registry, example};
    if (only_type.empty() || c.type() == only_type) cases.push_back(c);
  }
  return cases;
}

inline std::vector<NeighbourhoodCase> NeighbourhoodCases(const ComponentRegistry& registry,
                                                         const std::string& only_type = "") {
  return CasesOf(registry, registry.NeighbourhoodExamples(), only_type);
}
inline std::vector<PartCase> LossCases(const ComponentRegistry& registry,
                                       const std::string& only_type = "") {
  return CasesOf(registry, registry.LossExamples(), only_type);
}
inline std::vector<PartCase> SurrogateCases(const ComponentRegistry& registry,
                                            const std::string& only_type = "") {
  return CasesOf(registry, registry.SurrogateExamples(), only_type);
}
inline std::vector<PartCase> SolverCases(const ComponentRegistry& registry,
                                         const std::string& only_type = "") {
  return CasesOf(registry, registry.SolverExamples(), only_type);
}

}  // namespace lfa::test
