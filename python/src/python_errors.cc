#include "python_errors.h"

#include <exception>
#include <stdexcept>

#include <c10/util/Exception.h>

namespace lfa {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

void RegisterErrorTranslation(pybind11::module_& module) {
  pybind11::register_local_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const std::invalid_argument& e) {  // lfa::InvalidInput included
      PyErr_SetString(PyExc_ValueError, FirstLine(e.what()).c_str());
    } catch (const c10::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, FirstLine(e.what_without_backtrace()).c_str());
    } catch (const std::range_error&) {
      throw;  // pybind11's ValueError
    } catch (const std::overflow_error&) {
      throw;  // pybind11's OverflowError
    } catch (const std::runtime_error& e) {
      PyErr_SetString(PyExc_RuntimeError, FirstLine(e.what()).c_str());
    }
    // Anything else goes on to pybind11's own translation (std::bad_alloc -> MemoryError,
    // std::out_of_range -> IndexError, any other std::exception -> RuntimeError).
  });
}

}  // namespace lfa
