// ScriptedCommunicator: rank `rank` of a job of `size` processes whose other ranks are scripted,
// for testing collectives' callers on one process. GatherBytes returns (on rank 0) this rank's
// buffer at its place and the scripted buffers of the others; BroadcastBytes returns rank 0's
// buffer (this rank's argument on rank 0, the scripted one elsewhere).
#pragma once

#include <stdexcept>
#include <utility>
#include <string>
#include <vector>

#include "experiments/parallel/communicator.h"

namespace lfa::test {

class ScriptedCommunicator : public Communicator {
 public:
  // `others`: the buffers the other ranks send, in rank order without this rank.
  ScriptedCommunicator(int rank, int size, std::vector<std::string> others)
      : rank_(rank), size_(size), others_(std::move(others)) {}

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return rank_; }
  int local_size() const override { return size_; }
  std::string description() const override { return "scripted"; }
  void Barrier() override {}
  std::vector<std::string> GatherBytes(const std::string& bytes) override {
    gathered_.push_back(bytes);
    if (rank_ != 0) return {};
    std::vector<std::string> all = others_;
    all.insert(all.begin() + rank_, bytes);
    return all;
  }
  std::string BroadcastBytes(const std::string& bytes) override {
    return rank_ == 0 ? bytes : broadcast_;
  }
  [[noreturn]] void Abort(int exit_code) override { throw std::logic_error("Abort called"); }

  // What rank 0 broadcasts, seen from another rank.
  void set_broadcast(std::string bytes) { broadcast_ = std::move(bytes); }
  // Every buffer this rank contributed to a gather.
  const std::vector<std::string>& gathered() const { return gathered_; }

 private:
  int rank_, size_;
  std::vector<std::string> others_;
  std::string broadcast_;
  std::vector<std::string> gathered_;
};

}  // namespace lfa::test
