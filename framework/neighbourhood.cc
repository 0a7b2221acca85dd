#include "framework/neighbourhood.h"

#include <algorithm>

#include "framework/errors.h"

namespace lfa {

PointBatch PointBatch::Slice(int64_t begin, int64_t end) const {
  return {flat.slice(0, begin, end), input_shape, seed, first_index + begin};
}

Baseline Baseline::FromJson(const nlohmann::json& spec, const std::string& what) {
  if (spec.is_null()) return Baseline(0.0);
  if (spec.is_number()) return Baseline(spec.get<double>());
  if (spec.is_array()) {
    if (!std::all_of(spec.begin(), spec.end(), [](const auto& v) { return v.is_number(); }))
      Fail(what, ": 'baseline' must be a number or an array of numbers, got ", spec.dump());
    std::vector<double> values = spec.get<std::vector<double>>();
    return Baseline(torch::tensor(values, torch::kDouble));
  }
  Fail(what, ": 'baseline' must be a number or an array of numbers, got ", spec.dump());
}

nlohmann::json Baseline::ToJson() const {
  if (!values_.defined()) return value_;
  torch::Tensor v = values_.contiguous();
  return std::vector<double>(v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
}

torch::Tensor Baseline::For(const PointBatch& points) const {
  if (!values_.defined()) return torch::full_like(points.flat, value_);
  if (values_.numel() != points.flat.size(1))
    Fail("baseline has ", values_.numel(), " values but inputs have ", points.flat.size(1),
         " elements");
  return values_.to(points.flat.dtype()).reshape({1, -1}).expand_as(points.flat);
}

}  // namespace lfa
