#include "experiments/studies/choose/prose.h"

#include <cstdio>

namespace lfa {

std::string Short(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", value);
  return text;
}

std::string Percent(double share) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.0f%%", 100 * share);
  return text;
}

std::string Quoted(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += Concat(text.empty() ? "" : ", ", "`", name, "`");
  return text;
}

}  // namespace lfa
