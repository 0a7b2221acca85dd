// LayeredModel: a Model whose intermediate activations can be read and differentiated.
//
// The CAM family (Grad-CAM, Grad-CAM++, Smooth Grad-CAM++) explains a prediction through the
// feature maps A^k of a chosen layer and the gradients of the output with respect to them. A
// LayeredModel exposes, for a named layer, the outputs together with that layer's activation as a
// tensor in the autograd graph, so that d output / d A^k is one autograd call away.
//
// Explainers do not call it themselves: like every model query, theirs goes through the Oracle,
// which finds the layers by seeing its model as a LayeredModel and batches, places, counts:
//
//   Oracle oracle(zoo_cnn);                        // a zoo CNN, a TorchScript Sequential
//   LayerGradients a = oracle.GradientsAtLayer(x, targets, "conv2");  // A, dS/dA (float64)
//
// What the Oracle does with it, per batch:
//
//   auto [outputs, maps] = net.ForwardWithActivation(x, "conv2"); // [n, K], [n, C, H, W]
//   torch::Tensor grads = torch::autograd::grad({outputs.select(1, k).sum()}, {maps})[0];
//
// WARNING: the activation returned must be the very tensor the later layers consume (not a copy),
// otherwise its gradient is empty (the Oracle then reports the layer).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "framework/errors.h"
#include "framework/model.h"

namespace lfa {

class LayeredModel : public Model {
 public:
  // Names accepted by ForwardWithActivation, input to output.
  virtual std::vector<std::string> layer_names() const = 0;
  // Outputs [n, K] and the activation of `layer` ([n, C, H, W] for convolutional layers), both in
  // the autograd graph. Throws InvalidInput naming the layer and the known names when unknown.
  virtual std::pair<torch::Tensor, torch::Tensor> ForwardWithActivation(
      const torch::Tensor& inputs, const std::string& layer) = 0;
};

// Index of `layer` in `names`; InvalidInput naming `model`, the layer and the known names when
// absent. The lookup every LayeredModel's ForwardWithActivation starts with.
inline size_t FindLayer(const std::vector<std::string>& names, const std::string& layer,
                        const std::string& model) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == layer) return i;
  std::string known;
  for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
  Fail(model, ": unknown layer '", layer, "' (layers: ", known, ")");
}

}  // namespace lfa
