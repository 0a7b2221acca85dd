// Rank failure: every rank of a job agrees on whether a step failed, and rank 0 says why.
//
// With K processes, a rank that throws on its own (a bad row in its shard, an out-of-memory, a
// model that raises) must not leave the others waiting in the next collective, and the user
// should read one message, not K. RunOnEveryRank(world, step) runs `step` on this rank, catches
// what it throws, and lets every rank learn every rank's outcome (a gather to rank 0 and a
// broadcast of its verdict). When any rank failed, every rank throws the same JobFailure: the
// message of the lowest failing rank, prefixed "rank r of K: " unless every rank failed with the
// same message (bad input that all of them read alike), and exit code 2 when that rank's error
// was InvalidInput (bad input), else 1. The program prints a JobFailure on rank 0 only, and every
// rank exits with its code after a normal MPI_Finalize.
//
//   RunOnEveryRank(world, [&] { local = ExplainShard(...); });   // every rank, then agreed
//   RunOnEveryRank(world, [&] { if (world.rank() == 0) Write(...); });
//
// With one process RunOnEveryRank is a plain call: the exception passes through unchanged, so a
// single-process run fails exactly as it did before.
//
// WARNING: `step` must not call a collective itself: a rank that failed before reaching it would
// leave the others waiting there.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "experiments/parallel/communicator.h"

namespace lfa {

// A failure every rank of the job knows about (RunOnEveryRank).
class JobFailure : public std::runtime_error {
 public:
  JobFailure(const std::string& message, int exit_code)
      : std::runtime_error(message), exit_code_(exit_code) {}
  // 2: bad input (InvalidInput on the failing rank), 1: anything else.
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

void RunOnEveryRank(Communicator& world, const std::function<void()>& step);

}  // namespace lfa
