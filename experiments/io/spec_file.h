// Spec files: the JSON text that composes an explainer (docs/spec.md), read from disk.
//
//   nlohmann::json spec = ReadSpecFile("kernelshap_gm.json");
//   auto explainer = DefaultRegistry().Build(spec);
//
// The reader is bounded: at most 1 MiB of text, objects and arrays nested at most kMostSpecDepth
// deep (a spec needs 3; tens of thousands of nested arrays would exhaust the stack when the value
// is destroyed or printed), and a parse error quotes at most ~200 characters. The file is read
// once (input_stream.h), so `--spec <(generate_spec)` works; a directory is refused by name.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace lfa {

// The deepest nesting of objects and arrays a spec file may have.
inline constexpr int kMostSpecDepth = 64;

// Reads a JSON spec file; errors name the file and the JSON parse position.
nlohmann::json ReadSpecFile(const std::string& path);

}  // namespace lfa
