// `lfa zoo export ARCH --out FILE.pt`: writes a zoo network (experiments/zoo/model_zoo.h: cnn,
// cnn_gap, mlp; trained with its default options, from the zoo cache or trained first) as a
// TorchScript archive (experiments/zoo/zoo_export.h), e.g. to benchmark the very network lfa's
// image studies explain from PyTorch, or to explain it as a plain model with --model FILE.pt.
//
//   lfa zoo export cnn --out cnn.pt [--cache-dir DIR]
//
// WARNING: the archive has no named layers; the CAM methods need --model zoo:ARCH.
#pragma once

#include <memory>
#include <string>

#include "experiments/command/command.h"

namespace lfa {

struct ZooExportOptions {
  std::string architecture;  // cnn, cnn_gap or mlp (required)
  std::string out;           // the TorchScript file (required)
  std::string cache_dir;     // zoo cache (default LFA_CACHE_DIR, else ~/.cache/lfa)
};

void RunZooExport(const ZooExportOptions& options);

// `lfa zoo export`, its flags filling a ZooExportOptions (register it in the "zoo" group).
std::unique_ptr<Command> MakeZooExportCommand();

}  // namespace lfa
