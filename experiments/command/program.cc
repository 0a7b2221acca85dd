#include "experiments/command/program.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <malloc.h>
#include <optional>
#include <thread>

#include <ATen/Parallel.h>

#include "experiments/io/input_files.h"
#include "experiments/parallel/process_group.h"
#include "experiments/parallel/rank_failure.h"
#include "framework/errors.h"
#include "framework/interrupt.h"
#include "framework/unit_threads.h"

namespace lfa {
namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string Names(const std::vector<CLI::App*>& apps) {
  std::string names;
  for (const CLI::App* app : apps) {
    if (!names.empty()) names += ", ";
    names += app->get_name();
  }
  return names;
}

// LibTorch's intra-op pool may start with one thread; use every core unless told otherwise. The
// processes of a parallel job on one node share its cores. SetIntraOpThreads, not
// at::set_num_threads: the latter also builds a thread pool whose spinning workers cost ~70 ms of
// CPU at each start (framework/unit_threads.cc).
void SetThreads(const Communicator& world) {
  const char* threads = std::getenv("LFA_NUM_THREADS");
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  SetIntraOpThreads(threads ? std::max(1, std::atoi(threads))
                            : std::max(1, cores / world.local_size()));
}

// glibc gives every allocation above its mmap threshold (at most 32 MiB by default) its own
// mapping and unmaps it on free, so each large tensor of a batch loop (an image block's samples,
// decoded inputs, responses) is zero-filled page by page again: on the image study that was 11
// million minor page faults and a fifth of the CPU time in the kernel. Keep freed memory for
// reuse instead (up to 1 GiB above the heap's top before trimming); the resident set grows by
// ~10%. docs/performance.md ("CNN") has the measurement.
void ReuseFreedMemory() {
  constexpr int kOneGiB = 1 << 30;
  mallopt(M_MMAP_THRESHOLD, kOneGiB);
  mallopt(M_TRIM_THRESHOLD, kOneGiB);
  mallopt(M_TOP_PAD, 64 << 20);
}

// One line: the first line of the message, or a TorchScript model's own error line (MessageLine).
void PrintError(const std::exception& error) {
  std::fprintf(stderr, "lfa: error: %s\n", MessageLine(error.what()).c_str());
}

int ReportInterrupted(int signal) {
  std::fprintf(stderr, "lfa: interrupted by %s\n", SignalName(signal).c_str());
  return 128 + signal;
}

// An error only this rank saw: the others may be waiting in a collective, so it ends the job
// (Abort does not return; the exit code is for the compiler, which cannot see that through a
// virtual call).
int AbortJob(Communicator& world, const std::exception& error, int exit_code) {
  std::fprintf(stderr, "lfa: error: rank %d of %d: %s\n", world.rank(), world.size(),
               MessageLine(error.what()).c_str());
  world.Abort(exit_code);
  return exit_code;
}

}  // namespace

Program::Program(std::string description) : app_(std::move(description), "lfa") {
  app_.require_subcommand(1);
}

void Program::Register(CLI::App& parent, std::unique_ptr<Command> command) {
  CLI::App* app = parent.add_subcommand(command->name(), command->description());
  command->AddOptions(*app);
  commands_.emplace_back(app, std::move(command));
}

void Program::Add(std::unique_ptr<Command> command) { Register(app_, std::move(command)); }

void Program::Add(const std::string& group, const std::string& group_description,
                  std::unique_ptr<Command> command) {
  CLI::App*& app = groups_[group];
  if (!app) {
    app = app_.add_subcommand(group, group_description);
    app->require_subcommand(1);
  }
  Register(*app, std::move(command));
}

// CLI11's own messages for a missing or mistyped command ("A subcommand is required", "The
// following arguments were not expected") do not say which commands exist; this one does.
std::string Program::UsageError(const CLI::ParseError& error) const {
  const CLI::App* app = &app_;
  std::string command = "lfa";
  for (;;) {
    const auto chosen = app->get_subcommands();
    if (chosen.empty()) break;
    app = chosen.front();
    command += " " + app->get_name();
  }
  const auto choices = const_cast<CLI::App*>(app)->get_subcommands({});
  if (!choices.empty()) {
    const std::vector<std::string> extras = app->remaining();
    std::string message = extras.empty() || extras.front().rfind("-", 0) == 0
                              ? "'" + command + "' needs a command"
                              : "unknown command '" + extras.front() + "'";
    return message + " (one of: " + Names(choices) + "; see " + command + " --help)";
  }
  return FirstLine(error.what()) + " (see " + command + " --help)";
}

// Under an MPI launcher (experiments/parallel/process_group.h) every rank parses the same command
// line, so parse errors and refusals are printed by rank 0 only and every rank returns the same
// code; a failure only one rank saw ends the job (AbortJob).
int Program::Main(int argc, char** argv) {
  std::optional<ProcessGroup> group;
  try {
    group.emplace(&argc, &argv);
  } catch (const InvalidInput& e) {
    PrintError(e);
    return 2;
  }
  Communicator& world = World();
  const bool reports = world.rank() == 0;
  InstallInterruptHandlers();  // Ctrl-C and SIGTERM: exit 130 / 143, no partial output
  SetThreads(world);
  ReuseFreedMemory();
  try {
    app_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help: CLI11 prints it. Parse errors: one line, like every other error.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
      return reports ? app_.exit(e) : 0;
    if (reports) std::fprintf(stderr, "lfa: error: %s\n", UsageError(e).c_str());
    return 2;
  }
  for (auto& [app, command] : commands_) {
    if (app->parsed()) return Run(*app, *command);
  }
  return 0;
}

int Program::Run(const CLI::App& app, Command& command) {
  Communicator& world = World();
  if (world.size() > 1 && !dynamic_cast<const ShardsAcrossRanks*>(&command)) {
    if (world.rank() == 0)
      std::fprintf(stderr, "lfa: error: '%s' runs in one process only (its work is not sharded "
                   "across MPI ranks); run it without mpirun, or with mpirun -n 1\n",
                   app.get_name().c_str());
    return 2;
  }
  try {
    // The inputs the command reads, so that no output replaces one (io/input_files.h).
    ScopedInputFiles inputs;
    command.Run();
  } catch (const Interrupted& e) {
    return ReportInterrupted(e.signal());
  } catch (const JobFailure& e) {
    if (world.rank() == 0) PrintError(e);
    return e.exit_code();
  } catch (const InvalidInput& e) {
    if (world.size() > 1) return AbortJob(world, e, 2);
    PrintError(e);
    return 2;
  } catch (const std::exception& e) {
    if (world.size() > 1) return AbortJob(world, e, 1);
    PrintError(e);
    return 1;
  }
  // A signal after the last check: the outputs are complete, but the run was still interrupted.
  if (InterruptRequested()) return ReportInterrupted(InterruptSignal());
  return 0;
}

}  // namespace lfa
