#include "experiments/parallel/process_group.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

#include <torch/cuda.h>

#include "framework/errors.h"

#if LFA_MPI
#include "experiments/parallel/mpi_communicator.h"
#endif

namespace lfa {
namespace {

// The running group's communicator; null outside a ProcessGroup.
Communicator* running_world = nullptr;

int EnvironmentInteger(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::max(0, std::atoi(value)) : 0;
}

}  // namespace

int LaunchedByMpi() {
  for (const char* size : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const int n = EnvironmentInteger(size); n > 0) return n;
  }
  return std::getenv("PMIX_RANK") ? 1 : 0;
}

bool MpiBuiltIn() {
#if LFA_MPI
  return true;
#else
  return false;
#endif
}

std::string MpiLibrary() {
#if LFA_MPI
  return MpiLibraryVersion();
#else
  return "";
#endif
}

ProcessGroup::ProcessGroup(int* argc, char*** argv) {
  const int launched = LaunchedByMpi();
  if (launched > 0 && !MpiBuiltIn() && launched > 1)
    Fail("an MPI launcher started ", launched, " lfa processes, but this lfa was built without MPI "
         "(configure with -DLFA_MPI=ON and libopenmpi-dev installed); every process would run the "
         "whole command");
#if LFA_MPI
  if (launched > 0) {
    started_mpi_ = StartMpi(argc, argv);
    world_ = std::make_unique<MpiCommunicator>();
  }
#endif
  if (!world_) world_ = std::make_unique<SingleProcessCommunicator>();
  running_world = world_.get();
}

ProcessGroup::~ProcessGroup() {
  running_world = nullptr;
  world_.reset();
#if LFA_MPI
  if (started_mpi_) StopMpi();
#endif
}

Communicator& World() {
  static SingleProcessCommunicator single;
  return running_world ? *running_world : single;
}

std::string DeviceForRank(const std::string& device, const Communicator& world) {
  if (device != "cuda" || world.size() == 1) return device;
  const int gpus = static_cast<int>(torch::cuda::device_count());
  if (gpus == 0) return device;  // the Oracle reports the missing GPU
  std::string name = "cuda:";
  name += std::to_string(world.local_rank() % gpus);
  return name;
}

}  // namespace lfa
