#include "framework/oracle.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <new>
#include <optional>
#include <sstream>

#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>

#include "framework/errors.h"
#include "framework/interrupt.h"
#include "framework/layered_model.h"
#include "framework/memory_probe.h"

namespace lfa {
namespace {

torch::Device ParseDevice(const std::string& name) {
  try {
    torch::Device device(name);
    if (device.is_cuda() && !torch::cuda::is_available())
      Fail("device '", name, "' requested but no CUDA device is available to this LibTorch");
    return device;
  } catch (const c10::Error&) {
    Fail("device '", name, "' is not a device name (cpu, cuda, cuda:K)");
  }
}

// CUDA says "CUDA out of memory"; LibTorch's CPU allocator "DefaultCPUAllocator: can't allocate
// memory"; plain C++ allocations throw std::bad_alloc.
bool IsOutOfMemory(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) return true;
  const std::string what = e.what();
  return what.find("out of memory") != std::string::npos ||
         what.find("can't allocate memory") != std::string::npos;
}

std::string DtypeName(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat: return "float32";
    case torch::kDouble: return "float64";
    case torch::kHalf: return "float16";
    case torch::kBFloat16: return "bfloat16";
    case torch::kLong: return "int64";
    case torch::kInt: return "int32";
    case torch::kShort: return "int16";
    case torch::kChar: return "int8";
    case torch::kByte: return "uint8";
    case torch::kBool: return "bool";
    default: return c10::toString(dtype);
  }
}

// The first row of `values` [n, ...] holding a non-finite value, or -1.
int64_t FirstNonFiniteRow(const torch::Tensor& values) {
  if (!values.is_floating_point() || values.numel() == 0) return -1;
  // Fast path, one reduction and no [n, ...] bool tensor: a finite sum has finite terms (an inf
  // or NaN term makes it inf or NaN); a sum that overflows falls through to the exact search.
  if (std::isfinite(values.sum().item<double>())) return -1;
  const torch::Tensor finite = torch::isfinite(values).reshape({values.size(0), -1}).all(1);
  if (finite.all().item<bool>()) return -1;
  return torch::logical_not(finite).nonzero()[0][0].item<int64_t>();
}

// Inputs as the model sees them must be finite: a perturbation parameter that overflows the
// model's type (sigma 1e308 in float32) would otherwise give NaN explanations without a word.
void CheckFiniteInputs(const torch::Tensor& prepared) {
  const int64_t row = FirstNonFiniteRow(prepared);
  if (row < 0) return;
  Fail("model input row ", row, " of a query of ", prepared.size(0),
       " rows is not finite as the model's input type ", DtypeName(prepared.scalar_type()),
       ": a point or a perturbation parameter (sigma, baseline, noise fraction) is too large for ",
       DtypeName(prepared.scalar_type()));
}

// A model that answers NaN or inf has no explanation; say so instead of averaging NaNs.
void CheckFiniteOutputs(const torch::Tensor& out, const Model& model) {
  const int64_t row = FirstNonFiniteRow(out);
  if (row < 0) return;
  Fail("model '", model.description(), "' returned a non-finite output (NaN or inf) for input row ",
       row, " of a query of ", out.size(0), " rows; lfa explains only finite outputs");
}

// Gradients need floating-point inputs and outputs: an integer output has no gradient, and
// autograd would silently give zeros (all-zero attributions with R2 = 1).
void CheckDifferentiableInputs(const Model& model) {
  if (!c10::isFloatingType(model.dtype()))
    Fail("model '", model.description(), "' takes ", DtypeName(model.dtype()),
         " inputs: gradient explainers need floating-point inputs");
}

void CheckDifferentiableOutputs(const torch::Tensor& out, const Model& model) {
  if (!out.is_floating_point())
    Fail("model '", model.description(), "' returns ", DtypeName(out.scalar_type()),
         " outputs: gradient explainers need floating-point outputs (use a value-based explainer "
         "such as occlusion, lime or kernelshap)");
}

