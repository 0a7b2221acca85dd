#include "framework/explainer.h"

#include <sstream>

#include "framework/errors.h"

namespace lfa {

torch::Tensor Explanation::AttributionMaps() const {
  std::vector<int64_t> shape = {attributions.size(0)};
  shape.insert(shape.end(), input_shape.begin(), input_shape.end());
  int64_t elements = 1;
  for (int64_t s : input_shape) elements *= s;
  if (elements != attributions.size(1))
    Fail("explanation '", method, "' has ", attributions.size(1),
         " attributions per point (feature groups), not one per input element (", elements, ")");
  return attributions.reshape(shape);
}

std::string Explanation::BriefReport() const {
  std::ostringstream out;
  out << method << ": " << attributions.size(0) << " point(s), " << attributions.size(1)
      << " attribution(s) each, " << model_queries << " model queries";
  if (loss.defined() && loss.numel() > 0 && !torch::isnan(loss).all().item<bool>()) {
    // A mean over some of the points must say so: NaN losses are not silently dropped.
    const torch::Tensor finite_rows = torch::isfinite(loss);
    const int64_t finite = finite_rows.sum().item<int64_t>();
    out << ", mean loss " << loss.masked_select(finite_rows).mean().item<double>() << ", mean R2 "
        << r2.masked_select(finite_rows).mean().item<double>();
    if (finite < loss.numel())
      out << " (over the " << finite << " of " << loss.numel() << " points with a finite loss)";
    const int64_t ridged = (ridge > 0).sum().item<int64_t>();
    if (ridged > 0) out << ", ridge fallback on " << ridged << " point(s)";
  }
  return out.str();
}

Explanation Explanation::Concatenate(const std::vector<Explanation>& parts) {
  TORCH_CHECK(!parts.empty(), "Concatenate needs at least one explanation");
  Explanation all;
  all.method = parts.front().method;
  all.input_shape = parts.front().input_shape;
  std::vector<torch::Tensor> a, b, l, r, k;
  for (const auto& p : parts) {
    a.push_back(p.attributions);
    b.push_back(p.intercepts);
    l.push_back(p.loss);
    r.push_back(p.r2);
    k.push_back(p.ridge);
    all.model_queries += p.model_queries;
  }
  all.attributions = torch::cat(a);
  all.intercepts = torch::cat(b);
  all.loss = torch::cat(l);
  all.r2 = torch::cat(r);
  all.ridge = torch::cat(k);
  return all;
}

PointBatch MakePointBatch(const torch::Tensor& points, uint64_t seed, int64_t first_index) {
  if (points.dim() < 2) Fail("points must be [N, *input_shape], got shape ", points.sizes());
  std::vector<int64_t> shape(points.sizes().begin() + 1, points.sizes().end());
  return {points.detach().to(torch::kCPU, torch::kDouble).reshape({points.size(0), -1}).contiguous(),
          shape, seed, first_index};
}

torch::Tensor Targets(int64_t output, int64_t n) { return torch::full({n}, output, torch::kLong); }

Explanation Unfitted(std::string method, torch::Tensor attributions,
                     const std::vector<int64_t>& input_shape, int64_t queries) {
  const int64_t n = attributions.size(0);
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  return {std::move(method), std::move(attributions), torch::zeros({n}, torch::kDouble),
          torch::full({n}, nan, torch::kDouble), torch::full({n}, nan, torch::kDouble),
          torch::zeros({n}, torch::kDouble), queries, input_shape};
}

}  // namespace lfa
