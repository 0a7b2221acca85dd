// MlpModel: a multilayer perceptron rebuilt from a plain state-dict file (torch.save of
// module.state_dict(), tensors on CPU) and a small architecture description.
//
// The layers are the `<prefix>N.weight` / `<prefix>N.bias` pairs of the file, in increasing N
// (`linear1`, `linear2`, ... in the paper's checkpoints; `0`, `2`, `4` for nn.Sequential); a single
// unnumbered pair (`linear.weight`: the paper's linear and logistic models) is a one-layer model.
// Hidden layers use `activation`; the last layer uses `output_activation`.
//
//   MlpArchitecture arch{.activation = "relu", .output_activation = "sigmoid"};
//   auto model = std::make_shared<MlpModel>("heloc_ffnnA.state.pt", arch);
//
// WARNING: the file must hold CPU tensors. The paper's public checkpoints are CUDA-tagged pickles;
// convert them first (docs/data.md).
#pragma once

#include <string>
#include <vector>

#include "framework/model.h"

namespace lfa {

struct MlpArchitecture {
  std::string activation = "relu";         // hidden layers: relu | tanh | sigmoid | identity
  std::string output_activation = "none";  // last layer: none | sigmoid | softmax

  // Parses "relu", "tanh:sigmoid" (hidden:output).
  static MlpArchitecture Parse(const std::string& text);
};

class MlpModel : public Model {
 public:
  MlpModel(const std::string& state_dict_path, MlpArchitecture architecture);
  // Layers given directly: weights[i] is [out_i, in_i], biases[i] is [out_i].
  MlpModel(std::vector<torch::Tensor> weights, std::vector<torch::Tensor> biases,
           MlpArchitecture architecture);

  torch::Tensor Forward(const torch::Tensor& inputs) override;
  std::vector<int64_t> input_shape() const override { return {weights_.front().size(1)}; }
  torch::Dtype dtype() const override { return weights_.front().scalar_type(); }
  void To(const torch::Device& device) override;
  std::string description() const override;
  // Forward is tensor arithmetic on constant weights.
  bool thread_safe() const override { return true; }
  // Layer weights [out, in] and biases [out], first layer first.
  const std::vector<torch::Tensor>& weights() const { return weights_; }
  const std::vector<torch::Tensor>& biases() const { return biases_; }

 private:
  void Validate() const;
  std::vector<torch::Tensor> weights_;
  std::vector<torch::Tensor> biases_;
  MlpArchitecture architecture_;
};

}  // namespace lfa
