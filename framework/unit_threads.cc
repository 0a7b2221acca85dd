#include "framework/unit_threads.h"

#include <ATen/Config.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "framework/errors.h"

namespace lfa {
namespace {

// --- One intra-op thread on this thread only ----------------------------------------------------
// at::set_num_threads(n) is process-wide and, in LibTorch 1.13, also rebuilds the caffe2
// pthreadpool with n threads; the new pool's workers spin for milliseconds before they sleep. Called
// twice per run of units (and once more by every new thread's lazy initialisation), that spinning
// took a quarter of the CPU time of `lfa bench`. With ATen's OpenMP backend the intra-op count is
// OpenMP's per-thread nthreads setting, so a worker sets its own with omp_set_num_threads and
// nothing is rebuilt. The function is looked up in the OpenMP runtime LibTorch already loaded
// (linking one ourselves could bring a second runtime under clang); without it, or with another
// backend, the process-wide call is the fallback.
using SetThreadsFn = void (*)(int);

SetThreadsFn OmpSetNumThreads() {
#if AT_PARALLEL_OPENMP
  static const SetThreadsFn fn =
      reinterpret_cast<SetThreadsFn>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  return fn;
#else
  return nullptr;
#endif
}

// Sets this thread's intra-op count where that is possible; returns false where only the
// process-wide budget can be set (the caller then sets it once for the whole run).
bool SetThisThreadsIntraOp(int threads) {
  const SetThreadsFn fn = OmpSetNumThreads();
  if (fn) fn(threads);
  return fn != nullptr;
}

// --- The units of one call ----------------------------------------------------------------------
struct Run {
  Run(int64_t units, const std::function<void(int64_t)>& unit,
      const std::function<void(int64_t)>& done)
      : units(units), unit(&unit), done(&done) {}
  const int64_t units;
  const std::function<void(int64_t)>* unit;  // valid while the caller waits in RunUnitsOnThreads
  const std::function<void(int64_t)>* done;
  std::mutex lock;  // guards everything below and the done() calls
  std::condition_variable quiet;
  int64_t next = 0, running = 0, finished = 0;
  bool failed = false;
  std::exception_ptr first_error;
};

// Takes units until none is left or one failed. A helper that starts after the caller returned
// finds none left and never touches unit or done.
void Work(Run& run) {
  std::unique_lock<std::mutex> guard(run.lock);
  while (!run.failed && run.next < run.units) {
    const int64_t u = run.next++;
    ++run.running;
    guard.unlock();
    std::exception_ptr error;
    try {
      (*run.unit)(u);
    } catch (...) {
      error = std::current_exception();
    }
    guard.lock();
    --run.running;
    if (!error) {
      ++run.finished;
      try {
        if (*run.done) (*run.done)(run.finished);
      } catch (...) {
        error = std::current_exception();
      }
    }
    if (error) {
      if (!run.first_error) run.first_error = error;
      run.failed = true;
    }
    if (run.running == 0) run.quiet.notify_all();
  }
}

// --- Helper threads kept for the process's lifetime ---------------------------------------------
// Starting threads per call cost little by itself, but every new thread's first ATen call runs
// LibTorch's lazy thread initialisation, which rebuilds the pthreadpool (above). Helpers are started
// when first needed, set to one intra-op thread, and then wait for tasks.
class Helpers {
 public:
  // Queues `copies` copies of task and makes sure at least `copies` helpers exist.
  void Post(const std::function<void()>& task, int64_t copies) {
    const std::lock_guard<std::mutex> guard(lock_);
    for (int64_t c = 0; c < copies; ++c) tasks_.push_back(task);
    for (; started_ < copies; ++started_) std::thread([this] { Loop(); }).detach();
    wake_.notify_all();
  }

 private:
  void Loop() {
    (void)at::get_num_threads();  // LibTorch's per-thread initialisation, once per helper
    std::unique_lock<std::mutex> guard(lock_);
    for (;;) {
      wake_.wait(guard, [this] { return !tasks_.empty(); });
      const std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      guard.unlock();
      task();
      guard.lock();
    }
  }

  std::mutex lock_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  int64_t started_ = 0;
};

// Never destroyed: helpers may still wait on it at exit. A forked child has none of the parent's
// threads, so it starts afresh (the parent's object may be locked; it is left alone).
Helpers*& HelpersInstance() {
  static Helpers* helpers = [] {
    pthread_atfork(nullptr, nullptr, [] { HelpersInstance() = new Helpers; });
    return new Helpers;
  }();
  return helpers;
}

}  // namespace

void SetIntraOpThreads(int threads) {
  if (threads < 1) Fail("SetIntraOpThreads: threads must be >= 1, got ", threads);
  // LibTorch initialises a thread's count on its first parallel call (to its own default, which
  // may be one thread), so that happens first, then the setting.
  (void)at::get_num_threads();
  if (!SetThisThreadsIntraOp(threads)) at::set_num_threads(threads);
}

void RunUnitsOnThreads(int64_t units, const std::function<void(int64_t unit)>& unit,
                       const std::function<void(int64_t done)>& done) {
  if (units < 0) Fail("RunUnitsOnThreads: units must be >= 0, got ", units);
  const int budget = at::get_num_threads();
  const int64_t workers = std::min<int64_t>(std::max(1, budget), units);
  const auto run = std::make_shared<Run>(units, unit, done);
  const bool per_thread = SetThisThreadsIntraOp(1);
  if (!per_thread) at::set_num_threads(1);
  if (workers > 1) {
    HelpersInstance()->Post(
        [run] {
          SetThisThreadsIntraOp(1);
          Work(*run);
        },
        workers - 1);
  }
  Work(*run);  // the caller takes units too
  std::unique_lock<std::mutex> guard(run->lock);
  run->quiet.wait(guard, [&] { return run->running == 0; });
  if (per_thread) SetThisThreadsIntraOp(budget);
  else at::set_num_threads(budget);
  if (run->first_error) std::rethrow_exception(run->first_error);
}

}  // namespace lfa
