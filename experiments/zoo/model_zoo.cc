#include "experiments/zoo/model_zoo.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/optim/adam.h>

#include "framework/errors.h"
#include "framework/interrupt.h"

namespace lfa {
namespace {

// One layer of a zoo network: a name and a module of the Sequential.
using Layers = std::vector<std::pair<std::string, torch::nn::AnyModule>>;

torch::nn::Conv2d Conv(int64_t in, int64_t out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

Layers BuildLayers(const std::string& architecture, int64_t classes) {
  if (classes < 2) Fail("model zoo: classes must be >= 2, got ", classes);
  using namespace torch::nn;
  Layers layers;
  auto add = [&layers](const std::string& name, AnyModule module) {
    layers.emplace_back(name, std::move(module));
  };
  if (architecture == "cnn" || architecture == "cnn_gap") {
    add("conv1", AnyModule(Conv(1, 16)));
    add("relu1", AnyModule(ReLU()));
    add("pool1", AnyModule(MaxPool2d(MaxPool2dOptions(2))));
    add("conv2", AnyModule(Conv(16, 32)));
    add("relu2", AnyModule(ReLU()));
    add("pool2", AnyModule(MaxPool2d(MaxPool2dOptions(2))));
    if (architecture == "cnn") {
      add("flatten", AnyModule(Flatten()));
      add("fc", AnyModule(Linear(32 * 7 * 7, classes)));
    } else {
      add("conv3", AnyModule(Conv(32, 64)));
      add("relu3", AnyModule(ReLU()));
      add("gap", AnyModule(AdaptiveAvgPool2d(AdaptiveAvgPool2dOptions(1))));
      add("flatten", AnyModule(Flatten()));
      add("fc", AnyModule(Linear(64, classes)));
    }
  } else if (architecture == "mlp") {
    add("flatten", AnyModule(Flatten()));
    add("fc1", AnyModule(Linear(28 * 28, 128)));
    add("relu1", AnyModule(ReLU()));
    add("fc2", AnyModule(Linear(128, classes)));
  } else {
    std::string known;
    for (const auto& name : ZooArchitectures()) known += (known.empty() ? "" : ", ") + name;
    Fail("model zoo: unknown architecture '", architecture, "' (known: ", known, ")");
  }
  return layers;
}

}  // namespace

void CheckZooData(const FashionMnist& data) {
  auto check_pair = [](const torch::Tensor& images, const torch::Tensor& labels,
                       const char* which) {
    if (!images.defined() || images.dim() != 4 || images.size(1) != 1 || images.size(2) != 28 ||
        images.size(3) != 28 || images.scalar_type() != torch::kFloat32)
      Fail("model zoo: ", which, " images must be float32 [n, 1, 28, 28], got ",
           images.defined() ? images.sizes() : c10::IntArrayRef{});
    if (!labels.defined() || labels.dim() != 1 || labels.size(0) != images.size(0) ||
        labels.scalar_type() != torch::kInt64)
      Fail("model zoo: ", which, " labels must be int64 [", images.size(0), "]");
    if (images.size(0) == 0) Fail("model zoo: no ", which, " images");
  };
  check_pair(data.train_images, data.train_labels, "train");
  check_pair(data.test_images, data.test_labels, "test");
}

std::vector<std::string> ZooArchitectures() { return {"cnn", "cnn_gap", "mlp"}; }

bool ZooTrainingOptions::IsValid(std::string* error) const {
  auto fail = [error](const std::string& message) {
    if (error) *error = "model zoo options: " + message;
    return false;
  };
  const auto known = ZooArchitectures();
  if (std::find(known.begin(), known.end(), architecture) == known.end())
    return fail("unknown architecture '" + architecture + "' (known: cnn, cnn_gap, mlp)");
  if (epochs < 1) return fail("epochs must be >= 1, got " + std::to_string(epochs));
  if (batch_size < 1) return fail("batch_size must be >= 1, got " + std::to_string(batch_size));
  if (!std::isfinite(learning_rate) || learning_rate <= 0)
    return fail("learning_rate must be finite and > 0, got " + std::to_string(learning_rate));
  if (classes < 2) return fail("classes must be >= 2, got " + std::to_string(classes));
  if (train_subset < 0)
    return fail("train_subset must be >= 0 (0 = all), got " + std::to_string(train_subset));
  return true;
}

std::string ZooTrainingOptions::CacheKeyText() const {
  char rate[32];
  std::snprintf(rate, sizeof(rate), "%.17g", learning_rate);
  const nlohmann::json key = {{"architecture", architecture}, {"epochs", epochs},
                              {"batch_size", batch_size},     {"learning_rate", std::string(rate)},
                              {"seed", seed},                 {"train_subset", train_subset}};
  nlohmann::json extended = key;
  if (classes != 10) extended["classes"] = classes;  // absent at 10: older entries keep their key
  return extended.dump();
}

struct ZooModel::Impl {
  torch::nn::Sequential net;
  std::vector<std::string> names;
};

ZooModel::ZooModel(const std::string& architecture, uint64_t seed, int64_t classes)
    : impl_(std::make_unique<Impl>()), architecture_(architecture) {
  for (auto& [name, module] : BuildLayers(architecture, classes)) {
    impl_->names.push_back(name);
    impl_->net->push_back(name, std::move(module));
  }
  // PyTorch's default initialisation (kaiming_uniform with a = sqrt(5) for weights, the same
  // bound for biases), drawn from our own generator instead of torch's global one.
  at::Generator generator = at::detail::createCPUGenerator(seed);
  torch::NoGradGuard no_grad;
  for (auto& child : impl_->net->children()) {
    auto parameters = child->named_parameters(/*recurse=*/false);
    if (!parameters.contains("weight")) continue;
    torch::Tensor weight = parameters["weight"];
    const int64_t fan_in = weight.numel() / weight.size(0);
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    weight.uniform_(-bound, bound, generator);
    if (parameters.contains("bias")) parameters["bias"].uniform_(-bound, bound, generator);
  }
  impl_->net->eval();
}

ZooModel::~ZooModel() = default;

torch::Tensor ZooModel::Forward(const torch::Tensor& inputs) {
  return impl_->net->forward(inputs.reshape({-1, 1, 28, 28}));
}

void ZooModel::To(const torch::Device& device) { impl_->net->to(device); }

std::string ZooModel::description() const { return "model zoo " + architecture_; }

std::vector<std::string> ZooModel::layer_names() const { return impl_->names; }

std::pair<torch::Tensor, torch::Tensor> ZooModel::ForwardWithActivation(
    const torch::Tensor& inputs, const std::string& layer) {
  const size_t index = FindLayer(impl_->names, layer, "model zoo " + architecture_);
  torch::Tensor x = inputs.reshape({-1, 1, 28, 28});
  torch::Tensor activation;
  size_t i = 0;
  for (auto& module : *impl_->net) {
    x = module.forward(x);
    if (i++ == index) activation = x;
  }
  return {x, activation};
}

std::vector<std::pair<std::string, torch::Tensor>> ZooModel::named_parameters() const {
  std::vector<std::pair<std::string, torch::Tensor>> result;
  for (const auto& item : impl_->net->named_parameters()) result.emplace_back(item.key(), item.value());
  return result;
}

std::shared_ptr<torch::nn::Module> ZooModel::module() const { return impl_->net.ptr(); }

double ZooAccuracy(ZooModel& model, const torch::Tensor& images, const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  constexpr int64_t kBatch = 1000;
  int64_t correct = 0;
  const int64_t n = images.size(0);
  for (int64_t begin = 0; begin < n; begin += kBatch) {
    const int64_t end = std::min(n, begin + kBatch);
    const torch::Tensor predicted = model.Forward(images.slice(0, begin, end)).argmax(1);
    correct += predicted.eq(labels.slice(0, begin, end)).sum().item<int64_t>();
  }
  return n == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(n);
}

ZooEntry TrainZooModel(const ZooTrainingOptions& options, const FashionMnist& data) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  CheckZooData(data);
  const int64_t available = data.train_images.size(0);
  if (options.train_subset > available)
    Fail("model zoo options: train_subset ", options.train_subset, " exceeds the ", available,
         " training images");
  const int64_t n = options.train_subset == 0 ? available : options.train_subset;
  const torch::Tensor images = data.train_images.slice(0, 0, n).contiguous();
  const torch::Tensor labels = data.train_labels.slice(0, 0, n).contiguous();
  for (const auto& [which, all] : {std::pair<const char*, torch::Tensor>{"train", labels},
                                   {"test", data.test_labels}}) {
    const int64_t low = all.min().item<int64_t>(), high = all.max().item<int64_t>();
    if (low < 0 || high >= options.classes)
      Fail("model zoo: ", which, " labels must lie in 0..", options.classes - 1, " (classes = ",
           options.classes, "), got ", low, "..", high);
  }

