// Spec files: the JSON text that composes an explainer (docs/spec.md), read from disk.
//
//   nlohmann::json spec = ReadSpecFile("kernelshap_gm.json");
//   auto explainer = DefaultRegistry().Build(spec);
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace lfa {

// Reads a JSON spec file; errors name the file and the JSON parse position.
nlohmann::json ReadSpecFile(const std::string& path);

}  // namespace lfa
