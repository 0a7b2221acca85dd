#include "models/script_module_model.h"

#include <torch/script.h>

namespace lfa {
namespace {

bool AnyInTrainingMode(const torch::jit::Module& module) {
  if (module.is_training()) return true;
  for (const torch::jit::Module& child : module.modules()) {
    if (child.is_training()) return true;
  }
  return false;
}

bool AllOn(const torch::jit::Module& module, const torch::Device& device) {
  for (const torch::Tensor& parameter : module.parameters()) {
    if (parameter.device() != device) return false;
  }
  for (const torch::Tensor& buffer : module.buffers()) {
    if (buffer.device() != device) return false;
  }
  return true;
}

}  // namespace

struct ScriptModuleModel::Impl {
  torch::jit::Module module;
};

ScriptModuleModel::ScriptModuleModel(const torch::jit::Module& module, std::string description)
    : impl_(std::make_unique<Impl>(Impl{module})), description_(std::move(description)) {
  if (AnyInTrainingMode(impl_->module)) {
    impl_->module = impl_->module.deepcopy();
    impl_->module.eval();
    owns_copy_ = true;
  }
  for (const torch::Tensor& parameter : impl_->module.parameters()) {
    dtype_ = parameter.scalar_type();
    if (parameter.dim() == 2) input_shape_ = {parameter.size(1)};
    break;
  }
}

ScriptModuleModel::~ScriptModuleModel() = default;

torch::Tensor ScriptModuleModel::Forward(const torch::Tensor& inputs) {
  return impl_->module.forward({inputs}).toTensor();
}

void ScriptModuleModel::To(const torch::Device& device) {
  if (AllOn(impl_->module, device)) return;
  if (!owns_copy_) {
    impl_->module = impl_->module.deepcopy();
    owns_copy_ = true;
  }
  impl_->module.to(device);
}

}  // namespace lfa
