// `lfa study images` on the command line: the flags of ImageStudyOptions, then RunImageStudy.
//
//   program.Add("study", ..., MakeImageStudyCommand());   // experiments/cli/main.cc
#pragma once

#include <memory>

#include "experiments/command/command.h"

namespace lfa {

std::unique_ptr<Command> MakeImageStudyCommand();

}  // namespace lfa