std::vector<int64_t> WithBatch(int64_t rows, c10::IntArrayRef shape) {
  std::vector<int64_t> out = {rows};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

int64_t Product(const std::vector<int64_t>& shape) {
  int64_t product = 1;
  for (int64_t s : shape) product *= s;
  return product;
}

// targets [rows] must index the model's `outputs` columns.
void CheckTargets(const torch::Tensor& targets, int64_t outputs) {
  if (targets.numel() == 0) return;
  const int64_t lowest = targets.min().item<int64_t>(), highest = targets.max().item<int64_t>();
  if (lowest < 0 || highest >= outputs)
    Fail("oracle: target ", lowest < 0 ? lowest : highest, " outside [0, ", outputs,
         ") of the model's outputs");
}

}  // namespace

bool OracleOptions::IsValid(std::string* error) const {
  std::ostringstream out;
  if (max_batch_rows < 0) {
    out << "oracle: max_batch_rows must be >= 0 (0: chosen from the byte budget), got "
        << max_batch_rows;
  } else if (max_batch_bytes < 0) {
    out << "oracle: max_batch_bytes must be >= 0 (0: the device's default budget), got "
        << max_batch_bytes;
  } else if (!(gpu_memory_fraction > 0 && gpu_memory_fraction <= 1)) {
    out << "oracle: gpu_memory_fraction must be in (0, 1], got " << gpu_memory_fraction;
  }
  if (out.str().empty()) return true;
  if (error) *error = out.str();
  return false;
}

torch::Tensor ExpandTargets(const torch::Tensor& targets, int64_t n) {
  torch::Tensor t = targets.to(torch::kCPU, torch::kLong);
  if (t.dim() == 0) return t.expand({n}).contiguous();
  TORCH_CHECK(t.dim() == 1 && t.size(0) == n, "targets must be a scalar or have ", n,
              " entries, got shape ", t.sizes());
  return t;
}

Oracle::Oracle(std::shared_ptr<Model> model, OracleOptions options)
    : model_(std::move(model)), options_(std::move(options)), device_(ParseDevice(options_.device)) {
  std::string error;
  if (!options_.IsValid(&error)) throw InvalidInput(error);
  if (!model_) Fail("oracle: model is null");
  model_->To(device_);
}

int64_t Oracle::BudgetBytes() const {
  if (options_.max_batch_bytes > 0) return options_.max_batch_bytes;
  if (!device_.is_cuda()) return kCpuBatchBytes;
  const std::optional<int64_t> free = FreeDeviceBytes(device_);
  if (!free) return kFallbackDeviceBatchBytes;
  return static_cast<int64_t>(options_.gpu_memory_fraction * static_cast<double>(*free));
}

int64_t Oracle::RowsWithin(int64_t row_bytes) const {
  if (options_.max_batch_rows > 0 && options_.max_batch_bytes == 0) return options_.max_batch_rows;
  const int64_t cap = options_.max_batch_rows > 0 ? options_.max_batch_rows : kMaxAutomaticRows;
  return std::clamp<int64_t>(BudgetBytes() / std::max<int64_t>(1, row_bytes), 1, cap);
}

void Oracle::Probe(const std::vector<int64_t>& input_shape, int64_t rows, QueryKind kind) {
  const torch::Tensor zeros =
      torch::zeros(WithBatch(rows, input_shape), torch::TensorOptions(model_->dtype()).device(device_));
  if (kind == QueryKind::kValues) {
    torch::NoGradGuard no_grad;
    ForwardMatrix(zeros, /*check_finite=*/false);
    return;
  }
  torch::AutoGradMode enable_grad(true);
  const torch::Tensor leaf = zeros.requires_grad_(true);
  const torch::Tensor selected = ForwardMatrix(leaf, /*check_finite=*/false).select(1, 0).sum();
  if (selected.requires_grad()) torch::autograd::grad({selected}, {leaf}, {}, false, false, true);
}

