// `lfa study localisation` on the command line: the flags of LocalisationStudyOptions, then RunLocalisationStudy.
//
//   program.Add("study", ..., MakeLocalisationStudyCommand());   // experiments/cli/main.cc
#pragma once

#include <memory>

#include "experiments/command/command.h"

namespace lfa {

std::unique_ptr<Command> MakeLocalisationStudyCommand();

}  // namespace lfa
