#include "experiments/report/plot.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "experiments/io/atomic_file.h"
#include "experiments/io/text.h"
#include "framework/interrupt.h"

extern char** environ;

namespace lfa {
namespace {

// The executable `name` on the PATH, or "" (what `command -v` does, without a shell).
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (const std::string& dir : Split(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = dir.empty() ? "." : dir;
    candidate += '/';
    candidate += name;
    if (::access(candidate.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(candidate))
      return candidate;
  }
  return "";
}

// Waits for `child`, polling so that Ctrl-C is noticed: on an interrupt the child is stopped and
// Interrupted thrown. Returns the child's wait status.
int WaitPolling(pid_t child) {
  RegisterChildProcess(child);  // a second Ctrl-C stops it from the signal handler
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child || (done < 0 && errno != EINTR)) break;
    if (InterruptRequested()) {
      ::kill(child, SIGTERM);
      while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
      }
      RegisterChildProcess(0);
      ThrowIfInterrupted();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  RegisterChildProcess(0);
  return status;
}

// Runs gnuplot on `script_path` with its stderr to the file `log` has open; true when it exited
// with status 0. No shell: a path with quotes or spaces is passed as it is.
bool SpawnGnuplot(const std::string& gnuplot, const std::string& script_path, AtomicFile& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, ::fileno(log.stream()), STDERR_FILENO);
  std::string program = gnuplot, script = script_path;
  char* argv[] = {program.data(), script.data(), nullptr};
  pid_t child = 0;
  const int error = ::posix_spawn(&child, gnuplot.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    std::fprintf(log.stream(), "cannot start %s: %s\n", gnuplot.c_str(), std::strerror(error));
    return false;
  }
  const int status = WaitPolling(child);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

bool GnuplotFound(const std::string& who) {
  if (!FindOnPath("gnuplot").empty()) return true;
  std::fprintf(stderr, "%s: gnuplot not found, no plot drawn\n", who.c_str());
  return false;
}

bool RunGnuplot(const std::string& script_path, const std::string& script,
                const std::string& log_path, const std::string& who) {
  WriteFileAtomically(script_path, script, "plot script");
  AtomicFile log(log_path, "plot log");
  const std::string gnuplot = FindOnPath("gnuplot");
  const bool drawn = !gnuplot.empty() && SpawnGnuplot(gnuplot, script_path, log);
  log.Commit();
  if (drawn) return true;
  std::fprintf(stderr, "%s: gnuplot failed on %s (see %s)\n", who.c_str(), script_path.c_str(),
               log_path.c_str());
  return false;
}

bool DrawPng(const std::string& png, const std::string& terminal, const std::string& script,
             const std::string& script_path, const std::string& log_path, const std::string& who) {
  AtomicFile picture(png, "plot");
  std::string full = terminal;
  full += "\nset output '";
  full += picture.temporary_path();
  full += "'\n";
  full += script;
  if (!RunGnuplot(script_path, full, log_path, who)) return false;
  std::error_code error;
  if (std::filesystem::file_size(picture.temporary_path(), error) == 0 || error) {
    std::fprintf(stderr, "%s: gnuplot wrote no picture for %s (see %s)\n", who.c_str(), png.c_str(),
                 log_path.c_str());
    return false;
  }
  picture.Commit();
  return true;
}

}  // namespace lfa