  const auto start = std::chrono::steady_clock::now();
  ZooEntry entry;
  entry.model = std::make_shared<ZooModel>(options.architecture, options.seed, options.classes);
  auto net = entry.model->module();
  // The shuffles use a generator distinct from the initialisation's but derived from the seed.
  at::Generator shuffle = at::detail::createCPUGenerator(options.seed ^ 0x9e3779b97f4a7c15ULL);
  torch::optim::Adam optimiser(net->parameters(),
                               torch::optim::AdamOptions(options.learning_rate));
  net->train();
  for (int64_t epoch = 0; epoch < options.epochs; ++epoch) {
    const torch::Tensor order = torch::randperm(n, shuffle, torch::kLong);
    double loss_sum = 0.0;
    int64_t batches = 0;
    for (int64_t begin = 0; begin < n; begin += options.batch_size) {
      ThrowIfInterrupted();  // Ctrl-C ends a training at the next batch (nothing is cached)
      const torch::Tensor rows = order.slice(0, begin, std::min(n, begin + options.batch_size));
      const torch::Tensor logits = entry.model->Forward(images.index_select(0, rows));
      const torch::Tensor loss =
          torch::nn::functional::cross_entropy(logits, labels.index_select(0, rows));
      optimiser.zero_grad();
      loss.backward();
      optimiser.step();
      loss_sum += loss.item<double>();
      ++batches;
    }
    if (options.progress) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "model zoo " << options.architecture << ": epoch " << epoch + 1 << "/"
                << options.epochs << ", mean loss " << loss_sum / batches << ", " << seconds
                << " s\n";
    }
  }
  net->eval();
  for (auto& parameter : net->parameters()) parameter.mutable_grad() = torch::Tensor();
  entry.train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  entry.test_accuracy = ZooAccuracy(*entry.model, data.test_images, data.test_labels);
  return entry;
}

}  // namespace lfa
