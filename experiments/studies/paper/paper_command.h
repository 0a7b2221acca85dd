// `lfa reproduce paper` on the command line: the flags of ReproduceOptions, then RunReproducePaper.
//
//   program.Add("reproduce", ..., MakeReproducePaperCommand());   // experiments/cli/main.cc
#pragma once

#include <memory>

#include "experiments/command/command.h"

namespace lfa {

std::unique_ptr<Command> MakeReproducePaperCommand();

}  // namespace lfa
