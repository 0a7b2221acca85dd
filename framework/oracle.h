// Oracle: the only door to the model.
//
// Every model query of every explainer and metric goes through an Oracle. It
//   - splits the rows into batches bounded by a row budget and a memory budget,
//   - casts them to the model's dtype and moves them to the chosen device (cpu or cuda),
//   - selects one output column per row (the target) and returns float64 CPU tensors,
//   - counts the rows it evaluated (`queries()`), so explainers report their cost exactly,
//   - halves the batch and retries when the device (CUDA or the CPU) runs out of memory, saying so
//     once on stderr; a single row that does not fit is an error naming the device,
//   - refuses what would give meaningless numbers: inputs that are not finite once converted to
//     the model's type (a CSV value 1e39 or a sigma of 1e308 in float32), model outputs that are
//     NaN or inf, and gradient queries of a model with integer inputs or outputs (autograd would
//     silently answer zeros); each is an InvalidInput naming the row of the query,
//   - ends the run at the next batch after Ctrl-C (ThrowIfInterrupted, framework/interrupt.h).
//
//   Oracle oracle(model, {.device = "cpu", .max_batch_rows = 10000});
//   torch::Tensor y = oracle.Values(inputs, /*targets=*/torch::zeros({n}, torch::kLong));
//   torch::Tensor g = oracle.Gradients(inputs, targets);    // [n, *input_shape]
//   LayerGradients a = oracle.GradientsAtLayer(images, targets, "relu2");  // the CAMs' query
//
// Layer queries. Explainers that read a model's insides (Grad-CAM and its family) ask for one
// layer's activation A and the gradient of the target score S = f_target with respect to it,
// dS/dA, per row. The Oracle sees the model as a LayeredModel (framework/layered_model.h) when it
// is one and answers like the other queries: batched (a row's bytes count its input and its
// activation), on the device, float64 CPU results, counted as gradient queries (one per row), with
// the same out-of-memory halving. A model without named layers gets an InvalidInput naming it.
// The activation's shape is probed once per layer and input shape with one all-zero row; like
// NumOutputs' probe, that row is not counted (it asks nothing about the explained points).
//
// The default row budget was chosen by measurement: on two cores with Debian's LibTorch a
// forward+backward pass of the paper's small MLP costs about 0.6 us/row in 10,000-row batches and
// over twice that in 100,000-row batches.
//
// WARNING: per-row gradients (at the input or at a layer) come from the gradient of the sum of the
// selected outputs, which is right only if rows do not interact inside the model (see model.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "framework/model.h"

namespace lfa {

struct OracleOptions {
  // "cpu", "cuda" or "cuda:K". cuda requires a LibTorch built with CUDA and a visible GPU.
  std::string device = "cpu";
  // Most rows sent to the model in one call.
  int64_t max_batch_rows = 10000;
  // Most bytes of input sent in one call (rows are reduced to fit; at least one row is sent).
  int64_t max_batch_bytes = int64_t{256} << 20;

  bool IsValid(std::string* error) const;
};

// What GradientsAtLayer returns for n rows, all float64 on the CPU.
struct LayerGradients {
  torch::Tensor scores;       // [n] f_target(x)
  torch::Tensor activations;  // [n, *layer_shape] the layer's activation A
  torch::Tensor gradients;    // [n, *layer_shape] d f_target / d A
};

class Oracle {
 public:
  Oracle(std::shared_ptr<Model> model, OracleOptions options = {});

  // f_target(x) for each row: inputs [n, *input_shape], targets int64 [n] or a scalar tensor.
  // Returns float64 [n] on the CPU.
  torch::Tensor Values(const torch::Tensor& inputs, const torch::Tensor& targets);

  // All outputs: [n, K] float64 on the CPU.
  torch::Tensor Outputs(const torch::Tensor& inputs);

  // d f_target / d x for each row: [n, *input_shape] float64 on the CPU.
  torch::Tensor Gradients(const torch::Tensor& inputs, const torch::Tensor& targets);

  // Whether the model has named layers (is a LayeredModel), so that the layer queries work.
  bool has_layers() const;
  // The model's layer names, input to output; InvalidInput naming the model when it has none.
  std::vector<std::string> LayerNames() const;
  // Shape of `layer`'s activation for one input of `input_shape`, without the batch dimension
  // ([K, h, w] for a convolutional layer). Probed once per (layer, input shape), not counted.
  std::vector<int64_t> LayerShape(const std::vector<int64_t>& input_shape,
                                  const std::string& layer);
  // Rows per model call of GradientsAtLayer for inputs of `input_shape`: the row budget, reduced
  // so that the rows' inputs and activations fit the byte budget.
  int64_t LayerBatchRows(const std::vector<int64_t>& input_shape, const std::string& layer);
  // Per row: the target score, `layer`'s activation and d score / d activation. inputs
  // [n, *input_shape], targets int64 [n] or a scalar. InvalidInput for a model without layers, an
  // unknown layer, a target outside the model's outputs, or an activation that the outputs do not
  // depend on through autograd.
  LayerGradients GradientsAtLayer(const torch::Tensor& inputs, const torch::Tensor& targets,
                                  const std::string& layer);

  // Rows evaluated so far (a gradient row, at the input or at a layer, counts as one query).
  int64_t queries() const { return value_queries_ + gradient_queries_; }
  int64_t value_queries() const { return value_queries_; }
  int64_t gradient_queries() const { return gradient_queries_; }
  void ResetQueries() { value_queries_ = gradient_queries_ = 0; }

  Model& model() { return *model_; }
  const OracleOptions& options() const { return options_; }
  torch::Device device() const { return device_; }
  // Number of outputs K (probed once with one row when first asked).
  int64_t NumOutputs(const std::vector<int64_t>& input_shape);

 private:
  int64_t RowsPerBatch(const torch::Tensor& inputs) const;
  // The row budget for rows of `row_elements` values each, within the byte budget.
  int64_t RowsWithin(int64_t row_elements) const;
  // Runs fn on row ranges [begin, end) of `rows`, halving the batch on out-of-memory.
  void ForEachBatch(int64_t rows, int64_t batch, int64_t* counter,
                    const std::function<void(int64_t, int64_t)>& fn);
  // The batch to retry with after `error` (out of memory) at `batch` rows: half of it, said once
  // on stderr; a runtime_error naming the device when a single row does not fit.
  int64_t HalveAfterOutOfMemory(int64_t batch, const std::exception& error);
  torch::Tensor Prepare(const torch::Tensor& chunk) const;
  torch::Tensor ForwardMatrix(const torch::Tensor& prepared);

  std::shared_ptr<Model> model_;
  OracleOptions options_;
  torch::Device device_;
  int64_t value_queries_ = 0;
  int64_t gradient_queries_ = 0;
  int64_t num_outputs_ = -1;
  bool warned_out_of_memory_ = false;
  // LayerShape's probes: (layer, input shape) -> activation shape of one row.
  std::map<std::pair<std::string, std::vector<int64_t>>, std::vector<int64_t>> layer_shapes_;
};

// targets as an int64 [n] tensor: a scalar tensor or an int is broadcast.
torch::Tensor ExpandTargets(const torch::Tensor& targets, int64_t n);

}  // namespace lfa
