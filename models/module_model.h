// ModuleModel: an in-process LibTorch frontend module (torch::nn::Sequential, a custom
// torch::nn::Module with forward(Tensor)) used as a Model without saving it first.
//
//   torch::nn::Sequential net(torch::nn::Linear(4, 8), torch::nn::Tanh(), torch::nn::Linear(8, 1));
//   auto model = MakeModuleModel(net, {4});
//
// WARNING: the module is put in eval mode and shared, not copied: training it later changes what
// is explained.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "framework/model.h"

namespace lfa {

class ModuleModel : public Model {
 public:
  ModuleModel(std::shared_ptr<torch::nn::Module> module,
              std::function<torch::Tensor(const torch::Tensor&)> forward,
              std::vector<int64_t> input_shape, std::string description)
      : module_(std::move(module)), forward_(std::move(forward)),
        input_shape_(std::move(input_shape)), description_(std::move(description)) {
    module_->eval();
    for (const auto& p : module_->parameters()) {
      dtype_ = p.scalar_type();
      break;
    }
  }
  torch::Tensor Forward(const torch::Tensor& inputs) override { return forward_(inputs); }
  std::vector<int64_t> input_shape() const override { return input_shape_; }
  torch::Dtype dtype() const override { return dtype_; }
  void To(const torch::Device& device) override { module_->to(device); }
  std::string description() const override { return description_; }

 private:
  std::shared_ptr<torch::nn::Module> module_;
  std::function<torch::Tensor(const torch::Tensor&)> forward_;
  std::vector<int64_t> input_shape_;
  std::string description_;
  torch::Dtype dtype_ = torch::kFloat32;
};

// Wraps any ModuleHolder (torch::nn::Sequential, TORCH_MODULE(...) types) whose forward takes one
// tensor.
template <typename Holder>
std::shared_ptr<ModuleModel> MakeModuleModel(Holder holder, std::vector<int64_t> input_shape,
                                             std::string description = "torch::nn module") {
  auto module = holder.ptr();
  return std::make_shared<ModuleModel>(
      module, [module](const torch::Tensor& x) { return module->forward(x); },
      std::move(input_shape), std::move(description));
}

}  // namespace lfa
