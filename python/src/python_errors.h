// How C++ errors reach Python: the same one-line messages the `lfa` program prints.
//
// The command line turns an exception into one line on stderr, "lfa: error: <first line>", exit
// code 2 for bad input (InvalidInput) and 1 for anything else. The bindings raise the first line
// of the same message, without the "lfa: error: " prefix:
//
//   C++ exception                           Python exception
//   lfa::InvalidInput, std::invalid_argument ValueError     (bad input: a value, a spec key, a shape)
//   c10::Error (a LibTorch check)            RuntimeError   (first line, without the C++ backtrace)
//   std::runtime_error                       RuntimeError   (first line)
//   others                                   pybind11's own (MemoryError, IndexError, RuntimeError)
//   pybind11::error_already_set              the Python exception it holds (Ctrl-C: KeyboardInterrupt)
//
//   try { lfa.explain(model, x, explainer="nope") }  ->  ValueError: unknown explainer 'nope' (known: ...)
//
// The translator is local to the extension module: torch._C shares pybind11's internals with it,
// and its exceptions must keep their own translation.
//
// WARNING: only the first line survives. Library messages are one line by design
// (framework/errors.h); LibTorch's are several, and their first line names the failed check.
#pragma once

#include <string>

#include <pybind11/pybind11.h>

namespace lfa {

// The text before the first newline.
std::string FirstLine(const std::string& text);

// Registers the translation above for the functions of `module`.
void RegisterErrorTranslation(pybind11::module_& module);

}  // namespace lfa
