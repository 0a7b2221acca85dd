// Command: one subcommand of the `lfa` program, which declares its own flags and runs.
//
// The program (program.h) is a list of commands; a command owns its options struct, tells CLI11
// which flags fill it, and runs once the command line has been parsed. Adding a command is one
// class (usually in the folder of what it runs, e.g. a study's folder) and one line in
// experiments/cli/main.cc:
//
//   class HelloCommand : public Command {
//    public:
//     std::string name() const override { return "hello"; }
//     std::string description() const override { return "say hello"; }
//     void AddOptions(CLI::App& app) override { app.add_option("--who", who_, "whom to greet"); }
//     void Run() override { std::printf("hello %s\n", who_.c_str()); }
//    private:
//     std::string who_ = "world";
//   };
//   program.Add(std::make_unique<HelloCommand>());                  // lfa hello --who you
//
// Run() reports bad input by throwing InvalidInput (framework/errors.h) before it writes anything;
// the program turns that into one line on stderr and exit code 2.
//
// WARNING: flags are parsed into members: declare them in AddOptions with pointers to members of
// the command object, never to locals (the command outlives AddOptions; a local does not).
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

namespace lfa {

class Command {
 public:
  virtual ~Command() = default;
  // The subcommand's name ("explain") and its one-line description for --help.
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // Declares the flags on `app`, the CLI11 subcommand made for this command.
  virtual void AddOptions(CLI::App& app) = 0;
  // Runs the command after a successful parse.
  virtual void Run() = 0;
};

}  // namespace lfa
