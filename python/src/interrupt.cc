#include "interrupt.h"

#include <pybind11/pybind11.h>

namespace lfa {

void ThrowIfPythonInterrupted() {
  pybind11::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw pybind11::error_already_set();
}

std::shared_ptr<Model> MakeInterruptible(std::shared_ptr<Model> model) {
  if (auto layered = std::dynamic_pointer_cast<LayeredModel>(model))
    return std::make_shared<InterruptibleLayeredModel>(std::move(layered));
  return std::make_shared<InterruptibleModel>(std::move(model));
}

ProgressCallback InterruptingProgress() {
  return [](int64_t, int64_t) { ThrowIfPythonInterrupted(); };
}

}  // namespace lfa
