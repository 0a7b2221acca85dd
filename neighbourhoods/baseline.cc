#include "neighbourhoods/baseline.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "framework/errors.h"
#include "framework/spec_reader.h"
#include "neighbourhoods/gaussian_blur.h"

namespace lfa {
namespace {

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

constexpr const char* kBaselineForms =
    "a number, an array of numbers or {\"type\": \"blur\", \"sigma\": S}";

}  // namespace

Baseline::Baseline(torch::Tensor values)
    : values_(values.to(torch::kCPU, torch::kDouble).reshape({-1}).contiguous()) {}

Baseline Baseline::Blur(double sigma) {
  if (!(sigma > 0) || !std::isfinite(sigma))
    Fail("baseline 'blur': sigma must be finite and > 0 (pixels), got ", sigma);
  Baseline b;
  b.blur_sigma_ = sigma;
  return b;
}

Baseline Baseline::DatasetMean(const torch::Tensor& images, bool per_channel) {
  if (!images.defined() || images.dim() < (per_channel ? 3 : 2) || images.size(0) < 1) {
    std::ostringstream shape;
    if (images.defined()) shape << images.sizes();
    Fail("dataset mean baseline: images must be ",
         per_channel ? "[N, C, *spatial] with N >= 1 and a spatial dimension"
                     : "[N, *input_shape] with N >= 1",
         ", got shape ", images.defined() ? shape.str() : "(undefined)");
  }
  const torch::Tensor x = images.to(torch::kCPU, torch::kDouble);
  if (!per_channel) return Baseline(x.mean(0));
  std::vector<int64_t> reduce = {0};
  for (int64_t d = 2; d < x.dim(); ++d) reduce.push_back(d);
  std::vector<int64_t> view(x.dim() - 1, 1);
  view[0] = x.size(1);
  const torch::Tensor channel_mean = x.mean(reduce).view(view);  // [C, 1, ..., 1]
  return Baseline(channel_mean.expand(x.sizes().slice(1)));
}

Baseline Baseline::FromJson(const nlohmann::json& spec, const std::string& what) {
  if (spec.is_null()) return Baseline(0.0);
  if (spec.is_number()) return Baseline(spec.get<double>());
  if (spec.is_array()) {
    if (!std::all_of(spec.begin(), spec.end(), [](const auto& v) { return v.is_number(); }))
      Fail(what, ": 'baseline' must be ", kBaselineForms, ", got ", Excerpt(spec.dump()));
    std::vector<double> values = spec.get<std::vector<double>>();
    return Baseline(torch::tensor(values, torch::kDouble));
  }
  if (spec.is_object()) {
    SpecReader reader(spec, what + ": 'baseline'");
    const std::string type = reader.String("type", "");
    if (type != "blur")
      Fail(what, ": 'baseline' object must have \"type\": \"blur\", got ", Excerpt(spec.dump()));
    const nlohmann::json sigma = reader.Raw("sigma");
    reader.Finish();
    if (!sigma.is_number() || !(sigma.get<double>() > 0) || !std::isfinite(sigma.get<double>()))
      Fail(what, ": baseline 'blur' needs 'sigma' > 0 (pixels), got ",
           sigma.is_null() ? "nothing" : Excerpt(sigma.dump()));
    return Blur(sigma.get<double>());
  }
  Fail(what, ": 'baseline' must be ", kBaselineForms, ", got ", Excerpt(spec.dump()));
}

nlohmann::json Baseline::ToJson() const {
  if (is_blur()) return {{"type", "blur"}, {"sigma", blur_sigma_}};
  if (!values_.defined()) return value_;
  return std::vector<double>(values_.data_ptr<double>(), values_.data_ptr<double>() + values_.numel());
}

torch::Tensor Baseline::For(const PointBatch& points) const {
  if (is_blur()) {
    const std::vector<int64_t>& shape = points.input_shape;
    if (shape.size() != 3)
      Fail("baseline 'blur': inputs must be images [C, H, W], got input shape ", ShapeText(shape));
    const int64_t n = points.size();
    return GaussianBlur(points.flat.reshape({n, shape[0], shape[1], shape[2]}), blur_sigma_)
        .reshape({n, -1});
  }
  if (!values_.defined()) return torch::full_like(points.flat, value_);
  if (values_.numel() != points.flat.size(1))
    Fail("baseline has ", values_.numel(), " values but inputs have ", points.flat.size(1),
         " elements");
  return values_.to(points.flat.device(), points.flat.scalar_type())
      .reshape({1, -1})
      .expand_as(points.flat);
}

}  // namespace lfa
