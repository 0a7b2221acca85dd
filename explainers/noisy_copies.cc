#include "explainers/noisy_copies.h"

#include <boost/random/normal_distribution.hpp>

#include "framework/random.h"

namespace lfa {

torch::Tensor NoisyCopies(const torch::Tensor& flat, int64_t samples, double noise_fraction,
                          uint64_t seed, int64_t first_index) {
  const torch::Tensor x = flat.to(torch::kCPU, torch::kDouble).contiguous();
  const int64_t c = x.size(0), d = x.size(1);
  torch::Tensor out = torch::empty({c, samples, d}, torch::kDouble);
  if (c == 0 || d == 0) return out;
  const torch::Tensor range = (x.amax(1) - x.amin(1)).contiguous();
  const double* xp = x.data_ptr<double>();
  const double* rp = range.data_ptr<double>();
  double* op = out.data_ptr<double>();
  ForEachPointStream(c, seed, first_index, Component::kClassic, [&](int64_t i, Generator& rng) {
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    const double sigma = noise_fraction * rp[i];
    const double* xi = xp + i * d;
    double* oi = op + i * samples * d;
    for (int64_t s = 0; s < samples; ++s)
      for (int64_t k = 0; k < d; ++k) oi[s * d + k] = xi[k] + sigma * normal(rng);
  });
  return out;
}

}  // namespace lfa
