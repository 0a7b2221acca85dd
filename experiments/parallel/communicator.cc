#include "experiments/parallel/communicator.h"

#include <cstdio>
#include <cstdlib>

namespace lfa {

void SingleProcessCommunicator::Abort(int exit_code) {
  std::fflush(nullptr);
  std::exit(exit_code);
}

}  // namespace lfa
