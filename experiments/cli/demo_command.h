// `lfa demo`: the main job of scripts/run.sh. Explains the paper's HELOC network (heloc_ffnnA,
// its 100 test points, from LFA_DATA_DIR) with all eight LFA compositions and the seven classic
// implementations, writes one CSV per explainer into OUT, and prints each explanation's brief
// report and how far each classic implementation is from its composition (mean L1). Without the
// paper's data it does the same on a built-in analytic model (a sum of sines and a product term)
// over 100 generated points, so the command always has something to show.
#pragma once

#include <memory>
#include <string>

#include "experiments/command/command.h"

namespace lfa {

struct DemoCommandOptions {
  std::string out = "out/demo";
  int64_t samples = 1000;
  uint64_t seed = 0;
};

void RunDemo(const DemoCommandOptions& options);

// `lfa demo`, its flags filling a DemoCommandOptions.
std::unique_ptr<Command> MakeDemoCommand();

}  // namespace lfa
