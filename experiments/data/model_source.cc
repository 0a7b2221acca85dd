#include "experiments/data/model_source.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "experiments/data/fashion_mnist.h"
#include "experiments/io/input_files.h"
#include "experiments/zoo/model_zoo.h"
#include "framework/errors.h"
#include "models/torchscript_model.h"

namespace lfa {

OpenedModel OpenModel(const std::string& text, const ModelSourceOptions& options) {
  if (text.empty()) Fail("--model is required (a TorchScript file or zoo:ARCH)");
  OpenedModel opened;
  if (text.rfind("zoo:", 0) == 0) {
    const std::string architecture = text.substr(4);
    const auto names = ZooArchitectures();
    if (std::find(names.begin(), names.end(), architecture) == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      Fail("--model '", text, "': unknown zoo architecture '", architecture, "' (", known, ")");
    }
    const FashionMnist data = LoadFashionMnist(options.fashion_mnist);
    ZooTrainingOptions training;
    training.architecture = architecture;
    training.progress = true;
    const ZooEntry entry = LoadOrTrain(training, data, options.cache_dir);
    std::fprintf(stderr, "zoo:%s test accuracy %.4f (%s)\n", architecture.c_str(),
                 entry.test_accuracy, entry.from_cache ? "cached" : "trained");
    opened.model = entry.model;
    opened.description = "zoo:" + architecture;
    return opened;
  }
  std::error_code error;
  if (std::filesystem::is_directory(text, error))
    Fail("model file '", text, "' is a directory, not a TorchScript file");
  NoteInputFile(text, "model file");
  opened.model = std::make_shared<TorchScriptModel>(text);
  opened.description = text;
  return opened;
}

}  // namespace lfa
