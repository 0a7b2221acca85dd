// MpiCommunicator: the job's processes as MPI's world (MPI_COMM_WORLD), for `mpirun -n K lfa ...`.
//
// Built only with LFA_MPI (CMake finds Open MPI, or any MPI-3 library). It assumes MPI is running:
// ProcessGroup (process_group.h) calls MPI_Init_thread at the start of the program and
// MPI_Finalize at its end, and hands this communicator out through World(). Only the main thread
// calls MPI (MPI_THREAD_FUNNELED); LibTorch's own threads never do.
//
//   ProcessGroup group(&argc, &argv);        // under mpirun: MPI_Init_thread
//   Communicator& world = World();           // an MpiCommunicator of mpirun's K processes
//
// Buffers travel as MPI_BYTE messages of at most 2^31 - 1 bytes per rank (MPI's int counts);
// GatherBytes receives one message per rank, so the total on rank 0 has no such limit.
// A rank that waits in a collective (its shard done before the others') sleeps between polls
// instead of spinning as MPI's blocking calls do, so it leaves its core to the ranks still working.
// local_rank() and local_size() come from MPI_Comm_split_type(MPI_COMM_TYPE_SHARED): the ranks on one node.
//
// WARNING: MPI's default error handler (MPI_ERRORS_ARE_FATAL) ends the job on a communication
// error; the methods never return an error code.
#pragma once

#include <string>
#include <vector>

#include "experiments/parallel/communicator.h"

namespace lfa {

class MpiCommunicator : public Communicator {
 public:
  // MPI must be initialised (ProcessGroup does it).
  MpiCommunicator();

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }
  std::string description() const override { return description_; }
  void Barrier() override;
  std::vector<std::string> GatherBytes(const std::string& bytes) override;
  std::string BroadcastBytes(const std::string& bytes) override;
  [[noreturn]] void Abort(int exit_code) override;

 private:
  int rank_ = 0;
  int size_ = 1;
  int local_rank_ = 0;
  int local_size_ = 1;
  std::string description_;
};

// MPI_Init_thread / MPI_Finalize, for ProcessGroup. Start returns false when MPI was already
// running (then Stop does nothing either).
bool StartMpi(int* argc, char*** argv);
void StopMpi();
// The library's own name and version, first line ("Open MPI v4.1.4"); callable before StartMpi.
std::string MpiLibraryVersion();

}  // namespace lfa