int64_t Oracle::RowBytes(const std::vector<int64_t>& input_shape, QueryKind kind) {
  const std::lock_guard<std::recursive_mutex> guard(state_lock_);
  const auto key = std::make_pair(input_shape, kind);
  const auto known = row_bytes_.find(key);
  if (known != row_bytes_.end()) return known->second;
  // The growth of the peak between two probe sizes is what a row adds; fixed costs (weights'
  // copies, workspaces) cancel. The first probe warms the model up (TorchScript optimises on its
  // first runs) and is not measured.
  constexpr int64_t kSmall = 4, kLarge = 36;
  Probe(input_shape, kSmall, kind);
  const int64_t small = PeakAllocatedBytes([&] { Probe(input_shape, kSmall, kind); });
  const int64_t large = PeakAllocatedBytes([&] { Probe(input_shape, kLarge, kind); });
  const int64_t input = Product(input_shape) * static_cast<int64_t>(c10::elementSize(model_->dtype()));
  const int64_t bytes = std::max<int64_t>({input, (large - small) / (kLarge - kSmall), 1});
  row_bytes_.emplace(key, bytes);
  return bytes;
}

int64_t Oracle::BatchRows(const std::vector<int64_t>& input_shape, QueryKind kind) {
  const std::lock_guard<std::recursive_mutex> guard(state_lock_);
  if (options_.max_batch_rows > 0 && options_.max_batch_bytes == 0) return options_.max_batch_rows;
  const auto key = std::make_pair(input_shape, kind);
  const auto known = batch_rows_.find(key);
  if (known != batch_rows_.end()) return known->second;
  const int64_t rows = RowsWithin(RowBytes(input_shape, kind));
  batch_rows_.emplace(key, rows);
  return rows;
}

void Oracle::ForEachBatch(int64_t rows, int64_t batch, int64_t* counter,
                          const std::function<void(int64_t, int64_t)>& fn) {
  int64_t begin = 0;
  while (begin < rows) {
    ThrowIfInterrupted();  // Ctrl-C ends a run at the next batch (framework/interrupt.h)
    const int64_t end = std::min(rows, begin + batch);
    try {
      fn(begin, end);
      {
        const std::lock_guard<std::recursive_mutex> guard(state_lock_);
        *counter += end - begin;
      }
      begin = end;
    } catch (const std::exception& e) {
      if (!IsOutOfMemory(e)) throw;
      batch = HalveAfterOutOfMemory(batch, e);  // retry the same rows with half the batch
    }
  }
}

int64_t Oracle::HalveAfterOutOfMemory(int64_t batch, const std::exception& error) {
  std::string what = error.what();
  what = what.substr(0, what.find('\n'));
  if (batch == 1)
    throw std::runtime_error("out of memory on " + device_.str() + " with a batch of 1 row (" +
                             what + "): the model needs more memory than is free");
  const int64_t half = std::max<int64_t>(1, batch / 2);
  const std::lock_guard<std::recursive_mutex> guard(state_lock_);
  if (!warned_out_of_memory_) {
    warned_out_of_memory_ = true;
    std::fprintf(stderr,
                 "lfa: out of memory on %s with a batch of %lld rows; retrying with smaller "
                 "batches (from %lld rows; --batch-size sets the size)\n",
                 device_.str().c_str(), static_cast<long long>(batch),
                 static_cast<long long>(half));
  }
  return half;
}

torch::Tensor Oracle::Prepare(const torch::Tensor& chunk) const {
  torch::Tensor prepared = chunk.to(device_, model_->dtype(), /*non_blocking=*/false, /*copy=*/false);
  CheckFiniteInputs(prepared);
  return prepared;
}

torch::Tensor Oracle::ForwardMatrix(const torch::Tensor& prepared, bool check_finite) {
  torch::Tensor out = model_->Forward(prepared);
  if (out.dim() == 1) out = out.unsqueeze(1);
  TORCH_CHECK(out.dim() == 2 && out.size(0) == prepared.size(0),
              "model output must be [n] or [n, K], got ", out.sizes(), " for ", prepared.size(0),
              " rows");
  if (check_finite) CheckFiniteOutputs(out, *model_);
  return out;
}

int64_t Oracle::NumOutputs(const std::vector<int64_t>& input_shape) {
  const std::lock_guard<std::recursive_mutex> guard(state_lock_);
  if (num_outputs_ < 0) {
    std::vector<int64_t> shape = {1};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    torch::NoGradGuard no_grad;
    num_outputs_ = ForwardMatrix(Prepare(torch::zeros(shape)), /*check_finite=*/false).size(1);
  }
  return num_outputs_;
}

torch::Tensor Oracle::Select(const torch::Tensor& out, const torch::Tensor& targets) const {
  return out.gather(1, targets.unsqueeze(1)).squeeze(1);
}

