#include "metrics/summary.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "framework/errors.h"

namespace lfa {

MetricSummary Summarize(const torch::Tensor& per_point) {
  if (!per_point.defined()) Fail("metric summary: per-point values are undefined");
  if (per_point.dim() != 1)
    Fail("metric summary: per-point values must be 1-D [N], got shape ", per_point.sizes());
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  MetricSummary summary;
  summary.per_point = per_point.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const int64_t n = summary.per_point.size(0);
  summary.mean = n > 0 ? summary.per_point.mean().item<double>() : nan;
  summary.sem = n > 1 ? summary.per_point.std(/*unbiased=*/true).item<double>() /
                            std::sqrt(static_cast<double>(n))
                      : nan;
  return summary;
}

std::string MetricSummary::BriefReport() const {
  std::ostringstream out;
  out << mean << " +/- " << sem << " (n = " << (per_point.defined() ? per_point.numel() : 0) << ")";
  return out.str();
}

}  // namespace lfa
