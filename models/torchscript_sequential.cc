#include "models/torchscript_sequential.h"

#include <filesystem>

#include <torch/script.h>

#include "framework/errors.h"

namespace lfa {

struct TorchScriptSequentialModel::Impl {
  std::vector<torch::jit::Module> children;
};

TorchScriptSequentialModel::TorchScriptSequentialModel(const std::string& path)
    : impl_(std::make_unique<Impl>()), path_(path) {
  if (!std::filesystem::exists(path)) Fail("model file '", path, "' does not exist");
  torch::jit::Module module;
  try {
    module = torch::jit::load(path);
  } catch (const std::exception& e) {
    const std::string what = e.what();
    Fail("model file '", path, "' is not a loadable TorchScript archive (",
         what.substr(0, what.find('\n')), ")");
  }
  const std::string type = module.type()->name() ? module.type()->name()->qualifiedName() : "";
  if (type.size() < 10 || type.compare(type.size() - 10, 10, "Sequential") != 0)
    Fail("model file '", path, "' is a TorchScript '", type, "', not a Sequential");
  module.eval();
  for (const auto& child : module.named_children()) {
    if (!child.value.find_method("forward"))
      Fail("model file '", path, "': child '", child.name, "' has no forward method");
    names_.push_back(child.name);
    impl_->children.push_back(child.value);
  }
  if (names_.empty()) Fail("model file '", path, "' is a Sequential with no children");
  for (const auto& parameter : module.parameters()) {
    dtype_ = parameter.scalar_type();
    if (parameter.dim() == 2) input_shape_ = {parameter.size(1)};
    break;
  }
}

TorchScriptSequentialModel::~TorchScriptSequentialModel() = default;

torch::Tensor TorchScriptSequentialModel::Forward(const torch::Tensor& inputs) {
  torch::Tensor x = inputs;
  for (auto& child : impl_->children) x = child.forward({x}).toTensor();
  return x;
}

std::pair<torch::Tensor, torch::Tensor> TorchScriptSequentialModel::ForwardWithActivation(
    const torch::Tensor& inputs, const std::string& layer) {
  const size_t index = FindLayer(names_, layer, "model file '" + path_ + "'");
  torch::Tensor x = inputs;
  torch::Tensor activation;
  for (size_t i = 0; i < impl_->children.size(); ++i) {
    x = impl_->children[i].forward({x}).toTensor();
    if (i == index) activation = x;
  }
  return {x, activation};
}

void TorchScriptSequentialModel::To(const torch::Device& device) {
  for (auto& child : impl_->children) child.to(device);
}

std::shared_ptr<LayeredModel> LoadTorchScriptSequential(const std::string& path) {
  return std::make_shared<TorchScriptSequentialModel>(path);
}

}  // namespace lfa
