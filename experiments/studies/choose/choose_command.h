// `lfa choose` on the command line: the flags of ChooseOptions (choose_study.h), then
// RunChooseStudy.
//
//   lfa choose --model heloc_ffnnA.torchscript.pt --data heloc.csv --label-column last
//              --neighbourhood smoothgrad --neighbourhood lime --out out/choose
//   lfa choose --model zoo:cnn --data t10k-images-idx3-ubyte.gz --rows 0:16
//              --neighbourhood smoothgrad --profile sigma:0.01..1:8 --out out/choose-cnn
// (each one command line).
//
//   program.Add(MakeChooseCommand());   // experiments/cli/main.cc
#pragma once

#include <memory>

#include "experiments/command/command.h"

namespace lfa {

std::unique_ptr<Command> MakeChooseCommand();

}  // namespace lfa
