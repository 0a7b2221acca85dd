#include "experiments/cli/zoo_export_command.h"

#include <cstdio>

#include "experiments/data/model_source.h"
#include "experiments/io/atomic_file.h"
#include "experiments/zoo/model_zoo.h"
#include "experiments/zoo/zoo_export.h"
#include "framework/errors.h"

namespace lfa {

void RunZooExport(const ZooExportOptions& options) {
  CheckOutputPath(options.out);
  std::string source = "zoo:";
  source += options.architecture;
  const OpenedModel opened = OpenModel(source, {.cache_dir = options.cache_dir});
  const auto* zoo = dynamic_cast<const ZooModel*>(opened.model.get());
  if (zoo == nullptr) Fail("lfa zoo export: '", source, "' did not open a zoo model");
  ExportZooModel(*zoo, options.out);
  std::printf("lfa zoo export: %s -> %s\n", opened.description.c_str(), options.out.c_str());
}

namespace {

class ZooExportCommand : public Command {
 public:
  std::string name() const override { return "export"; }
  std::string description() const override { return "write a zoo network as TorchScript"; }
  void AddOptions(CLI::App& app) override {
    app.add_option("architecture", options_.architecture, "cnn, cnn_gap or mlp")->required();
    app.add_option("--out", options_.out, "TorchScript file to write")->required();
    app.add_option("--cache-dir", options_.cache_dir, "zoo model cache (default LFA_CACHE_DIR)");
  }
  void Run() override { RunZooExport(options_); }

 private:
  ZooExportOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeZooExportCommand() { return std::make_unique<ZooExportCommand>(); }

}  // namespace lfa
