#include "models/mlp_model.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include <torch/csrc/jit/serialization/pickle.h>

#include "framework/errors.h"

namespace lfa {
namespace {

torch::Tensor Activate(const torch::Tensor& x, const std::string& name) {
  if (name == "relu") return torch::relu(x);
  if (name == "tanh") return torch::tanh(x);
  if (name == "sigmoid") return torch::sigmoid(x);
  if (name == "softmax") return torch::softmax(x, 1);
  return x;  // identity / none, validated in the constructor
}

}  // namespace

MlpArchitecture MlpArchitecture::Parse(const std::string& text) {
  MlpArchitecture architecture;
  auto colon = text.find(':');
  architecture.activation = text.substr(0, colon);
  if (colon != std::string::npos) architecture.output_activation = text.substr(colon + 1);
  return architecture;
}

MlpModel::MlpModel(const std::string& path, MlpArchitecture architecture)
    : architecture_(std::move(architecture)) {
  if (!std::filesystem::exists(path)) Fail("state-dict file '", path, "' does not exist");
  std::ifstream file(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  c10::IValue value;
  try {
    value = torch::jit::pickle_load(bytes);
  } catch (const std::exception& e) {
    std::string what = e.what();
    Fail("state-dict file '", path, "' cannot be read (", what.substr(0, what.find('\n')), ")");
  }
  if (!value.isGenericDict()) Fail("state-dict file '", path, "' does not hold a dict of tensors");
  // Group "<prefix><number>.weight|bias" by number.
  std::map<int64_t, std::pair<torch::Tensor, torch::Tensor>> layers;
  // A single-layer model may have no number: the paper's who_linear and heloc_logistic checkpoints
  // hold "linear.weight" and "linear.bias".
  const std::regex key_pattern(R"(^(.*?)(\d*)\.(weight|bias)$)");
  std::map<int64_t, std::string> prefixes;
  for (const auto& entry : value.toGenericDict()) {
    const std::string key = entry.key().toStringRef();
    std::smatch match;
    if (!std::regex_match(key, match, key_pattern) || !entry.value().isTensor()) continue;
    const int64_t index = match[2].length() > 0 ? std::stoll(match[2]) : -1;
    const auto [known, inserted] = prefixes.emplace(index, match[1].str());
    if (known->second != match[1].str())
      Fail("state-dict file '", path, "': '", key, "' and '", known->second, match[2].str(),
           ".*' both look like layer ", match[2].str(), "; cannot tell the layer order");
    auto& layer = layers[index];
    (match[3] == "weight" ? layer.first : layer.second) = entry.value().toTensor();
  }
  if (layers.empty()) Fail("state-dict file '", path, "' has no '<name>N.weight' entries");
  if (layers.count(-1) && layers.size() > 1)
    Fail("state-dict file '", path, "' mixes numbered and unnumbered layers ('",
         prefixes.at(-1), ".weight'); cannot tell the layer order");
  for (auto& [index, layer] : layers) {
    if (!layer.first.defined() || !layer.second.defined())
      Fail("state-dict file '", path, "': layer ", index, " lacks a weight or a bias");
    weights_.push_back(layer.first);
    biases_.push_back(layer.second);
  }
  Validate();
}

MlpModel::MlpModel(std::vector<torch::Tensor> weights, std::vector<torch::Tensor> biases,
                   MlpArchitecture architecture)
    : weights_(std::move(weights)), biases_(std::move(biases)),
      architecture_(std::move(architecture)) {
  Validate();
}

void MlpModel::Validate() const {
  static const std::vector<std::string> hidden = {"relu", "tanh", "sigmoid", "identity"};
  static const std::vector<std::string> output = {"none", "identity", "sigmoid", "softmax"};
  if (std::find(hidden.begin(), hidden.end(), architecture_.activation) == hidden.end())
    Fail("MLP architecture: unknown activation '", architecture_.activation,
         "' (relu, tanh, sigmoid, identity)");
  if (std::find(output.begin(), output.end(), architecture_.output_activation) == output.end())
    Fail("MLP architecture: unknown output activation '", architecture_.output_activation,
         "' (none, sigmoid, softmax)");
  if (weights_.empty() || weights_.size() != biases_.size())
    Fail("MLP: need as many biases as weights, got ", weights_.size(), " and ", biases_.size());
  for (size_t i = 0; i < weights_.size(); ++i) {
    if (weights_[i].dim() != 2 || biases_[i].dim() != 1 || biases_[i].size(0) != weights_[i].size(0))
      Fail("MLP layer ", i, ": weight ", weights_[i].sizes(), " and bias ", biases_[i].sizes(),
           " do not form a linear layer");
    if (i > 0 && weights_[i].size(1) != weights_[i - 1].size(0))
      Fail("MLP layer ", i, ": takes ", weights_[i].size(1), " inputs but layer ", i - 1,
           " gives ", weights_[i - 1].size(0));
  }
}

torch::Tensor MlpModel::Forward(const torch::Tensor& inputs) {
  torch::Tensor x = inputs;
  for (size_t i = 0; i < weights_.size(); ++i) {
    x = torch::linear(x, weights_[i], biases_[i]);
    const bool last = i + 1 == weights_.size();
    x = Activate(x, last ? architecture_.output_activation : architecture_.activation);
  }
  return x;
}

void MlpModel::To(const torch::Device& device) {
  for (auto& w : weights_) w = w.to(device);
  for (auto& b : biases_) b = b.to(device);
}

std::string MlpModel::description() const {
  std::string text = "MLP ";
  text += std::to_string(weights_.front().size(1));
  for (const auto& w : weights_) (text += '-') += std::to_string(w.size(0));
  return text + " (" + architecture_.activation + ", output " + architecture_.output_activation + ")";
}

}  // namespace lfa
