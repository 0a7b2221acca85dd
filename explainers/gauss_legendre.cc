#include "explainers/gauss_legendre.h"

#include <cmath>

#include "framework/errors.h"

namespace lfa {

std::pair<torch::Tensor, torch::Tensor> GaussLegendre(int64_t n) {
  if (n < 1) Fail("Gauss-Legendre quadrature needs n >= 1, got ", n);
  torch::Tensor nodes = torch::empty({n}, torch::kDouble);
  torch::Tensor weights = torch::empty({n}, torch::kDouble);
  double* t = nodes.data_ptr<double>();
  double* w = weights.data_ptr<double>();
  // Newton's method on P_n from the Tricomi initial guesses; roots are symmetric about 0.
  for (int64_t i = 0; i < (n + 1) / 2; ++i) {
    double x = std::cos(M_PI * (static_cast<double>(i) + 0.75) / (static_cast<double>(n) + 0.5));
    double derivative = 1.0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p0 = 1.0, p1 = x;  // P_0, P_1
      for (int64_t k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / static_cast<double>(k);
        p0 = p1;
        p1 = p2;
      }
      if (n == 1) p0 = 1.0;
      const double pn = n == 1 ? x : p1;
      const double pn_1 = n == 1 ? 1.0 : p0;
      derivative = static_cast<double>(n) * (x * pn - pn_1) / (x * x - 1.0);
      const double step = pn / derivative;
      x -= step;
      if (std::abs(step) < 1e-15) break;
    }
    const double weight = 2.0 / ((1.0 - x * x) * derivative * derivative);
    // Map [-1, 1] -> [0, 1]: t = (1 + x) / 2, weight / 2.
    t[i] = 0.5 * (1.0 - x);
    t[n - 1 - i] = 0.5 * (1.0 + x);
    w[i] = w[n - 1 - i] = 0.5 * weight;
  }
  return {nodes, weights};
}

}  // namespace lfa
