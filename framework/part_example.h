// PartExample: an example spec that a part supplies when it is registered.
//
// Every part registered in a ComponentRegistry (registry.h) brings one or more examples: complete
// specs of that part, {"type": ..., options...}. The contract suites in tests/ take their cases
// from the registry's examples (tests/framework/registry_cases.h), so every registered
// neighbourhood, loss, surrogate and solver is checked against its contract, and registering a
// part without an example is an error. A neighbourhood's example also says which input shape it
// is meant for and what the suite must find there (NeighbourhoodExample).
//
//   // next to FromJson, in the part's own source file:
//   std::vector<NeighbourhoodExample> UniformBoxNeighbourhood::Examples() {
//     return {{.spec = nlohmann::json::parse(R"({"type": "uniform_box", "radius": 0.2})"),
//              .input_shape = {5}, .dimension = 5}};
//   }
//   registry.AddNeighbourhood("uniform_box", &UniformBoxNeighbourhood::FromJson,
//                             UniformBoxNeighbourhood::Examples());
//
// WARNING: an example is a test case. An option that no example sets away from its default, and
// an input shape that no example uses (images, feature groups, a per-element baseline), is never
// checked by the contract suites: give one example per behaviour the part has.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lfa {

// An example of a loss, surrogate or solver.
struct PartExample {
  // What sets this example apart, e.g. "delta" or "no_intercept"; empty for the plain one. The
  // test case is called type_name (or type); names are unique within a type.
  std::string name;
  nlohmann::json spec;  // a complete spec of the part, its "type" included
};

// An example of a neighbourhood, with the input it is meant for.
struct NeighbourhoodExample {
  std::string name;                  // as PartExample::name
  nlohmann::json spec;               // a complete spec of the neighbourhood
  std::vector<int64_t> input_shape;  // one point's shape, e.g. {5} or {1, 4, 4}; sizes >= 1
  int64_t dimension = 0;             // the expected Dimension(input_shape), >= 1
  bool seeded = true;                // false: the draws ignore the seed (an enumeration)
};

}  // namespace lfa
