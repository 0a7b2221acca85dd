// Interrupts: how SIGINT and SIGTERM end a run cleanly.
//
// A signal handler may do almost nothing safely, so the handler installed by
// InstallInterruptHandlers() only records the signal. Long-running code polls for it at natural
// boundaries (every batch of model queries in the Oracle, every progress update, every training
// batch, every commit of an output file) with ThrowIfInterrupted(), which throws Interrupted. The
// exception unwinds the stack like any other error, so every AtomicFile removes its temporary and
// every StudyDirectory removes the empty directory it created; the program then exits with
// 128 + signal (130 for SIGINT, 143 for SIGTERM), as shells expect.
//
// A second signal means "now": the handler then removes the registered temporary files and
// directories (RegisterTemporary, with async-signal-safe unlink/rmdir), stops the registered child
// process, and ends the process at once with _exit(128 + signal).
//
//   InstallInterruptHandlers();                 // once, in main (experiments/command/program.cc)
//   for (int64_t begin = 0; begin < n; begin += batch) {
//     ThrowIfInterrupted();                     // throws Interrupted{SIGINT} after Ctrl-C
//     ...
//   }
//
// Library code never installs handlers; without them ThrowIfInterrupted() never throws, unless a
// test calls RequestInterrupt().
//
// WARNING: a catch (const std::exception&) that swallows errors also swallows Interrupted; such a
// catch must rethrow it (catch Interrupted first), or Ctrl-C is ignored.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>

namespace lfa {

// Thrown by ThrowIfInterrupted(); carries the signal that asked for it.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }
  // The conventional exit status of a process ended by the signal: 128 + signal.
  int exit_code() const { return 128 + signal_; }

 private:
  int signal_;
};

// Installs the SIGINT and SIGTERM handlers (idempotent).
void InstallInterruptHandlers();

// The signal received (SIGINT, SIGTERM), or 0 when none.
int InterruptSignal();
inline bool InterruptRequested() { return InterruptSignal() != 0; }
// Throws Interrupted when a signal was received.
void ThrowIfInterrupted();

// For tests: behave as if `signal` had arrived (0 clears it).
void RequestInterrupt(int signal);

// "SIGINT", "SIGTERM" or "signal N".
std::string SignalName(int signal);

// Temporaries that a second signal must remove: files (unlink) and directories (rmdir, only when
// empty; removed after the files, newest first). Registration copies the path into a fixed table
// (64 entries; a full table only means the entry is not removed on a forced exit).
void RegisterTemporary(const std::string& path, bool directory = false);
void UnregisterTemporary(const std::string& path);

// The child process (gnuplot) that a second signal must stop (SIGTERM); 0 for none.
void RegisterChildProcess(pid_t pid);

}  // namespace lfa
