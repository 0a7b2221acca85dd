#include "experiments/command/program.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <thread>

#include <ATen/Parallel.h>

#include "experiments/io/input_files.h"
#include "framework/errors.h"
#include "framework/interrupt.h"

namespace lfa {
namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

int ReportInterrupted(int signal) {
  std::fprintf(stderr, "lfa: interrupted by %s\n",
               SignalName(signal).c_str());
  return 128 + signal;
}

// Runs the command; returns the exit code. Every failure is one line on stderr.
int RunReportingErrors(Command& command) {
  try {
    // The inputs the command reads, so that no output replaces one (io/input_files.h).
    ScopedInputFiles inputs;
    command.Run();
  } catch (const Interrupted& e) {
    return ReportInterrupted(e.signal());
  } catch (const InvalidInput& e) {
    std::fprintf(stderr, "lfa: error: %s\n", MessageLine(e.what()).c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lfa: error: %s\n", MessageLine(e.what()).c_str());
    return 1;
  }
  // A signal after the last check: the outputs are complete, but the run was still interrupted.
  if (InterruptRequested()) return ReportInterrupted(InterruptSignal());
  return 0;
}

std::string Names(const std::vector<CLI::App*>& apps) {
  std::string names;
  for (const CLI::App* app : apps) {
    if (!names.empty()) names += ", ";
    names += app->get_name();
  }
  return names;
}

// LibTorch's intra-op pool may start with one thread; use every core unless told otherwise.
void SetThreads() {
  const char* threads = std::getenv("LFA_NUM_THREADS");
  at::set_num_threads(threads ? std::max(1, std::atoi(threads))
                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
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

int Program::Main(int argc, char** argv) {
  InstallInterruptHandlers();  // Ctrl-C and SIGTERM: exit 130 / 143, no partial output
  SetThreads();
  try {
    app_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help: CLI11 prints it. Parse errors: one line, like every other error.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app_.exit(e);
    std::fprintf(stderr, "lfa: error: %s\n", UsageError(e).c_str());
    return 2;
  }
  for (auto& [app, command] : commands_)
    if (app->parsed()) return RunReportingErrors(*command);
  return 0;
}

}  // namespace lfa
