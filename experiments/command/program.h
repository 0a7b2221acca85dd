// Program: the `lfa` executable as a list of commands (command.h).
//
// It parses the command line with CLI11, runs the one command named, and turns every failure into
// one line on stderr ("lfa: error: ...") and an exit code: 2 for bad input (a flag, a file, a spec
// key: InvalidInput), 1 for anything else; --help prints the usage and exits 0. An error raised
// inside a TorchScript model is shown by the model's own message (MessageLine, framework/errors.h).
// It also sets the process-wide state every command shares: LibTorch's thread count (from
// LFA_NUM_THREADS, default every core); the SIGINT/SIGTERM handlers (framework/interrupt.h), so
// that an interrupted command unwinds, removes its temporaries and exits with 130 / 143 and one
// line "lfa: interrupted by SIGINT"; and the run's set of input files (io/input_files.h), which no
// output may replace.
// It also starts and ends the job's process group: under `mpirun -n K` MPI runs from the start of
// Main to its end (experiments/parallel/process_group.h), rank 0 reports errors, and only the
// commands that shard their work across ranks run on more than one process.
//
//   int main(int argc, char** argv) {
//     Program program("lfa: post-hoc explanations as local function approximations");
//     program.Add(MakeExplainCommand());                                   // lfa explain ...
//     program.Add("study", "run a study", MakeImageStudyCommand());        // lfa study images ...
//     return program.Main(argc, argv);
//   }
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "experiments/command/command.h"

namespace lfa {

class Program {
 public:
  explicit Program(std::string description);

  // `lfa NAME ...`
  void Add(std::unique_ptr<Command> command);
  // `lfa GROUP NAME ...`; the group is made on first use with `group_description`.
  void Add(const std::string& group, const std::string& group_description,
           std::unique_ptr<Command> command);

  // Parses, runs the chosen command, returns the exit code.
  int Main(int argc, char** argv);

 private:
  void Register(CLI::App& parent, std::unique_ptr<Command> command);
  std::string UsageError(const CLI::ParseError& error) const;
  // Runs the parsed command; returns the exit code.
  int Run(const CLI::App& app, Command& command);

  CLI::App app_;
  std::map<std::string, CLI::App*> groups_;
  std::vector<std::pair<CLI::App*, std::unique_ptr<Command>>> commands_;
};

}  // namespace lfa
