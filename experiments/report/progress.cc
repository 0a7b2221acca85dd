#include "experiments/report/progress.h"

#include <cstdio>
#include <exception>

#include "framework/interrupt.h"

namespace lfa {

Progress::Progress(std::string label, int64_t total, double quiet_seconds)
    : label_(std::move(label)), total_(total), quiet_seconds_(quiet_seconds),
      start_(std::chrono::steady_clock::now()), exceptions_at_start_(std::uncaught_exceptions()) {}

Progress::~Progress() {
  // Unwinding (an error, Ctrl-C): end the drawn line, but do not claim the work is done.
  if (std::uncaught_exceptions() > exceptions_at_start_) {
    if (drawn_ && !finished_) std::fputc('\n', stderr);
    finished_ = true;
  }
  Finish();
}

double Progress::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::Update(int64_t done) {
  ThrowIfInterrupted();  // every long run updates its progress: Ctrl-C ends it here
  const double elapsed = Elapsed();
  if (elapsed < quiet_seconds_ || elapsed - last_draw_ < 0.5) return;
  last_draw_ = elapsed;
  drawn_ = true;
  const double fraction = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1;
  const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  std::fprintf(stderr, "\r%s: %lld/%lld (%.0f%%) %.1fs elapsed, ~%.1fs left   ", label_.c_str(),
               static_cast<long long>(done), static_cast<long long>(total_), 100 * fraction,
               elapsed, eta);
  std::fflush(stderr);
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (drawn_) std::fprintf(stderr, "\r%s: done in %.1fs%40s\n", label_.c_str(), Elapsed(), "");
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace lfa