torch::Tensor Oracle::Outputs(const torch::Tensor& inputs) {
  const int64_t n = inputs.size(0);
  const std::vector<int64_t> shape(inputs.sizes().begin() + 1, inputs.sizes().end());
  std::vector<torch::Tensor> parts;
  torch::NoGradGuard no_grad;
  ForEachBatch(n, BatchRows(shape, QueryKind::kValues), &value_queries_,
               [&](int64_t begin, int64_t end) {
    parts.push_back(ForwardMatrix(Prepare(inputs.slice(0, begin, end)))
                        .to(inputs.device(), torch::kDouble));
  });
  if (parts.empty()) return torch::zeros({0, 1}, inputs.options().dtype(torch::kDouble));
  return torch::cat(parts);
}

torch::Tensor Oracle::Values(const torch::Tensor& inputs, const torch::Tensor& targets) {
  const int64_t n = inputs.size(0);
  const std::vector<int64_t> shape(inputs.sizes().begin() + 1, inputs.sizes().end());
  const torch::Tensor target_rows = ExpandTargets(targets, n);
  const torch::Tensor on_device = target_rows.to(device_);
  torch::Tensor values = torch::empty({n}, inputs.options().dtype(torch::kDouble));
  torch::NoGradGuard no_grad;
  ForEachBatch(n, BatchRows(shape, QueryKind::kValues), &value_queries_,
               [&](int64_t begin, int64_t end) {
    const torch::Tensor out = ForwardMatrix(Prepare(inputs.slice(0, begin, end)));
    if (begin == 0) CheckTargets(target_rows, out.size(1));
    values.slice(0, begin, end).copy_(Select(out, on_device.slice(0, begin, end)));
  });
  return values;
}

torch::Tensor Oracle::Gradients(const torch::Tensor& inputs, const torch::Tensor& targets) {
  const int64_t n = inputs.size(0);
  const std::vector<int64_t> shape(inputs.sizes().begin() + 1, inputs.sizes().end());
  const torch::Tensor target_rows = ExpandTargets(targets, n);
  const torch::Tensor on_device = target_rows.to(device_);
  torch::Tensor gradients = torch::empty(inputs.sizes(), inputs.options().dtype(torch::kDouble));
  CheckDifferentiableInputs(*model_);
  torch::AutoGradMode enable_grad(true);  // callers may hold a NoGradGuard
  ForEachBatch(n, BatchRows(shape, QueryKind::kGradients), &gradient_queries_,
               [&](int64_t begin, int64_t end) {
    const torch::Tensor chunk = Prepare(inputs.slice(0, begin, end)).detach().requires_grad_(true);
    const torch::Tensor out = ForwardMatrix(chunk);
    CheckDifferentiableOutputs(out, *model_);
    if (begin == 0) CheckTargets(target_rows, out.size(1));
    const torch::Tensor selected = Select(out, on_device.slice(0, begin, end)).sum();
    // An output with no autograd history (a parameter-free f that ignores its input) has a zero
    // gradient; autograd::grad would throw on it.
    torch::Tensor grad;
    if (selected.requires_grad())
      grad = torch::autograd::grad({selected}, {chunk}, {}, false, false, true)[0];
    if (grad.defined()) {
      gradients.slice(0, begin, end).copy_(grad);
    } else {
      gradients.slice(0, begin, end).zero_();  // f does not depend on its input
    }
  });
  return gradients;
}

bool Oracle::has_layers() const { return dynamic_cast<LayeredModel*>(model_.get()) != nullptr; }

std::vector<std::string> Oracle::LayerNames() const {
  const auto* layered = dynamic_cast<const LayeredModel*>(model_.get());
  if (layered == nullptr)
    Fail("model '", model_->description(),
         "' has no named layers: layer queries need a LayeredModel (framework/layered_model.h), "
         "such as a zoo model or a TorchScript Sequential");
  return layered->layer_names();
}

