// DefaultRegistry: every built-in part under its spec name.
//
// The registry mechanism (framework/registry.h) knows no concrete part; this file is where the
// concrete neighbourhoods, losses, surrogates and solvers are listed, one line each: the spec
// name, the factory and the part's example specs. Adding a part to the project is one line here
// (docs/extending.md). The contract suites in tests/ take their cases from these examples, so a
// part cannot be registered without passing them.
//
//   auto explainer = DefaultRegistry().Build(nlohmann::json::parse(R"({
//       "neighbourhood": {"type": "gaussian", "sigma": 0.1},
//       "loss": {"type": "gradient_matching"},
//       "surrogate": {"type": "linear", "intercept": false}})"));
#pragma once

#include "framework/registry.h"

namespace lfa {

// Every built-in part. Built once, never modified afterwards.
const ComponentRegistry& DefaultRegistry();

}  // namespace lfa
