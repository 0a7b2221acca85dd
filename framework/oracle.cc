#include "framework/oracle.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>

#include "framework/errors.h"

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

bool IsOutOfMemory(const std::exception& e) {
  return std::string(e.what()).find("out of memory") != std::string::npos;
}

}  // namespace

bool OracleOptions::IsValid(std::string* error) const {
  if (max_batch_rows < 1) {
    *error = "oracle: max_batch_rows must be >= 1, got " + std::to_string(max_batch_rows);
    return false;
  }
  if (max_batch_bytes < 1) {
    *error = "oracle: max_batch_bytes must be >= 1, got " + std::to_string(max_batch_bytes);
    return false;
  }
  return true;
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

int64_t Oracle::RowsPerBatch(const torch::Tensor& inputs) const {
  const int64_t row_elements = inputs.dim() > 1 ? inputs[0].numel() : 1;
  const int64_t row_bytes = std::max<int64_t>(1, row_elements * c10::elementSize(model_->dtype()));
  return std::max<int64_t>(1, std::min(options_.max_batch_rows, options_.max_batch_bytes / row_bytes));
}

void Oracle::ForEachBatch(int64_t rows, int64_t batch, int64_t* counter,
                          const std::function<void(int64_t, int64_t)>& fn) {
  int64_t begin = 0;
  while (begin < rows) {
    const int64_t end = std::min(rows, begin + batch);
    try {
      fn(begin, end);
      *counter += end - begin;
      begin = end;
    } catch (const std::exception& e) {
      if (!IsOutOfMemory(e) || batch == 1) throw;
      batch = std::max<int64_t>(1, batch / 2);  // retry the same rows with half the batch
    }
  }
}

torch::Tensor Oracle::Prepare(const torch::Tensor& chunk) const {
  return chunk.to(device_, model_->dtype(), /*non_blocking=*/false, /*copy=*/false);
}

torch::Tensor Oracle::ForwardMatrix(const torch::Tensor& prepared) {
  torch::Tensor out = model_->Forward(prepared);
  if (out.dim() == 1) out = out.unsqueeze(1);
  TORCH_CHECK(out.dim() == 2 && out.size(0) == prepared.size(0),
              "model output must be [n] or [n, K], got ", out.sizes(), " for ", prepared.size(0),
              " rows");
  return out;
}

int64_t Oracle::NumOutputs(const std::vector<int64_t>& input_shape) {
  if (num_outputs_ < 0) {
    std::vector<int64_t> shape = {1};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    torch::NoGradGuard no_grad;
    num_outputs_ = ForwardMatrix(Prepare(torch::zeros(shape))).size(1);
  }
  return num_outputs_;
}

torch::Tensor Oracle::Outputs(const torch::Tensor& inputs) {
  const int64_t n = inputs.size(0);
  std::vector<torch::Tensor> parts;
  torch::NoGradGuard no_grad;
  ForEachBatch(n, RowsPerBatch(inputs), &value_queries_, [&](int64_t begin, int64_t end) {
    parts.push_back(ForwardMatrix(Prepare(inputs.slice(0, begin, end))).to(torch::kCPU, torch::kDouble));
  });
  if (parts.empty()) return torch::zeros({0, 1}, torch::kDouble);
  return torch::cat(parts);
}

torch::Tensor Oracle::Values(const torch::Tensor& inputs, const torch::Tensor& targets) {
  const int64_t n = inputs.size(0);
  const torch::Tensor target_rows = ExpandTargets(targets, n);
  torch::Tensor values = torch::empty({n}, torch::kDouble);
  torch::NoGradGuard no_grad;
  ForEachBatch(n, RowsPerBatch(inputs), &value_queries_, [&](int64_t begin, int64_t end) {
    torch::Tensor out = ForwardMatrix(Prepare(inputs.slice(0, begin, end)));
    torch::Tensor index = target_rows.slice(0, begin, end).to(out.device()).unsqueeze(1);
    TORCH_CHECK(index.max().item<int64_t>() < out.size(1) && index.min().item<int64_t>() >= 0,
                "target output index out of range for a model with ", out.size(1), " outputs");
    values.slice(0, begin, end).copy_(out.gather(1, index).squeeze(1));
  });
  return values;
}

torch::Tensor Oracle::Gradients(const torch::Tensor& inputs, const torch::Tensor& targets) {
  const int64_t n = inputs.size(0);
  const torch::Tensor target_rows = ExpandTargets(targets, n);
  torch::Tensor gradients = torch::empty(inputs.sizes(), torch::kDouble);
  torch::AutoGradMode enable_grad(true);  // callers may hold a NoGradGuard
  ForEachBatch(n, RowsPerBatch(inputs), &gradient_queries_, [&](int64_t begin, int64_t end) {
    torch::Tensor chunk = Prepare(inputs.slice(0, begin, end)).detach().requires_grad_(true);
    torch::Tensor out = ForwardMatrix(chunk);
    torch::Tensor index = target_rows.slice(0, begin, end).to(out.device()).unsqueeze(1);
    TORCH_CHECK(index.max().item<int64_t>() < out.size(1) && index.min().item<int64_t>() >= 0,
                "target output index out of range for a model with ", out.size(1), " outputs");
    torch::Tensor selected = out.gather(1, index).sum();
    // An output with no autograd history (a parameter-free f that ignores its input) has a zero
    // gradient; autograd::grad would throw on it.
    torch::Tensor grad;
    if (selected.requires_grad())
      grad = torch::autograd::grad({selected}, {chunk}, {}, false, false, true)[0];
    if (!grad.defined()) grad = torch::zeros_like(chunk);  // f does not depend on its input
    gradients.slice(0, begin, end).copy_(grad);
  });
  return gradients;
}

}  // namespace lfa
