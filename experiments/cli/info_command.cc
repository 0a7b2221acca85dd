#include "experiments/cli/info_command.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include "experiments/parallel/communicator.h"
#include "experiments/parallel/process_group.h"

namespace lfa {
namespace {

std::string CudaLine() {
  // LibTorch's build settings say whether CUDA was compiled in, devices or not.
  if (at::show_config().find("USE_CUDA=ON") == std::string::npos) return "CUDA not built in";
  std::string line = "CUDA built in, ";
  line += std::to_string(torch::cuda::device_count());
  return line += " GPU(s) visible";
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown host";
  return name;
}

// This rank's line of the report.
std::string RankLine(const Communicator& world) {
  std::string line = "rank ";
  line += std::to_string(world.rank());
  line += " of ";
  line += std::to_string(world.size());
  line += " (";
  line += world.description();
  line += ")";
  if (world.size() > 1) {
    line += ", local rank ";
    line += std::to_string(world.local_rank());
    line += " of ";
    line += std::to_string(world.local_size());
  }
  line += " on ";
  line += HostName();
  line += ", device ";
  line += DeviceForRank(torch::cuda::is_available() ? "cuda" : "cpu", world);
  return line += "\n";
}

}  // namespace

std::string InfoReport() {
  Communicator& world = World();
  const std::vector<std::string> ranks = world.GatherBytes(RankLine(world));
  if (world.rank() != 0) return "";
  std::string report = "lfa ";
  report += LFA_VERSION;
  report += "\nLibTorch ";
  report += TORCH_VERSION;
  report += ", ";
  report += CudaLine();
  report += ", ";
  report += std::to_string(at::get_num_threads());
  report += " thread(s) per process\nMPI ";
  if (MpiBuiltIn()) {
    report += "built in (";
    report += MpiLibrary();
    report += ")\n";
  } else {
    report += "not built in\n";
  }
  for (const std::string& line : ranks) report += line;
  return report;
}

namespace {

class InfoCommand : public Command, public ShardsAcrossRanks {
 public:
  std::string name() const override { return "info"; }
  std::string description() const override {
    return "print the version, LibTorch, CUDA and MPI support, and the job's processes";
  }
  void AddOptions(CLI::App& app) override {}
  void Run() override { std::fputs(InfoReport().c_str(), stdout); }
};

}  // namespace

std::unique_ptr<Command> MakeInfoCommand() { return std::make_unique<InfoCommand>(); }

}  // namespace lfa
