// Model source: the model a command explains, named by one string.
//
//   FILE.pt          a TorchScript module (models/torchscript_model.h)
//   zoo:ARCH         a model-zoo classifier (experiments/zoo/model_zoo.h: cnn, cnn_gap, mlp) with its
//                    default training options, loaded from the zoo cache or trained on
//                    Fashion-MNIST first (tens of seconds; progress on stderr)
//
// Zoo models are LayeredModels, so the CAM family can explain them (the Oracle finds their layers);
// a TorchScript file is a plain Model (load a TorchScript Sequential with LoadTorchScriptSequential
// for named layers).
//
//   OpenedModel m = OpenModel("zoo:cnn", {});      // m.model->input_shape() == {1, 28, 28}
#pragma once

#include <memory>
#include <string>

#include "framework/model.h"

namespace lfa {

struct ModelSourceOptions {
  std::string cache_dir;       // zoo cache (default: LFA_CACHE_DIR, else ~/.cache/lfa)
  std::string fashion_mnist;   // dataset directory (default: LFA_FASHION_MNIST_DIR or Debian's)
};

struct OpenedModel {
  std::shared_ptr<Model> model;
  std::string description;
};

// Throws InvalidInput naming the text for a missing file, an unknown zoo architecture or a
// missing dataset.
OpenedModel OpenModel(const std::string& text, const ModelSourceOptions& options = {});

}  // namespace lfa
