// lfa._lfa: the compiled half of the Python package lfa (bindings.h lists what it holds).
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "python_errors.h"

PYBIND11_MODULE(_lfa, module) {
  module.doc() =
      "lfa's C++ core: explainers, models and metrics over torch tensors (use the lfa package).";
  // torch must be imported first: its type casters (torch.Tensor <-> at::Tensor) and its
  // torch._C.ScriptModule type live in torch._C.
  pybind11::module_::import("torch");
  lfa::RegisterErrorTranslation(module);
  lfa::BindModel(module);
  lfa::BindExplain(module);
  lfa::BindMetrics(module);
  lfa::BindChoose(module);
}
