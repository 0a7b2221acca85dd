#include "framework/neighbourhood.h"

#include <torch/csrc/autograd/autograd.h>

#include "framework/counter_random.h"

namespace lfa {

PointBatch PointBatch::Slice(int64_t begin, int64_t end) const {
  return {flat.slice(0, begin, end), input_shape, seed, first_index + begin};
}

PointBatch PointBatch::To(const torch::Device& device) const {
  return {flat.to(device), input_shape, seed, first_index};
}

torch::Tensor Neighbourhood::PullBack(const PointBatch& points, const torch::Tensor& xi,
                                      const torch::Tensor& input_gradients) const {
  torch::AutoGradMode enable_grad(true);
  const torch::Tensor leaf = xi.detach().requires_grad_(true);
  const torch::Tensor decoded = Decode(points, leaf);  // [N, S, D]
  const torch::Tensor pulled =
      torch::autograd::grad({decoded}, {leaf}, {input_gradients.reshape(decoded.sizes())},
                            /*retain_graph=*/false, /*create_graph=*/false,
                            /*allow_unused=*/true)[0];
  return pulled.defined() ? pulled : torch::zeros_like(xi);
}

torch::Tensor NeighbourhoodKeys(const PointBatch& points, uint64_t purpose) {
  return PointKeys(points.seed, points.first_index, points.size(), Component::kNeighbourhood,
                   purpose, points.flat.device());
}

}  // namespace lfa
