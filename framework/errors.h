// Errors that the command line turns into one line on stderr.
//
// lfa reports bad input by throwing: InvalidInput for something the user gave (a file, a flag, a
// spec key, a value out of range), with a message that names the input and the offending value.
// Internal invariants use TORCH_CHECK / std::logic_error instead; those are bugs, not bad input.
//
//   if (sigma <= 0) throw InvalidInput("gaussian neighbourhood: sigma must be > 0, got " + ...);
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace lfa {

class InvalidInput : public std::invalid_argument {
 public:
  explicit InvalidInput(const std::string& message) : std::invalid_argument(message) {}
};

// Builds a message from streamable parts: Fail("sigma must be > 0, got ", sigma).
template <typename... Parts>
[[noreturn]] void Fail(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  throw InvalidInput(out.str());
}

}  // namespace lfa
