// Progress: a one-line progress display on stderr for long runs.
//
// Silent for runs that finish within `quiet_seconds`; after that it redraws one line at most every
// half second and ends it with a newline when Finish() is called (or on destruction). Update()
// is also where a long run notices Ctrl-C: it throws Interrupted (framework/interrupt.h) once a
// SIGINT or SIGTERM has arrived.
//
//   Progress progress("explain kernelshap", total_points);
//   progress.Update(done);
#pragma once

#include <chrono>
#include <string>

namespace lfa {

// Seconds of wall-clock time since `start`.
double SecondsSince(std::chrono::steady_clock::time_point start);

class Progress {
 public:
  Progress(std::string label, int64_t total, double quiet_seconds = 1.0);
  ~Progress();
  void Update(int64_t done);
  void Finish();

 private:
  double Elapsed() const;
  std::string label_;
  int64_t total_;
  double quiet_seconds_;
  std::chrono::steady_clock::time_point start_;
  double last_draw_ = -1;
  bool drawn_ = false;
  bool finished_ = false;
  int exceptions_at_start_ = 0;  // std::uncaught_exceptions() when constructed
};

}  // namespace lfa
