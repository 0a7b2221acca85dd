// Gauss-Legendre quadrature on [0, 1]: n nodes t_k and weights w_k with
// sum_k w_k p(t_k) = integral_0^1 p(t) dt exactly for polynomials p of degree <= 2n - 1.
// Captum's IntegratedGradients uses it by default ("gausslegendre").
//
//   auto [t, w] = GaussLegendre(1000);   // float64 [1000] each
#pragma once

#include <utility>

#include <torch/types.h>

namespace lfa {

std::pair<torch::Tensor, torch::Tensor> GaussLegendre(int64_t n);

}  // namespace lfa
