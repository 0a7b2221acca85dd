// Oracle: the only door to the model.
//
// Every model query of every explainer and metric goes through an Oracle. It
//   - splits the rows into batches sized in bytes, not rows (see "Batch sizes" below),
//   - casts them to the model's dtype and moves them to the chosen device (cpu or cuda),
//   - selects one output column per row (the target) and returns float64 results on the inputs'
//     device (CPU inputs give CPU results; explainers keep their samples on the Oracle's device),
//   - counts the rows it evaluated (`queries()`), so explainers report their cost exactly,
//   - halves the batch and retries when the device (CUDA or the CPU) runs out of memory, saying so
//     once on stderr; a single row that does not fit is an error naming the device,
//   - refuses what would give meaningless numbers: inputs that are not finite once converted to
//     the model's type (a CSV value 1e39 or a sigma of 1e308 in float32), model outputs that are
//     NaN or inf, and gradient queries of a model with integer inputs or outputs (autograd would
//     silently answer zeros); each is an InvalidInput naming the row of the query,
//   - ends the run at the next batch after Ctrl-C (ThrowIfInterrupted, framework/interrupt.h).
//
//   Oracle oracle(model, {.device = "cpu"});
//   torch::Tensor y = oracle.Values(inputs, /*targets=*/torch::zeros({n}, torch::kLong));
//   torch::Tensor g = oracle.Gradients(inputs, targets);    // [n, *input_shape]
//   LayerGradients a = oracle.GradientsAtLayer(images, targets, "relu2");  // the CAMs' query
//
// Batch sizes. A row's cost is not its input: a 28 x 28 image is 3 KB, but the zoo CNN's
// activations and their gradients take about 100 times that. RowBytes measures it: the Oracle runs
// the query on a few all-zero probe rows under a memory probe (framework/memory_probe.h) and takes
// the growth of the peak allocated bytes per row (once per input shape and query kind; probe rows
// are not counted, like NumOutputs' probe). The batch is the byte budget over that:
//   CPU    kCpuBatchBytes: measured with `lfa bench --sweep` (docs/performance.md), a working set
//          that stays in the caches; larger batches are slower, not faster, on the CPU;
//   CUDA   gpu_memory_fraction of the device's free memory when the batch is first sized.
// max_batch_rows overrides the choice (lfa's --batch-size); max_batch_bytes replaces the budget.
// The batch never changes results: rows do not interact (model.h), and every explainer's random
// draws are keyed by point and sample, not by batch.
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
// Threads. Values and Gradients may be called from several threads at once when the model says
// it can be (Model::thread_safe): the Oracle's counters and cached batch sizes are guarded, and
// each call's batches are its own. LfaExplainer does so on the CPU (lfa_explainer.h).
//
// WARNING: per-row gradients (at the input or at a layer) come from the gradient of the sum of the
// selected outputs, which is right only if rows do not interact inside the model (see model.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "framework/model.h"

namespace lfa {

// The CPU byte budget of one model call (inputs, activations and their gradients, as RowBytes
// measures them). Measured on 2-core machines with `lfa bench --sweep` for the paper's MLP and the
// zoo CNN (docs/performance.md): both are fastest per row with a working set of a few MiB.
inline constexpr int64_t kCpuBatchBytes = int64_t{8} << 20;
// The CUDA budget when the free memory cannot be asked (no CUDA runtime symbols in the process).
inline constexpr int64_t kFallbackDeviceBatchBytes = int64_t{1} << 30;
// Most rows of an automatically sized batch.
inline constexpr int64_t kMaxAutomaticRows = int64_t{1} << 20;

// What a batch of rows is asked for: values cost a forward pass, gradients a backward pass too.
enum class QueryKind { kValues, kGradients };

struct OracleOptions {
  // "cpu", "cuda" or "cuda:K". cuda requires a LibTorch built with CUDA and a visible GPU.
  std::string device = "cpu";
  // Rows per model call. 0 (default): budget / RowBytes (see "Batch sizes"); > 0: exactly this
  // many (still halved on out-of-memory), or fewer when max_batch_bytes is set too.
  int64_t max_batch_rows = 0;
  // Byte budget of one model call. 0 (default): kCpuBatchBytes on the CPU, gpu_memory_fraction of
  // the free memory on CUDA.
  int64_t max_batch_bytes = 0;
  // CUDA, with max_batch_bytes 0: the share of the free device memory one call may use, in (0, 1].
  double gpu_memory_fraction = 0.5;

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

