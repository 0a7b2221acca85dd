// `lfa study convergence` on the command line: the worked example of docs/extending.md ("One line
// in the command list"). In the project this file would be
// experiments/studies/convergence/convergence_command.h, and experiments/cli/main.cc would gain
//
//   program.Add("study", study, MakeConvergenceStudyCommand());
#pragma once

#include <memory>

#include "experiments/command/command.h"

namespace lfa {

std::unique_ptr<Command> MakeConvergenceStudyCommand();

}  // namespace lfa
