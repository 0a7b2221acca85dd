// `lfa study roar` on the command line: the flags of RoarStudyOptions, then RunRoarStudy.
//
//   program.Add("study", ..., MakeRoarStudyCommand());   // experiments/cli/main.cc
#pragma once

#include <memory>

#include "experiments/command/command.h"

namespace lfa {

std::unique_ptr<Command> MakeRoarStudyCommand();

}  // namespace lfa
