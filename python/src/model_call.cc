#include "model_call.h"

#include <c10/util/Exception.h>

#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "interrupt.h"
#include "python_errors.h"

namespace lfa {
namespace {

torch::Tensor ResolveTargets(const std::optional<torch::Tensor>& targets, int64_t n,
                             int64_t outputs) {
  if (!targets) {
    if (outputs != 1)
      Fail("target=None needs a model with one output; this model has ", outputs,
           " outputs: give target=K (the same output for every point) or one target per point");
    return Targets(0, n);
  }
  const torch::Tensor& given = *targets;
  if (!given.defined() || given.is_floating_point() || given.is_complex() ||
      given.scalar_type() == torch::kBool)
    Fail("target must be an integer or a tensor of integers, got ",
         given.defined() ? std::string(c10::toString(given.scalar_type())) : "an empty tensor");
  if (given.dim() > 1 || (given.dim() == 1 && given.size(0) != n))
    Fail("target must be one integer or one per point (", n, "), got shape ", given.sizes());
  const torch::Tensor resolved = ExpandTargets(given, n);
  if (n > 0) {
    const int64_t low = resolved.min().item<int64_t>(), high = resolved.max().item<int64_t>();
    const int64_t bad = low < 0 ? low : high;
    if (low < 0 || high >= outputs)
      Fail("target ", bad, " is out of range: the model has ", outputs, " output(s)");
  }
  return resolved;
}

}  // namespace

void CheckPoints(const torch::Tensor& inputs, const std::string& what) {
  if (!inputs.defined()) Fail(what, " is an undefined tensor");
  if (inputs.dim() < 2)
    Fail(what, " must be [N, *input_shape] with the points along the first dimension, got shape ",
         inputs.sizes(), " (one point x: pass x.unsqueeze(0))");
  if (inputs.size(0) < 1) Fail(what, " hold no points (shape ", inputs.sizes(), ")");
  if (inputs.is_complex()) Fail(what, " must be real, got ", c10::toString(inputs.scalar_type()));
}

ModelCall::ModelCall(const PythonModel& model, const torch::Tensor& inputs,
                     const std::optional<torch::Tensor>& targets, const CallOptions& options) {
  CheckPoints(inputs, "inputs");
  if (!model.model) Fail("model is not set");
  input_shape_.assign(inputs.sizes().begin() + 1, inputs.sizes().end());
  const std::vector<int64_t> declared = model.model->input_shape();
  if (!declared.empty() && NumElements(declared) != NumElements(input_shape_))
    Fail("inputs have shape ", inputs.sizes(), " (", NumElements(input_shape_),
         " element(s) per point) but model '", model.model->description(), "' expects ",
         NumElements(declared), " input(s) per point");
  OracleOptions oracle_options;
  oracle_options.device = options.device.value_or(inputs.device().str());
  if (options.batch_size) {
    if (*options.batch_size < 1) Fail("batch_size must be > 0, got ", *options.batch_size);
    oracle_options.max_batch_rows = *options.batch_size;
  }
  oracle_ = std::make_unique<Oracle>(MakeInterruptible(model.model),
                                     oracle_options);
  try {
    outputs_ = oracle_->NumOutputs(input_shape_);
  } catch (const c10::Error& e) {
    Fail("model '", model.model->description(), "' cannot evaluate inputs of shape ",
         c10::IntArrayRef(input_shape_), ": ", FirstLine(e.what_without_backtrace()));
  }
  targets_ = ResolveTargets(targets, inputs.size(0), outputs_);
}

}  // namespace lfa
