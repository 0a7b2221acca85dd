#include "metrics/mask_leakage.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include <ATen/ATen.h>

#include "framework/errors.h"

namespace lfa {
namespace {

// masks [N, ...] -> float32 [N, P] of 0 / 1; labels checked against N.
torch::Tensor Features(const torch::Tensor& masks, const torch::Tensor& labels, const char* name) {
  if (!masks.defined() || masks.dim() < 2 || masks.size(0) == 0)
    Fail("mask leakage: ", name, " masks must be a non-empty [N, ...], got ",
         masks.defined() ? masks.sizes() : torch::IntArrayRef{});
  if (!labels.defined() || labels.dim() != 1 || labels.size(0) != masks.size(0))
    Fail("mask leakage: ", name, " labels must be [", masks.size(0), "], got ",
         labels.defined() ? labels.sizes() : torch::IntArrayRef{});
  if (labels.min().item<int64_t>() < 0)
    Fail("mask leakage: ", name, " labels must be >= 0, got ", labels.min().item<int64_t>());
  return masks.reshape({masks.size(0), -1}).to(torch::kCPU).to(torch::kFloat).ne(0).to(torch::kFloat);
}

double Accuracy(const torch::Tensor& x, const torch::Tensor& labels, const torch::Tensor& weights,
                const torch::Tensor& bias) {
  const torch::Tensor predicted = torch::addmm(bias, x, weights).argmax(1);
  return predicted.eq(labels.to(torch::kCPU, torch::kLong)).to(torch::kDouble).mean().item<double>();
}

}  // namespace

bool MaskLeakageOptions::IsValid(std::string* error) const {
  std::string text;
  if (steps < 1) {
    text = "steps must be >= 1, got ";
    text += std::to_string(steps);
  } else if (!(learning_rate > 0) || !std::isfinite(learning_rate)) {
    text = "learning_rate must be finite and > 0, got ";
    text += std::to_string(learning_rate);
  } else if (!(l2 >= 0) || !std::isfinite(l2)) {
    text = "l2 must be finite and >= 0, got ";
    text += std::to_string(l2);
  }
  if (error && !text.empty()) *error = text;
  return text.empty();
}

MaskLeakageResult MaskLabelAccuracy(const torch::Tensor& train_masks,
                                    const torch::Tensor& train_labels,
                                    const torch::Tensor& test_masks,
                                    const torch::Tensor& test_labels,
                                    const MaskLeakageOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) Fail("mask leakage: ", error);
  const torch::Tensor x = Features(train_masks, train_labels, "training");
  const torch::Tensor x_test = Features(test_masks, test_labels, "test");
  if (x.size(1) != x_test.size(1))
    Fail("mask leakage: training masks have ", x.size(1), " pixels, test masks ", x_test.size(1));
  const torch::Tensor y = train_labels.to(torch::kCPU, torch::kLong);
  const int64_t classes =
      1 + std::max(y.max().item<int64_t>(), test_labels.max().item<int64_t>());
  const torch::Tensor one_hot = torch::zeros({x.size(0), classes}).scatter_(1, y.unsqueeze(1), 1.0);
  torch::Tensor w = torch::zeros({x.size(1), classes}), b = torch::zeros({classes});
  // Adam's moments, with its usual constants.
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
  torch::Tensor mw = torch::zeros_like(w), vw = torch::zeros_like(w);
  torch::Tensor mb = torch::zeros_like(b), vb = torch::zeros_like(b);
  const double n = static_cast<double>(x.size(0));
  for (int64_t step = 1; step <= options.steps; ++step) {
    const torch::Tensor residual = torch::softmax(torch::addmm(b, x, w), 1) - one_hot;
    const torch::Tensor gw = x.t().mm(residual) / n + options.l2 * w;
    const torch::Tensor gb = residual.mean(0);
    const double c1 = 1 - std::pow(kBeta1, step), c2 = 1 - std::pow(kBeta2, step);
    for (auto [param, grad, m, v] : {std::tuple{&w, &gw, &mw, &vw}, std::tuple{&b, &gb, &mb, &vb}}) {
      m->mul_(kBeta1).add_(*grad, 1 - kBeta1);
      v->mul_(kBeta2).addcmul_(*grad, *grad, 1 - kBeta2);
      param->sub_(options.learning_rate * (*m / c1) / ((*v / c2).sqrt() + kEpsilon));
    }
  }
  const torch::Tensor counts = torch::bincount(test_labels.to(torch::kCPU, torch::kLong));
  return {.train_accuracy = Accuracy(x, y, w, b),
          .test_accuracy = Accuracy(x_test, test_labels, w, b),
          .chance = counts.max().item<double>() / static_cast<double>(test_labels.size(0))};
}

}  // namespace lfa
