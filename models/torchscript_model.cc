#include "models/torchscript_model.h"

#include <filesystem>

#include <torch/script.h>

#include "framework/errors.h"

namespace lfa {

struct TorchScriptModel::Impl {
  torch::jit::Module module;
};

TorchScriptModel::TorchScriptModel(const std::string& path)
    : impl_(std::make_unique<Impl>()), path_(path) {
  if (!std::filesystem::exists(path)) Fail("model file '", path, "' does not exist");
  try {
    impl_->module = torch::jit::load(path);
  } catch (const std::exception& e) {
    std::string what = e.what();
    Fail("model file '", path, "' is not a loadable TorchScript archive (",
         what.substr(0, what.find('\n')), ")");
  }
  impl_->module.eval();
  for (const auto& parameter : impl_->module.parameters()) {
    dtype_ = parameter.scalar_type();
    if (parameter.dim() == 2) input_shape_ = {parameter.size(1)};
    break;
  }
}

TorchScriptModel::~TorchScriptModel() = default;

torch::Tensor TorchScriptModel::Forward(const torch::Tensor& inputs) {
  return impl_->module.forward({inputs}).toTensor();
}

void TorchScriptModel::To(const torch::Device& device) { impl_->module.to(device); }

std::shared_ptr<Model> LoadModel(const std::string& path) {
  return std::make_shared<TorchScriptModel>(path);
}

}  // namespace lfa
