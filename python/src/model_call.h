// ModelCall: what every model-querying function of the Python bindings does before its C++ work.
//
// A Python call names a model (lfa.Model: a TorchScript module in memory or a file), a tensor of
// points [N, *input_shape] with the points along the first dimension (Captum's `inputs`), the
// outputs to explain (Captum's `target`) and where to run. ModelCall checks all of it, with
// messages that name the argument and the value, and builds the Oracle the C++ call queries:
//
//   inputs   a tensor with at least 2 dimensions and N >= 1; its elements per point must equal the
//            model's declared input size when the model declares one
//   target   None: output 0 of a model with one output (Captum: a scalar output needs no target);
//            an error for a model with several outputs, as the target would be a guess
//            int tensor, 0-d: that output for every point; 1-d of length N: one per point
//            every target in [0, K) for a model with K outputs
//   device   the Oracle's device ("cpu", "cuda", "cuda:K"); None: the device of `inputs`
//   batch_size  rows per model call (>= 1); None: the Oracle's byte-sized batches
//
// The Oracle wraps the model in an InterruptibleModel (interrupt.h), so Ctrl-C is seen before
// every batch of queries. The number of outputs is probed with one row, as the CLI does.
//
//   ModelCall call(model, inputs, targets, {.device = std::nullopt, .batch_size = 1000});
//   Explanation e = explainer.Explain(call.oracle(), MakePointBatch(inputs, seed), call.targets());
//
// WARNING: construct it with the GIL held (it reads Python-owned tensors' metadata only, but it may
// raise); run the work it prepares with the GIL released.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "framework/model.h"
#include "framework/oracle.h"

namespace lfa {

// lfa.Model: the model a Python call explains (any lfa::Model; the bindings make ScriptModuleModel
// and TorchScriptModel).
struct PythonModel {
  std::shared_ptr<Model> model;
};

struct CallOptions {
  std::optional<std::string> device;   // None: the device of the inputs
  std::optional<int64_t> batch_size;   // None: OracleOptions' default
};

class ModelCall {
 public:
  ModelCall(const PythonModel& model, const torch::Tensor& inputs,
            const std::optional<torch::Tensor>& targets, const CallOptions& options);

  Oracle& oracle() { return *oracle_; }
  // int64 [N] on the CPU.
  const torch::Tensor& targets() const { return targets_; }
  // Shape of one point.
  const std::vector<int64_t>& input_shape() const { return input_shape_; }
  int64_t outputs() const { return outputs_; }

 private:
  std::unique_ptr<Oracle> oracle_;
  torch::Tensor targets_;
  std::vector<int64_t> input_shape_;
  int64_t outputs_ = 0;
};

// Checks `inputs` as ModelCall does (a defined tensor, >= 2 dimensions, N >= 1); `what` names the
// argument in messages.
void CheckPoints(const torch::Tensor& inputs, const std::string& what);

}  // namespace lfa
