// ProcessGroup: the start and end of a job's processes, and World(), this process's view of them.
//
// `lfa` runs as one process, or as K processes started by an MPI launcher (`mpirun -n K lfa ...`,
// `srun --mpi=pmix lfa ...`). The program (experiments/command/program.cc) makes one ProcessGroup
// before anything else: when a launcher started the process and lfa was built with MPI (LFA_MPI),
// it calls MPI_Init_thread, and its destructor calls MPI_Finalize. A process that no launcher
// started never touches MPI, so a plain `lfa ...` starts exactly as it did before MPI existed.
//
//   ProcessGroup group(&argc, &argv);
//   Communicator& world = World();          // rank 0 of 1, or rank r of K under mpirun
//   std::string device = DeviceForRank("cuda", world);    // "cuda:<local rank % GPUs>"
//
// World() is process-wide on purpose: MPI's world is one per process by definition, and commands
// reach it without every Command signature carrying it. Outside a ProcessGroup (tests, programs
// built on the library) it is a single process.
//
// WARNING: a launcher starting an lfa built without MPI would run K independent copies that all
// write the same files; ProcessGroup refuses that (InvalidInput) instead.
#pragma once

#include <memory>
#include <string>

#include "experiments/parallel/communicator.h"

namespace lfa {

class ProcessGroup {
 public:
  // Starts MPI when a launcher started this process (see LaunchedByMpi); throws InvalidInput when
  // a launcher asks for several processes of an lfa built without MPI.
  ProcessGroup(int* argc, char*** argv);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

 private:
  std::unique_ptr<Communicator> world_;
  bool started_mpi_ = false;
};

// The communicator of the running ProcessGroup, or a single process when there is none.
Communicator& World();

// Whether this lfa was built with MPI (CMake option LFA_MPI), and which library ("Open MPI v4.1.4";
// empty without MPI).
bool MpiBuiltIn();
std::string MpiLibrary();
// The number of processes an MPI launcher says it started (Open MPI's OMPI_COMM_WORLD_SIZE,
// PMI_SIZE of MPICH/Hydra and Slurm's PMI-2, or 1 for PMIx alone); 0 when no launcher started us.
int LaunchedByMpi();

// The device this rank computes on: "cuda" becomes "cuda:<local rank modulo the GPU count>" when
// the job has several ranks and LibTorch sees GPUs; any other name ("cpu", "cuda:1") is kept.
std::string DeviceForRank(const std::string& device, const Communicator& world);

// Marks a Command (experiments/command/command.h) that shards its work across the ranks of a job
// and writes its output from rank 0 only. The program refuses to run any other command on
// several processes: K copies would all compute everything and write the same files.
class ShardsAcrossRanks {
 public:
  virtual ~ShardsAcrossRanks() = default;
};

}  // namespace lfa
