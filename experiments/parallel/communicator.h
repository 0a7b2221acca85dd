// Communicator: the processes of one job, numbered 0..size()-1, and the few collectives lfa needs.
//
// A job is one process (the default, SingleProcessCommunicator) or K processes started by a
// launcher (`mpirun -n K lfa ...`, `srun lfa ...`: MpiCommunicator, built when LFA_MPI is on).
// lfa's parallelism is embarrassingly parallel work with one writer: each rank computes its shard
// of independent units (points, cells, retrains), rank 0 gathers the typed results and writes the
// one output. So the contract is small:
//
//   rank(), size()        this process's number and the job's process count
//   local_rank()          its number among the processes on the same node (which GPU to use)
//   local_size()          the number of the job's processes on this node (threads per process)
//   Barrier()             every rank waits for every other
//   GatherBytes(b)        every rank's buffer, in rank order, on rank 0 (empty elsewhere)
//   BroadcastBytes(b)     rank 0's buffer on every rank
//   Abort(code)           ends every process of the job now (MPI_Abort)
//
//   Communicator& world = World();                         // process_group.h
//   ByteWriter out;                                        // tensor_bytes.h
//   out.Tensor(mine);
//   std::vector<std::string> parts = world.GatherBytes(out.bytes());
//   for (const std::string& part : parts) all.push_back(ByteReader(part).Tensor());  // rank 0
//
// Every collective must be called by every rank in the same order, or the job hangs.
//
// WARNING: a rank that throws between two collectives leaves the others waiting in the next one
// forever. Run failure-prone work through RunOnEveryRank (rank_failure.h), which makes every rank
// agree on the outcome, or end the job with Abort().
#pragma once

#include <string>
#include <vector>

namespace lfa {

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual int local_rank() const = 0;
  virtual int local_size() const = 0;
  // A short name for messages and `lfa info`: "one process" or "MPI (Open MPI v4.1.4)".
  virtual std::string description() const = 0;

  virtual void Barrier() = 0;
  // Rank 0: size() buffers, rank r's at index r. Other ranks: an empty vector.
  virtual std::vector<std::string> GatherBytes(const std::string& bytes) = 0;
  // Every rank: rank 0's `bytes` (the argument is ignored on the other ranks).
  virtual std::string BroadcastBytes(const std::string& bytes) = 0;
  // Ends every process of the job with `exit_code`; does not return.
  [[noreturn]] virtual void Abort(int exit_code) = 0;
};

// The job of one process: rank 0 of 1; the collectives return their input.
class SingleProcessCommunicator : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 1; }
  std::string description() const override { return "one process"; }
  void Barrier() override {}
  std::vector<std::string> GatherBytes(const std::string& bytes) override { return {bytes}; }
  std::string BroadcastBytes(const std::string& bytes) override { return bytes; }
  [[noreturn]] void Abort(int exit_code) override;
};

}  // namespace lfa
