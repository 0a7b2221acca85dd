// Model: the function f being explained, as a batched tensor map.
//
// A Model maps a batch of inputs [n, *input_shape] to outputs [n, K]; it must be differentiable by
// autograd so that gradient-based explainers can pull gradients back through it. Explainers never
// call a Model directly: they go through the Oracle (oracle.h), which batches, moves data to the
// device and counts queries.
//
// Adapters (models/):
//   TorchScriptModel            a file written by torch.jit.save / torch.jit.trace
//   TorchScriptSequentialModel  a TorchScript nn.Sequential, with named layers for the CAMs
//   MlpModel                    an MLP rebuilt from a state-dict file plus an architecture
//   ModuleModel                 an in-process torch::nn module
//   AnalyticModel               a C++ function made of torch ops, for tests and theory checks
//
//   auto f = std::make_shared<AnalyticModel>(std::vector<int64_t>{3},
//       [](const torch::Tensor& x) { return (x * x).sum(1, true); }, "sum of squares");
//
// WARNING: rows must not interact (no batch-norm in training mode): the Oracle splits and merges
// batches freely, and per-row gradients are computed from the gradient of a sum over rows.
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

namespace lfa {

class Model {
 public:
  virtual ~Model() = default;

  // inputs [n, *input_shape] on the model's device and dtype -> [n, K]. A model returning [n] is
  // treated as K = 1 by the Oracle.
  virtual torch::Tensor Forward(const torch::Tensor& inputs) = 0;

  // Shape of one input without the batch dimension; empty when the model cannot tell (then the
  // data decides).
  virtual std::vector<int64_t> input_shape() const = 0;

  // dtype the model computes in (inputs are cast to it).
  virtual torch::Dtype dtype() const { return torch::kFloat32; }

  // Moves parameters to `device`. Models without parameters ignore it.
  virtual void To(const torch::Device& device) {}

  virtual std::string description() const = 0;

  // Whether Forward, and autograd through it, may run on two threads at once (each with its own
  // inputs). False unless a model says so: a model may count its calls, keep state between calls
  // or need a lock (a Python callable needs the GIL). TorchScript modules, zoo models and MLPs say
  // true. LfaExplainer explains blocks of points concurrently on the CPU only for such models.
  virtual bool thread_safe() const { return false; }
};

}  // namespace lfa
