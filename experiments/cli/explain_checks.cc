#include "experiments/cli/explain_checks.h"

#include <cfloat>
#include <cmath>
#include <sstream>

#include "experiments/io/text.h"
#include "framework/errors.h"

namespace lfa {
namespace {

std::string Number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// |x| + `spread` must stay finite in `dtype`.
void CheckReach(const std::string& flag, double value, double reach, double spread,
                torch::ScalarType dtype) {
  const double largest = LargestFinite(dtype);
  if (largest <= 0 || (std::isfinite(reach + spread) && reach + spread <= largest)) return;
  Fail(flag, " ", Number(value), " is too large for the model's input type ", DtypeName(dtype),
       ": perturbed inputs would overflow (the points reach ", Number(reach),
       ", the largest finite value is ", Number(largest), ")");
}

}  // namespace

double LargestFinite(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat: return FLT_MAX;
    case torch::kDouble: return DBL_MAX;
    case torch::kHalf: return 65504.0;
    case torch::kBFloat16: return 3.3895313892515355e38;
    default: return 0;
  }
}

void CheckParametersFitModel(const ExplainCommandOptions& options, const Points& data,
                             torch::ScalarType dtype) {
  const double reach = data.values.numel() ? data.values.abs().max().item<double>() : 0.0;
  // Gaussian noise beyond 10 sigma has probability ~1e-23: the bound the samples respect.
  if (options.sigma) CheckReach("--sigma", *options.sigma, reach, 10 * *options.sigma, dtype);
  if (options.noise_fraction) {
    // sigma = fraction x each point's range, at most 2 |x|max.
    CheckReach("--noise-fraction", *options.noise_fraction, reach,
               10 * *options.noise_fraction * 2 * reach, dtype);
  }
  if (const std::optional<double> baseline = ParseDouble(options.baseline))
    CheckReach("--baseline", *baseline, 0, std::abs(*baseline), dtype);
  if (options.kernel_width) {
    // The LIME kernel exp(-d^2 / w^2) needs w^2 to be a positive normal double.
    const double w = *options.kernel_width, squared = w * w;
    if (!std::isfinite(squared) || squared < DBL_MIN)
      Fail("--kernel-width ", Number(w), " is outside what the kernel exp(-d^2/w^2) can use: w^2 "
           "must be a finite positive double (about 1e-154 < w < 1e154)");
  }
}

void CheckResultsFinite(const std::vector<std::string>& header, const torch::Tensor& values,
                        int64_t first_row) {
  const torch::Tensor finite = torch::isfinite(values);
  if (finite.all().item<bool>()) return;
  for (int64_t j = 0; j < values.size(1); ++j) {
    const torch::Tensor column = finite.select(1, j);
    if (column.all().item<bool>()) continue;
    const std::string& name = header.at(j);
    // A method that fits no surrogate (the gradient-only ones) has no loss or R2 at all.
    if ((name == "loss" || name == "r2") && torch::isnan(values.select(1, j)).all().item<bool>())
      continue;
    const int64_t row = torch::logical_not(column).nonzero()[0][0].item<int64_t>();
    Fail("the explanation of row ", first_row + row, " has a non-finite value (",
         Number(values[row][j].item<double>()), ") in column '", Excerpt(name),
         "': the fit failed; check the explainer's parameters (a kernel width, sigma or samples)");
  }
}

}  // namespace lfa
