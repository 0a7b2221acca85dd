// Helpers shared by the GoogleTest suite: seeded random tensors, closeness assertions with a
// readable failure message, and the nonlinear test function used across files,
//     f(x) = sum_i sin(w_i x_i) + x_0 x_1 x_2,
// whose gradient is written out by hand so that expected values never come from autograd or the
// library.
#pragma once

#include <ftw.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "framework/errors.h"
#include "framework/model.h"
#include "models/analytic_model.h"

namespace lfa::test {

// Runs fn, expecting InvalidInput whose message contains `needle`.
template <typename Fn>
void ExpectInvalid(Fn fn, const std::string& needle) {
  try {
    fn();
    ADD_FAILURE() << "expected InvalidInput mentioning '" << needle << "'";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << "message '" << e.what() << "' does not mention '" << needle << "'";
  }
}

// Deletes a directory tree (files first, then folders). Not std::filesystem::remove_all: PyTorch
// 2.11's pip LibTorch (built with another libstdc++) exports its own copy of that function, the
// test binary binds to it, and it crashes (seen on the GPU machine: a null call inside libtorch.so).
inline void RemoveTree(const std::string& path) {
  nftw(path.c_str(),
       [](const char* file, const struct stat*, int, struct FTW*) { return std::remove(file); }, 16,
       FTW_DEPTH | FTW_PHYS);
}

inline torch::Tensor RandomNormal(std::vector<int64_t> shape, uint64_t seed) {
  return torch::randn(shape, at::detail::createCPUGenerator(seed), torch::kDouble);
}

inline torch::Tensor RandomUniform(std::vector<int64_t> shape, double low, double high,
                                   uint64_t seed) {
  return low +
         (high - low) * torch::rand(shape, at::detail::createCPUGenerator(seed), torch::kDouble);
}

inline double MaxAbs(const torch::Tensor& a) {
  return a.numel() == 0 ? 0.0 : a.abs().max().item<double>();
}

// |a - b| <= tolerance everywhere (shapes must match); the message names the worst entry.
inline ::testing::AssertionResult AllClose(const torch::Tensor& actual,
                                           const torch::Tensor& expected, double tolerance) {
  if (actual.sizes() != expected.sizes()) {
    std::ostringstream out;
    out << "shape " << actual.sizes() << " != expected " << expected.sizes();
    return ::testing::AssertionFailure() << out.str();
  }
  const torch::Tensor diff = (actual.to(torch::kDouble) - expected.to(torch::kDouble)).abs();
  if (diff.numel() == 0) return ::testing::AssertionSuccess();
  if (diff.isnan().any().item<bool>()) return ::testing::AssertionFailure() << "NaN difference";
  const double worst = diff.max().item<double>();
  if (worst <= tolerance) return ::testing::AssertionSuccess();
  const int64_t at = diff.reshape({-1}).argmax().item<int64_t>();
  return ::testing::AssertionFailure()
         << "max |actual - expected| = " << worst << " > " << tolerance << " at flat index " << at
         << " (actual " << actual.reshape({-1})[at].item<double>() << ", expected "
         << expected.reshape({-1})[at].item<double>() << ")";
}

// The nonlinear test function on D >= 3 inputs: f(x) = sum_i sin(w_i x_i) + x_0 x_1 x_2.
struct SineProduct {
  std::vector<double> w;

  double Value(const double* x) const {
    double v = x[0] * x[1] * x[2];
    for (size_t i = 0; i < w.size(); ++i) v += std::sin(w[i] * x[i]);
    return v;
  }
  void Gradient(const double* x, double* g) const {
    for (size_t i = 0; i < w.size(); ++i) g[i] = w[i] * std::cos(w[i] * x[i]);
    g[0] += x[1] * x[2];
    g[1] += x[0] * x[2];
    g[2] += x[0] * x[1];
  }
  // Rows [M, D] -> values [M] / gradients [M, D], by the formulas above.
  torch::Tensor Values(const torch::Tensor& rows) const {
    const torch::Tensor r = rows.to(torch::kDouble).contiguous();
    torch::Tensor out = torch::empty({r.size(0)}, torch::kDouble);
    for (int64_t i = 0; i < r.size(0); ++i) out[i] = Value(r.data_ptr<double>() + i * r.size(1));
    return out;
  }
  torch::Tensor Gradients(const torch::Tensor& rows) const {
    const torch::Tensor r = rows.to(torch::kDouble).contiguous();
    torch::Tensor out = torch::empty_like(r);
    for (int64_t i = 0; i < r.size(0); ++i)
      Gradient(r.data_ptr<double>() + i * r.size(1), out.data_ptr<double>() + i * r.size(1));
    return out;
  }
  // The same function as torch ops, for the Oracle.
  std::shared_ptr<AnalyticModel> Model() const {
    const torch::Tensor weights = torch::tensor(w, torch::kDouble);
    return std::make_shared<AnalyticModel>(
        std::vector<int64_t>{static_cast<int64_t>(w.size())},
        [weights](const torch::Tensor& x) {
          const torch::Tensor product = x.select(1, 0) * x.select(1, 1) * x.select(1, 2);
          return (torch::sin(x * weights.to(x.device(), x.dtype())).sum(1) + product).unsqueeze(1);
        },
        "sum of sines plus a product");
  }
};

}  // namespace lfa::test