std::vector<int64_t> Oracle::LayerShape(const std::vector<int64_t>& input_shape,
                                        const std::string& layer) {
  FindLayer(LayerNames(), layer, "model '" + model_->description() + "'");
  const std::lock_guard<std::recursive_mutex> guard(state_lock_);
  const auto key = std::make_pair(layer, input_shape);
  const auto known = layer_shapes_.find(key);
  if (known != layer_shapes_.end()) return known->second;
  torch::NoGradGuard no_grad;
  const torch::Tensor probe = Prepare(torch::zeros(WithBatch(1, input_shape)));
  const torch::Tensor activation =
      dynamic_cast<LayeredModel&>(*model_).ForwardWithActivation(probe, layer).second;
  if (activation.dim() < 1 || activation.size(0) != 1) {
    std::ostringstream shape;
    shape << activation.sizes();
    Fail("model '", model_->description(), "': layer '", layer, "' gives an activation of shape ",
         shape.str(), " for one input row; expected [1, ...] (one row per input row)");
  }
  const std::vector<int64_t> shape(activation.sizes().begin() + 1, activation.sizes().end());
  layer_shapes_.emplace(key, shape);
  return shape;
}

int64_t Oracle::LayerBatchRows(const std::vector<int64_t>& input_shape, const std::string& layer) {
  const int64_t elements = Product(input_shape) + Product(LayerShape(input_shape, layer));
  return RowsWithin(elements * static_cast<int64_t>(c10::elementSize(model_->dtype())));
}

LayerGradients Oracle::GradientsAtLayer(const torch::Tensor& inputs, const torch::Tensor& targets,
                                        const std::string& layer) {
  if (inputs.dim() < 1) Fail("oracle: layer queries need inputs [n, *input_shape], got a scalar");
  const int64_t n = inputs.size(0);
  const std::vector<int64_t> input_shape(inputs.sizes().begin() + 1, inputs.sizes().end());
  const std::vector<int64_t> layer_shape = LayerShape(input_shape, layer);
  const torch::Tensor target_rows = ExpandTargets(targets, n);
  auto& layered = dynamic_cast<LayeredModel&>(*model_);
  const std::string model = "model '" + model_->description() + "'";
  LayerGradients result{torch::empty({n}, torch::kDouble),
                        torch::empty(WithBatch(n, layer_shape), torch::kDouble),
                        torch::empty(WithBatch(n, layer_shape), torch::kDouble)};
  CheckDifferentiableInputs(*model_);
  torch::AutoGradMode enable_grad(true);  // callers may hold a NoGradGuard
  ForEachBatch(n, LayerBatchRows(input_shape, layer), &gradient_queries_,
               [&](int64_t begin, int64_t end) {
    // A leaf that requires grad puts the activation in the graph even for parameter-free models.
    const torch::Tensor chunk = Prepare(inputs.slice(0, begin, end)).detach().requires_grad_(true);
    auto [out, activation] = layered.ForwardWithActivation(chunk, layer);
    if (out.dim() == 1) out = out.unsqueeze(1);
    TORCH_CHECK(out.dim() == 2 && out.size(0) == end - begin,
                "model output must be [n] or [n, K], got ", out.sizes(), " for ", end - begin,
                " rows");
    CheckFiniteOutputs(out, *model_);
    CheckDifferentiableOutputs(out, *model_);
    if (activation.dim() < 1 || activation.size(0) != end - begin)
      Fail(model, ": layer '", layer, "' gives ", activation.dim() < 1 ? 0 : activation.size(0),
           " activation rows for ", end - begin, " input rows");
    const torch::Tensor index = target_rows.slice(0, begin, end);
    CheckTargets(index, out.size(1));
    const torch::Tensor scores = out.gather(1, index.to(out.device()).unsqueeze(1)).squeeze(1);
    // Rows do not interact (model.h), so the gradient of the sum is the per-row gradient.
    torch::Tensor grad;
    if (activation.requires_grad() && scores.requires_grad())
      grad = torch::autograd::grad({scores.sum()}, {activation}, {}, false, false, true)[0];
    if (!grad.defined())
      Fail(model, ": the outputs do not depend on the activation of layer '", layer,
           "' through autograd (the model must return the very tensor its later layers use)");
    result.scores.slice(0, begin, end).copy_(scores.detach());
    result.activations.slice(0, begin, end).copy_(activation.detach());
    result.gradients.slice(0, begin, end).copy_(grad);
  });
  return result;
}

}  // namespace lfa
