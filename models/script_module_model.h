// ScriptModuleModel: a TorchScript module already in memory (a torch::jit::Module handed over by
// the Python bindings, or built in C++) used as a Model, without writing it to a file first.
//
// TorchScriptModel (torchscript_model.h) loads a file and owns what it loads, so it may put the
// module in eval mode and move it between devices. A module in memory belongs to its caller: this
// adapter never changes it. It explains the module in eval mode and on the Oracle's device, and
// when either differs from the caller's module it works on a deep copy (parameters included)
// made once, when first needed:
//   - any submodule in training mode      -> copy, then eval() on the copy (at construction);
//   - To(device) with parameters elsewhere -> copy (if not already made), then to(device).
// The input shape and dtype are read as TorchScriptModel reads them: from the first parameter
// (a 2-D [out, in] weight gives input shape [in]; otherwise the data decides).
//
//   torch::jit::Module net = torch::jit::load("heloc_ffnnA.torchscript.pt");
//   auto model = std::make_shared<ScriptModuleModel>(net, "heloc_ffnnA");
//   Oracle oracle(model, {.device = "cpu"});      // net itself is left as it was
//
// WARNING: when no copy is needed the module is shared, not copied: changing its parameters
// while an explanation runs changes what is explained. Put a module in eval mode before
// explaining it repeatedly, or every adapter built from it pays for a deep copy.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "framework/model.h"

namespace torch::jit {
struct Module;
}  // namespace torch::jit

namespace lfa {

class ScriptModuleModel : public Model {
 public:
  explicit ScriptModuleModel(const torch::jit::Module& module,
                             std::string description = "TorchScript module");
  ~ScriptModuleModel() override;

  torch::Tensor Forward(const torch::Tensor& inputs) override;
  std::vector<int64_t> input_shape() const override { return input_shape_; }
  torch::Dtype dtype() const override { return dtype_; }
  void To(const torch::Device& device) override;
  std::string description() const override { return description_; }
  // Forward runs the module's TorchScript graph, as TorchScriptModel does.
  bool thread_safe() const override { return true; }

  // True once the adapter works on its own deep copy (the caller's module needed a change).
  bool owns_copy() const { return owns_copy_; }

 private:
  struct Impl;  // keeps <torch/script.h> out of this header
  std::unique_ptr<Impl> impl_;
  std::string description_;
  std::vector<int64_t> input_shape_;
  torch::Dtype dtype_ = torch::kFloat32;
  bool owns_copy_ = false;
};

}  // namespace lfa
