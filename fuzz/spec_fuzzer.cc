// Fuzz target for the spec reader: ReadSpecFile (experiments/io/spec_file.h), then
// DefaultRegistry().Build (explainers/builtin_registry.h), as `lfa explain --spec FILE` does.
//
// Each input is a spec file's bytes. Accepted outcomes: an explainer, or an InvalidInput (bad
// input, said in one message); anything else (a JSON type error escaping as itself, another
// exception, a sanitizer report, a stack overflow) is a defect.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "experiments/io/spec_file.h"
#include "explainers/builtin_registry.h"
#include "framework/errors.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static lfa::MemoryFile file("fuzz-spec.json");
  file.Set(data, size);
  try {
    const nlohmann::json spec = lfa::ReadSpecFile(file.path());
    const auto explainer = lfa::DefaultRegistry().Build(spec);
    lfa::FuzzCheck(explainer != nullptr, "Build answers an explainer or throws");
  } catch (const lfa::InvalidInput&) {
  }
  return 0;
}
