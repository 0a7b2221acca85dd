#include "experiments/zoo/zoo_export.h"

#include <torch/script.h>

#include "experiments/io/atomic_file.h"
#include "framework/errors.h"

namespace lfa {
namespace {

// "conv1.weight" -> "conv1_weight": TorchScript attribute names cannot hold dots.
std::string AttributeName(std::string name) {
  for (char& c : name)
    if (c == '.') c = '_';
  return name;
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// One line of `forward` for layer `name`.
std::string LayerLine(const std::string& name) {
  std::string w = "self.", b = "self.";
  w += name;
  w += "_weight";
  b += name;
  b += "_bias";
  std::string call;
  if (StartsWith(name, "conv")) {
    call = "torch.conv2d(x, ";
    call += w;
    call += ", ";
    call += b;
    call += ", [1, 1], [1, 1])";
  } else if (StartsWith(name, "relu")) {
    call = "torch.relu(x)";
  } else if (StartsWith(name, "pool")) {
    call = "torch.max_pool2d(x, [2, 2], [2, 2])";
  } else if (name == "gap") {
    call = "torch.adaptive_avg_pool2d(x, [1, 1])";
  } else if (name == "flatten") {
    call = "torch.flatten(x, 1)";
  } else if (StartsWith(name, "fc")) {
    call = "torch.addmm(";
    call += b;
    call += ", x, ";
    call += w;
    call += ".t())";
  } else {
    Fail("zoo export: no TorchScript form for layer '", name, "'");
  }
  std::string line = "        x = ";
  line += call;
  line += "\n";
  return line;
}

}  // namespace

std::string ZooForwardSource(const ZooModel& model) {
  std::string source = "def forward(self, x):\n        x = x.reshape([-1, 1, 28, 28])\n";
  for (const std::string& name : model.layer_names()) source += LayerLine(name);
  source += "        return x\n";
  return source;
}

void ExportZooModel(const ZooModel& model, const std::string& path) {
  AtomicFile file(path, "zoo export");
  torch::jit::Module module("ZooModel");
  for (const auto& [name, tensor] : model.named_parameters())
    module.register_parameter(AttributeName(name), tensor.detach().to(torch::kCPU).clone(),
                              /*is_buffer=*/false);
  module.define(ZooForwardSource(model));
  module.save(file.temporary_path());
  file.Commit();
}

}  // namespace lfa
