// Memory probe: how many bytes a piece of tensor code allocates at its peak, and how much device
// memory is free, so that the Oracle can size its batches in bytes rather than rows.
//
// PeakAllocatedBytes(fn) runs fn with a c10 memory reporter installed on the calling thread (the
// hook LibTorch's profiler uses): every allocation and release by the CPU allocator and the CUDA
// caching allocator made on this thread, or by autograd's device threads on its behalf, is
// reported to it, and it keeps the running total's maximum. Allocations of other threads (OpenMP
// workers allocate almost nothing) and memory the allocators cache without handing out are not
// counted. The number is deterministic for a given model, input shape and LibTorch build.
//
//   const int64_t peak = PeakAllocatedBytes([&] { model.Forward(probe_rows); });
//   const int64_t free = FreeDeviceBytes(torch::Device("cuda:0")).value_or(1 << 30);
//
// FreeDeviceBytes asks the CUDA runtime (cudaMemGetInfo, looked up in the running process, so lfa
// needs no CUDA headers to build); it returns nothing on the CPU or when the runtime is not
// reachable (a LibTorch that links it statically), and callers fall back to a fixed budget.
//
// WARNING: fn must not release tensors that were allocated before the probe started: the CPU
// allocator does not know their size then and says so on stderr. Create the probe's inputs inside
// fn and let everything it makes die inside it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include <torch/types.h>

namespace lfa {

// The largest total of bytes held at once by allocations made inside fn (0 when it allocates
// nothing or the allocators do not report).
int64_t PeakAllocatedBytes(const std::function<void()>& fn);

// Free memory of a CUDA device in bytes, or nothing (CPU devices, runtime not reachable).
std::optional<int64_t> FreeDeviceBytes(const torch::Device& device);

}  // namespace lfa
