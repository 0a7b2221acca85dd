#include "experiments/studies/paper/results.h"

#include <cmath>
#include <optional>

#include "experiments/io/text.h"
#include "experiments/report/markdown.h"

namespace lfa {
namespace {

double ReadBack(double value, const std::string& printed) {
  const std::optional<double> parsed = ParseDouble(printed);
  return parsed ? *parsed : value;
}

}  // namespace

double RoundToDecimals(double value, int decimals) {
  if (!std::isfinite(value)) return value;
  return ReadBack(value, Format(value, decimals));
}

double RoundToSignificant(double value) {
  if (!std::isfinite(value)) return value;
  return ReadBack(value, FormatG(value));
}

std::string PaperModelResults::Name() const {
  std::string name = dataset;
  name += ' ';
  name += model;
  return name;
}

}  // namespace lfa
