// Zoo export: a zoo network as a TorchScript module, so that other tools (PyTorch, lfa explain
// --model FILE.pt) can load the very network a study explained.
//
// ExportZooModel builds a torch::jit::Module by hand: each parameter of the ZooModel is registered
// under its dotted name with the dot replaced ("conv1.weight" -> "conv1_weight"), and `forward` is
// TorchScript source generated from the layer list of the architecture (model_zoo.h), one line per
// layer, in the same order and with the same functional ops as the torch::nn modules:
//   conv*    torch.conv2d(x, w, b, [1, 1], [1, 1])      (3 x 3, stride 1, padding 1)
//   relu*    torch.relu(x)                pool*    torch.max_pool2d(x, [2, 2], [2, 2])
//   gap      torch.adaptive_avg_pool2d(x, [1, 1])      flatten   torch.flatten(x, 1)
//   fc*      torch.addmm(b, x, w.t())     (= x w^T + b, nn::Linear's formula)
// The input is reshaped to [-1, 1, 28, 28] first, as ZooModel::Forward does, so the module takes
// [n, 1, 28, 28] or [n, 784] and returns [n, classes] logits; outputs equal ZooModel's up to the
// rounding of the two dispatch paths (the test checks 1e-6 relative on float32).
//
//   const ZooEntry entry = LoadOrTrain(ZooTrainingOptions{.architecture = "cnn"}, data);
//   ExportZooModel(*entry.model, "cnn.pt");                  // torch.jit.load("cnn.pt") in Python
//
// WARNING: the exported module has no named layers: lfa's CAM methods need the zoo model itself
// (zoo:ARCH), not its export.
#pragma once

#include <string>

#include "experiments/zoo/model_zoo.h"

namespace lfa {

// The forward source of `model`'s architecture (see above).
std::string ZooForwardSource(const ZooModel& model);

// Writes `model` as a TorchScript archive to `path` (through an AtomicFile; the path is checked
// first). InvalidInput names the path when it cannot be written.
void ExportZooModel(const ZooModel& model, const std::string& path);

}  // namespace lfa
