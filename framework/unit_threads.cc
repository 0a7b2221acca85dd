#include "framework/unit_threads.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "framework/errors.h"

namespace lfa {

void RunUnitsOnThreads(int64_t units, const std::function<void(int64_t unit)>& unit,
                       const std::function<void(int64_t done)>& done) {
  if (units < 0) Fail("RunUnitsOnThreads: units must be >= 0, got ", units);
  const int budget = at::get_num_threads();
  const int64_t workers = std::min<int64_t>(std::max(1, budget), units);
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex lock;  // guards first_error, finished and the done() calls
  std::exception_ptr first_error;
  int64_t finished = 0;
  auto work = [&] {
    at::set_num_threads(1);
    while (!failed.load()) {
      const int64_t u = next.fetch_add(1);
      if (u >= units) break;
      try {
        unit(u);
        const std::lock_guard<std::mutex> guard(lock);
        ++finished;
        if (done) done(finished);
      } catch (...) {
        const std::lock_guard<std::mutex> guard(lock);
        if (!first_error) first_error = std::current_exception();
        failed.store(true);
      }
    }
  };
  if (workers <= 1) {
    work();  // on this thread: no thread to start for one unit at a time
  } else {
    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(workers));
    for (int64_t w = 0; w < workers; ++w) threads.emplace_back(work);
    for (std::thread& thread : threads) thread.join();
  }
  at::set_num_threads(budget);
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace lfa
