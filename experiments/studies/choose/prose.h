// Prose: how `lfa choose` writes numbers and names into sentences (verdicts, the answer, the
// report's captions), so that every sentence formats them the same way.
//
//   Concat("loss ", Short(0.001234), " at ", Percent(0.25))   // "loss 0.00123 at 25%"
//   Quoted({"lime", "kernelshap"})                           // "`lime`, `kernelshap`"
//
// WARNING: build sentences with Concat (or +=), not `"text" + std::to_string(n)`: GCC 12 warns
// (a false positive) on a literal added to a temporary string, and the build must stay silent.
#pragma once

#include <string>
#include <vector>

namespace lfa {

// Appends every part (strings, literals, characters) to one string.
template <typename... Parts>
std::string Concat(const Parts&... parts) {
  std::string text;
  (text += ... += parts);
  return text;
}

// Three significant digits ("0.00123", "1.5e-09").
std::string Short(double value);
// A share as a whole percentage ("25%").
std::string Percent(double share);
// Names in backquotes, comma-separated.
std::string Quoted(const std::vector<std::string>& names);

}  // namespace lfa
