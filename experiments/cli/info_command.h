// `lfa info`: what this lfa is built with and how it runs: its version, LibTorch's version, whether
// CUDA and MPI are built in, and the processes of the job.
//
//   $ lfa info
//   lfa 0.1.0
//   LibTorch 1.13.0, CUDA not built in, 2 thread(s) per process
//   MPI built in (Open MPI v4.1.4)
//   rank 0 of 1 (one process) on host-a, device cpu
//
//   $ mpirun -n 2 lfa info        # one line per rank, printed by rank 0 in rank order
//   ...
//   rank 0 of 2 (MPI (Open MPI v4.1.4)), local rank 0 of 2 on host-a, device cpu
//   rank 1 of 2 (MPI (Open MPI v4.1.4)), local rank 1 of 2 on host-a, device cpu
//
// Every rank takes part (it is the quickest check that `mpirun` and lfa agree on the job); only
// rank 0 prints. "device" is where `lfa explain --device cuda` would compute on that rank.
#pragma once

#include <memory>
#include <string>

#include "experiments/command/command.h"

namespace lfa {

// The report above; a collective under MPI (every rank must call it), "" on ranks other than 0.
std::string InfoReport();

std::unique_ptr<Command> MakeInfoCommand();

}  // namespace lfa
