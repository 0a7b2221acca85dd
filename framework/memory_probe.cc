#include "framework/memory_probe.h"

#include <dlfcn.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include <c10/core/Allocator.h>
#include <c10/util/ThreadLocalDebugInfo.h>

namespace lfa {
namespace {

// Keeps the running total and its maximum. The reporter's signature changed between LibTorch
// releases (int64_t totals in 1.13, size_t in 2.x): both overloads are declared, one of them
// overrides the base class's pure virtual, the other is never called. (No `override` keyword for
// that reason, on any member, so that compilers do not ask for it on some and not others.)
class PeakReporter : public c10::MemoryReportingInfoBase {
 public:
  void reportMemoryUsage(void* /*ptr*/, int64_t alloc_size, int64_t /*total_allocated*/,
                         int64_t /*total_reserved*/, c10::Device /*device*/) {
    Add(alloc_size);
  }
  void reportMemoryUsage(void* /*ptr*/, int64_t alloc_size, size_t /*total_allocated*/,
                         size_t /*total_reserved*/, c10::Device /*device*/) {
    Add(alloc_size);
  }
  bool memoryProfilingEnabled() const { return true; }

  int64_t peak() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return peak_;
  }

 private:
  void Add(int64_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ += bytes;
    peak_ = std::max(peak_, current_);
  }

  mutable std::mutex mutex_;
  int64_t current_ = 0;
  int64_t peak_ = 0;
};

// cudaError_t cudaMemGetInfo(size_t* free, size_t* total) and friends; 0 is cudaSuccess.
using MemGetInfo = int (*)(size_t*, size_t*);
using GetDevice = int (*)(int*);
using SetDevice = int (*)(int);

template <typename Fn>
Fn Lookup(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

int64_t PeakAllocatedBytes(const std::function<void()>& fn) {
  const auto reporter = std::make_shared<PeakReporter>();
  {
    c10::DebugInfoGuard guard(c10::DebugInfoKind::PROFILER_STATE, reporter);
    fn();
  }
  return reporter->peak();
}

std::optional<int64_t> FreeDeviceBytes(const torch::Device& device) {
  if (!device.is_cuda()) return std::nullopt;
  const auto mem_get_info = Lookup<MemGetInfo>("cudaMemGetInfo");
  const auto get_device = Lookup<GetDevice>("cudaGetDevice");
  const auto set_device = Lookup<SetDevice>("cudaSetDevice");
  if (mem_get_info == nullptr || get_device == nullptr || set_device == nullptr) return std::nullopt;
  int current = 0;
  if (get_device(&current) != 0) return std::nullopt;
  const int wanted = device.has_index() ? device.index() : current;
  if (wanted != current && set_device(wanted) != 0) return std::nullopt;
  size_t free = 0, total = 0;
  const int status = mem_get_info(&free, &total);
  if (wanted != current) set_device(current);
  if (status != 0) return std::nullopt;
  return static_cast<int64_t>(free);
}

}  // namespace lfa
