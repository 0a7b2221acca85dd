#include "explainers/noisy_copies.h"

#include "framework/counter_random.h"
#include "framework/random.h"

namespace lfa {

torch::Tensor NoisyCopies(const torch::Tensor& flat, int64_t samples, double noise_fraction,
                          uint64_t seed, int64_t first_index) {
  const torch::Tensor x = flat.to(torch::kDouble);
  const int64_t c = x.size(0), d = x.size(1);
  if (c == 0 || d == 0) return torch::empty({c, samples, d}, x.options());
  const torch::Tensor sigma = (x.amax(1) - x.amin(1)).mul_(noise_fraction).view({c, 1, 1});
  const torch::Tensor keys =
      PointKeys(seed, first_index, c, Component::kClassic, /*purpose=*/0, x.device());
  return NormalDraws(keys, 0, samples, d).mul_(sigma).add_(x.unsqueeze(1));
}

}  // namespace lfa
