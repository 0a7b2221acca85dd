// TorchScriptModel: a model saved with torch.jit.save (traced or scripted), loaded with
// torch::jit::load. The input shape is read from the first parameter when the module starts with
// a Linear layer ([out, in] weight -> input shape [in]); otherwise it is taken from the data.
//
//   auto model = std::make_shared<TorchScriptModel>("heloc_ffnnA.torchscript.pt");
//
// WARNING: the module is put in eval mode; a module whose forward depends on training-mode state
// (dropout, batch-norm statistics) is explained in eval mode.
#pragma once

#include <memory>
#include <string>

#include "framework/model.h"

namespace lfa {

class TorchScriptModel : public Model {
 public:
  explicit TorchScriptModel(const std::string& path);
  ~TorchScriptModel() override;

  torch::Tensor Forward(const torch::Tensor& inputs) override;
  std::vector<int64_t> input_shape() const override { return input_shape_; }
  torch::Dtype dtype() const override { return dtype_; }
  void To(const torch::Device& device) override;
  std::string description() const override { return "TorchScript " + path_; }
  // A loaded module in eval mode: torch::jit::Module::forward may run on several threads at once.
  bool thread_safe() const override { return true; }

 private:
  struct Impl;  // keeps <torch/script.h> out of this header
  std::unique_ptr<Impl> impl_;
  std::string path_;
  std::vector<int64_t> input_shape_;
  torch::Dtype dtype_ = torch::kFloat32;
};

// Loads a model from a file by its extension / content: TorchScript (.pt/.pth archives written by
// torch.jit.save). Throws InvalidInput naming the path on a missing or corrupt file.
std::shared_ptr<Model> LoadModel(const std::string& path);

}  // namespace lfa
