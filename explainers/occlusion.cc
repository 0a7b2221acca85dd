#include "explainers/occlusion.h"

#include <algorithm>
#include <sstream>

#include "framework/errors.h"
#include "framework/lfa_explainer.h"
#include "framework/loss.h"

namespace lfa {
namespace {

std::string Tuple(const std::vector<int64_t>& values) {
  std::string text = "(";
  for (size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
  return text + ")";
}

}  // namespace

bool SlidingWindowOptions::IsValid(std::string* error) const {
  std::ostringstream out;
  if (window.empty()) {
    out << "occlusion: sliding window is empty";
  } else if (std::any_of(window.begin(), window.end(), [](int64_t v) { return v < 1; })) {
    out << "occlusion: sliding window entries must be >= 1, got " << Tuple(window);
  } else if (std::any_of(strides.begin(), strides.end(), [](int64_t v) { return v < 1; })) {
    out << "occlusion: strides must be >= 1, got " << Tuple(strides);
  } else if (strides.size() > window.size()) {
    out << "occlusion: strides " << Tuple(strides) << " have more entries than the sliding window "
        << Tuple(window);
  }
  if (out.str().empty()) return true;
  if (error) *error = out.str();
  return false;
}

SlidingWindows::SlidingWindows(const std::vector<int64_t>& input_shape,
                               const SlidingWindowOptions& options)
    : shape_(input_shape) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  const size_t rank = shape_.size(), k = options.window.size();
  if (k > rank)
    Fail("occlusion: sliding window ", Tuple(options.window), " has more dimensions than the input ",
         Tuple(shape_));
  // Full-rank window and strides: leading dimensions are covered whole (one position, stride 1).
  window_.assign(shape_.begin(), shape_.end());
  strides_.assign(rank, 1);
  std::copy(options.window.begin(), options.window.end(), window_.end() - k);
  std::copy(options.strides.begin(), options.strides.end(), strides_.end() - options.strides.size());
  for (size_t d = 0; d < rank; ++d) {
    if (window_[d] > shape_[d])
      Fail("occlusion: sliding window ", Tuple(options.window), " exceeds the input ",
           Tuple(shape_), " (dimension ", d, ")");
    if (window_[d] < shape_[d] && strides_[d] > window_[d])
      Fail("occlusion: stride ", strides_[d], " exceeds the sliding window's ", window_[d],
           " in dimension ", d, " of the input ", Tuple(shape_),
           ": some elements would be in no window");
    // ceil((n - w) / s) + 1 positions; the last one may be cut off at the border.
    counts_.push_back((shape_[d] - window_[d] + strides_[d] - 1) / strides_[d] + 1);
    count_ *= counts_.back();
  }
}

torch::Tensor SlidingWindows::Indicator(int64_t d, const torch::Tensor& positions) const {
  const torch::Tensor start = (positions * strides_[d]).unsqueeze(1);         // [w, 1]
  const torch::Tensor element = torch::arange(shape_[d], torch::kLong).unsqueeze(0);  // [1, n_d]
  return (element >= start) & (element < start + window_[d]);
}

torch::Tensor SlidingWindows::Masks(int64_t begin, int64_t end) const {
  const int64_t w = end - begin;
  // Row-major multi-index of every position: the last dimension varies fastest.
  torch::Tensor rest = torch::arange(begin, end, torch::kLong);
  std::vector<torch::Tensor> indicators(shape_.size());
  for (int64_t d = static_cast<int64_t>(shape_.size()) - 1; d >= 0; --d) {
    indicators[d] = Indicator(d, rest.remainder(counts_[d]));
    rest = rest.div(counts_[d], /*rounding_mode=*/"floor");
  }
  if (indicators.empty()) return torch::ones({w, 1}, torch::kBool);
  torch::Tensor mask = indicators[0];
  for (size_t d = 1; d < indicators.size(); ++d)
    mask = (mask.unsqueeze(2) & indicators[d].unsqueeze(1)).reshape({w, -1});
  return mask;
}

torch::Tensor SlidingWindows::Coverage() const {
  // The windows are products of per-dimension intervals, so the coverage is the outer product of
  // the per-dimension coverages.
  torch::Tensor coverage = torch::ones({1}, torch::kDouble);
  for (size_t d = 0; d < shape_.size(); ++d) {
    const torch::Tensor per_dim =
        Indicator(d, torch::arange(counts_[d], torch::kLong)).to(torch::kDouble).sum(0);
    coverage = (coverage.unsqueeze(1) * per_dim.unsqueeze(0)).reshape({-1});
  }
  return coverage;
}

SlidingWindowOcclusion::SlidingWindowOcclusion(SlidingWindowOptions options, std::string name)
    : options_(std::move(options)), name_(std::move(name)) {
  std::string error;
  if (!options_.IsValid(&error)) throw InvalidInput(error);
}

Explanation SlidingWindowOcclusion::Explain(Oracle& oracle, const PointBatch& points,
                                            const torch::Tensor& targets,
                                            const ProgressCallback& progress) const {
  const SlidingWindows windows(points.input_shape, options_);
  const int64_t n = points.size(), d = points.flat.size(1), p = windows.count();
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  const torch::Tensor coverage = windows.Coverage();
  // Rows of D values per Oracle call; a chunk of points sends all its windows at once when they
  // fit, otherwise one point at a time with its windows split over calls.
  const int64_t rows = std::max<int64_t>(1, LfaExplainer::kMaxChunkValues / std::max<int64_t>(1, d));
  const int64_t chunk = std::max<int64_t>(1, rows / p);
  const int64_t windows_per_call = std::max<int64_t>(1, rows / chunk);
  torch::NoGradGuard no_grad;
  std::vector<Explanation> parts;
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t end = std::min(n, begin + chunk), c = end - begin;
    const int64_t before = oracle.queries();
    const PointBatch batch = points.Slice(begin, end);
    const torch::Tensor x = batch.flat.unsqueeze(1);                   // [c, 1, D]
    const torch::Tensor b = options_.baseline.For(batch).unsqueeze(1);  // [c, 1, D]
    const torch::Tensor t = all_targets.slice(0, begin, end);
    const torch::Tensor fx = oracle.Values(AsModelInputs(x, points.input_shape), t);  // [c]
    torch::Tensor total = torch::zeros({c, d}, torch::kDouble);
    for (int64_t p0 = 0; p0 < p; p0 += windows_per_call) {
      const int64_t p1 = std::min(p, p0 + windows_per_call);
      const torch::Tensor mask = windows.Masks(p0, p1);                // [w, D]
      const torch::Tensor occluded = torch::where(mask.unsqueeze(0), b, x);  // [c, w, D]
      const torch::Tensor y = oracle.Values(AsModelInputs(occluded, points.input_shape),
                                            RepeatTargets(t, p1 - p0))
                                  .reshape({c, p1 - p0});
      total += (fx.unsqueeze(1) - y).matmul(mask.to(torch::kDouble));
    }
    parts.push_back(Unfitted(name_, total / coverage, points.input_shape, 0));
    parts.back().model_queries = oracle.queries() - before;
    if (progress) progress(end, n);
  }
  if (parts.empty()) return Unfitted(name_, torch::zeros({0, d}, torch::kDouble), points.input_shape, 0);
  return Explanation::Concatenate(parts);
}

}  // namespace lfa