  // f_target(x) for each row: inputs [n, *input_shape] (any dtype, any device), targets int64 [n]
  // or a scalar tensor. Returns float64 [n] on the inputs' device.
  torch::Tensor Values(const torch::Tensor& inputs, const torch::Tensor& targets);

  // All outputs: [n, K] float64 on the inputs' device.
  torch::Tensor Outputs(const torch::Tensor& inputs);

  // d f_target / d x for each row: [n, *input_shape] float64 on the inputs' device.
  torch::Tensor Gradients(const torch::Tensor& inputs, const torch::Tensor& targets);

  // Bytes one row of a `kind` query costs for inputs of `input_shape`: measured once (see "Batch
  // sizes"), at least the row's input bytes.
  int64_t RowBytes(const std::vector<int64_t>& input_shape, QueryKind kind);
  // Rows per model call of a `kind` query for inputs of `input_shape` (see "Batch sizes").
  int64_t BatchRows(const std::vector<int64_t>& input_shape, QueryKind kind);

  // Whether the model has named layers (is a LayeredModel), so that the layer queries work.
  bool has_layers() const;
  // The model's layer names, input to output; InvalidInput naming the model when it has none.
  std::vector<std::string> LayerNames() const;
  // Shape of `layer`'s activation for one input of `input_shape`, without the batch dimension
  // ([K, h, w] for a convolutional layer). Probed once per (layer, input shape), not counted.
  std::vector<int64_t> LayerShape(const std::vector<int64_t>& input_shape,
                                  const std::string& layer);
  // Rows per model call of GradientsAtLayer for inputs of `input_shape`: the byte budget over the
  // bytes of a row's input and activation (max_batch_rows alone overrides it).
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
  // The byte budget of one call (max_batch_bytes, or the device's default).
  int64_t BudgetBytes() const;
  // Rows of `row_bytes` each that fit the budget, within the options' row limits.
  int64_t RowsWithin(int64_t row_bytes) const;
  // Runs one `kind` query on `rows` all-zero rows (RowBytes' probe).
  void Probe(const std::vector<int64_t>& input_shape, int64_t rows, QueryKind kind);
  // Runs fn on row ranges [begin, end) of `rows`, halving the batch on out-of-memory.
  void ForEachBatch(int64_t rows, int64_t batch, int64_t* counter,
                    const std::function<void(int64_t, int64_t)>& fn);
  // The batch to retry with after `error` (out of memory) at `batch` rows: half of it, said once
  // on stderr; a runtime_error naming the device when a single row does not fit.
  int64_t HalveAfterOutOfMemory(int64_t batch, const std::exception& error);
  // A batch of rows as the model takes them: on the device, in the model's dtype.
  torch::Tensor Prepare(const torch::Tensor& chunk) const;
  // The model's outputs as [n, K] (checked; finite unless check_finite is false, for the probes of
  // zero rows that size batches and count outputs, whose values nobody reads).
  torch::Tensor ForwardMatrix(const torch::Tensor& prepared, bool check_finite = true);
  // The selected output of each row of `out` [n, K] for targets on the device: [n].
  torch::Tensor Select(const torch::Tensor& out, const torch::Tensor& targets) const;

  std::shared_ptr<Model> model_;
  OracleOptions options_;
  torch::Device device_;
  // Guards the counters, caches and flags below: queries may come from several threads at once
  // (LfaExplainer's concurrent blocks; see "Threads" above). Recursive: BatchRows asks RowBytes.
  std::recursive_mutex state_lock_;
  int64_t value_queries_ = 0;
  int64_t gradient_queries_ = 0;
  int64_t num_outputs_ = -1;
  bool warned_out_of_memory_ = false;
  // LayerShape's probes: (layer, input shape) -> activation shape of one row.
  std::map<std::pair<std::string, std::vector<int64_t>>, std::vector<int64_t>> layer_shapes_;
  // RowBytes' and BatchRows' answers per (input shape, kind).
  std::map<std::pair<std::vector<int64_t>, QueryKind>, int64_t> row_bytes_;
  std::map<std::pair<std::vector<int64_t>, QueryKind>, int64_t> batch_rows_;
};

// targets as an int64 [n] tensor: a scalar tensor or an int is broadcast.
torch::Tensor ExpandTargets(const torch::Tensor& targets, int64_t n);

}  // namespace lfa
