#include "interrupt.h"

#include <pybind11/pybind11.h>

namespace lfa {

void ThrowIfInterrupted() {
  pybind11::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw pybind11::error_already_set();
}

ProgressCallback InterruptingProgress() {
  return [](int64_t, int64_t) { ThrowIfInterrupted(); };
}

}  // namespace lfa
