// TorchScriptSequentialModel: a LayeredModel over a TorchScript nn.Sequential (torch.jit.script or
// torch.jit.trace of a torch.nn.Sequential, saved with torch.jit.save), so the CAM family can read
// the activation after any child. Layer names are the children's names, "0", "1", ... for a plain
// Sequential (or the keys of an OrderedDict Sequential).
//
//   auto net = LoadTorchScriptSequential("fashion_cnn.torchscript.pt");
//   auto [logits, maps] = net->ForwardWithActivation(x, "3");  // after child "3"
//
// Forward and ForwardWithActivation both run the children in order, which is what
// nn.Sequential.forward does; the loader therefore accepts only modules whose class is a
// Sequential (qualified name ending in "Sequential") with at least one child, and throws
// InvalidInput naming the path otherwise.
//
// WARNING: a traced Sequential may have inlined its children's forward into the parent; the
// children are still called one by one here, each through its own forward method, so every child
// must have one (torch.jit.script and torch.jit.trace both keep them).
#pragma once

#include <memory>
#include <string>

#include "framework/layered_model.h"

namespace lfa {

class TorchScriptSequentialModel : public LayeredModel {
 public:
  explicit TorchScriptSequentialModel(const std::string& path);
  ~TorchScriptSequentialModel() override;

  torch::Tensor Forward(const torch::Tensor& inputs) override;
  // Empty (the data decides) unless the first parameter is a Linear weight [out, in] -> {in}.
  std::vector<int64_t> input_shape() const override { return input_shape_; }
  torch::Dtype dtype() const override { return dtype_; }
  void To(const torch::Device& device) override;
  std::string description() const override { return "TorchScript Sequential " + path_; }

  std::vector<std::string> layer_names() const override { return names_; }
  std::pair<torch::Tensor, torch::Tensor> ForwardWithActivation(const torch::Tensor& inputs,
                                                                const std::string& layer) override;

 private:
  struct Impl;  // keeps <torch/script.h> out of this header
  std::unique_ptr<Impl> impl_;
  std::string path_;
  std::vector<std::string> names_;
  std::vector<int64_t> input_shape_;
  torch::Dtype dtype_ = torch::kFloat32;
};

std::shared_ptr<LayeredModel> LoadTorchScriptSequential(const std::string& path);

}  // namespace lfa
