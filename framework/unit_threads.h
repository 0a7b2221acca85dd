// Unit threads: independent units (a study's models, datasets or cells of a matrix; an
// explainer's blocks of points, lfa_explainer.h) computed concurrently on a few worker threads of
// this process, each unit on ONE LibTorch intra-op thread.
//
// A study whose units each keep one core busy (small models, many small tensor operations) uses
// one core of many however many intra-op threads LibTorch has: the work inside a unit is too fine
// to split. Running W units at once instead fills W cores. The policy:
//   workers  = min(the intra-op thread budget at the call, at::get_num_threads(), units)
//   per unit = 1 intra-op thread, always, also with one worker,
// so a unit's numbers never depend on the budget or on how many units run beside it (ATen's
// parallel reductions split their sums by the thread count, which moves the last bits). Units are
// taken in index order from a shared counter; the caller stores each unit's result by index, so
// the outputs are in unit order whatever finished first. The budget is restored afterwards.
//
//   std::vector<Result> results(units);
//   RunUnitsOnThreads(units, [&](int64_t u) { results[u] = Compute(u); },
//                     [&](int64_t done) { progress.Update(done); });
//
// The first exception a unit throws (an Interrupted after Ctrl-C included) stops the workers from
// taking new units and is rethrown on the calling thread once every worker has finished.
//
// The calling thread takes units too; the other workers are helper threads started on first need
// and kept for the process's lifetime. Each sets only its own intra-op count (OpenMP's per-thread
// setting): at::set_num_threads would rebuild LibTorch's thread pools on every call, and their
// spinning new threads cost a quarter of `lfa bench`'s CPU time (unit_threads.cc).
//
// WARNING: a unit must not touch state another unit writes: each unit builds its own models,
// Oracles and explainers. Shared read-only objects (registries, released tables) are fine. Call
// it from one thread at a time: the helpers are shared, so a second caller's units would wait for
// the first's (they would still all run: each caller also works its own units).
#pragma once

#include <cstdint>
#include <functional>

namespace lfa {

// Runs unit(0) .. unit(units - 1) on min(at::get_num_threads(), units) threads, each with one
// intra-op thread; after each finished unit, done(count finished so far) is called on the worker
// that finished it, one call at a time (serialised by a lock), count increasing. units >= 0.
// Sets the calling thread's LibTorch intra-op thread count (threads >= 1). With ATen's OpenMP
// backend this is OpenMP's per-thread setting and rebuilds nothing; otherwise it is
// at::set_num_threads, process-wide. Programs set their budget with it once, at start.
void SetIntraOpThreads(int threads);

void RunUnitsOnThreads(int64_t units, const std::function<void(int64_t unit)>& unit,
                       const std::function<void(int64_t done)>& done = {});

}  // namespace lfa
