// Oracle: the only door to the model.
//
// Every model query of every explainer and metric goes through an Oracle. It
//   - splits the rows into batches bounded by a row budget and a memory budget,
//   - casts them to the model's dtype and moves them to the chosen device (cpu or cuda),
//   - selects one output column per row (the target) and returns float64 CPU tensors,
//   - counts the rows it evaluated (`queries()`), so explainers report their cost exactly,
//   - halves the batch and retries when the device runs out of memory.
//
//   Oracle oracle(model, {.device = "cpu", .max_batch_rows = 10000});
//   torch::Tensor y = oracle.Values(inputs, /*targets=*/torch::zeros({n}, torch::kLong));
//   torch::Tensor g = oracle.Gradients(inputs, targets);    // [n, *input_shape]
//
// The default row budget was chosen by measurement: on two cores with Debian's LibTorch a
// forward+backward pass of the paper's small MLP costs about 0.6 us/row in 10,000-row batches and
// over twice that in 100,000-row batches.
//
// WARNING: per-row gradients come from the gradient of the sum of the selected outputs, which is
// right only if rows do not interact inside the model (see model.h).
#pragma once

#include <memory>
#include <string>

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

  // Rows evaluated so far (a gradient row counts as one query).
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
  // Runs fn on row ranges [begin, end) of `rows`, halving the batch on out-of-memory.
  void ForEachBatch(int64_t rows, int64_t batch, int64_t* counter,
                    const std::function<void(int64_t, int64_t)>& fn);
  torch::Tensor Prepare(const torch::Tensor& chunk) const;
  torch::Tensor ForwardMatrix(const torch::Tensor& prepared);

  std::shared_ptr<Model> model_;
  OracleOptions options_;
  torch::Device device_;
  int64_t value_queries_ = 0;
  int64_t gradient_queries_ = 0;
  int64_t num_outputs_ = -1;
};

// targets as an int64 [n] tensor: a scalar tensor or an int is broadcast.
torch::Tensor ExpandTargets(const torch::Tensor& targets, int64_t n);

}  // namespace lfa
