// Errors that the command line turns into one line on stderr.
//
// lfa reports bad input by throwing: InvalidInput for something the user gave (a file, a flag, a
// spec key, a value out of range), with a message that names the input and the offending value.
// Internal invariants use TORCH_CHECK / std::logic_error instead; those are bugs, not bad input.
//
//   if (sigma <= 0) throw InvalidInput("gaussian neighbourhood: sigma must be > 0, got " + ...);
//   Fail("data file 'x.csv' line 3: '", Excerpt(cell), "' is not a number");
//
// A message quotes at most ~100 characters of what it read (Excerpt): an error about a 10 MB
// line, a binary file or a deeply nested JSON value stays one readable line.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace lfa {

class InvalidInput : public std::invalid_argument {
 public:
  explicit InvalidInput(const std::string& message) : std::invalid_argument(message) {}
};

// `text` as a message may quote it: at most `limit` characters, with control bytes and bytes
// outside printable ASCII written as \xNN, and "..." when it was cut.
inline std::string Excerpt(const std::string& text, size_t limit = 100) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7f) {
      out += static_cast<char>(byte);
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

// The one line of an exception's message worth showing a user: its first line; for an error raised
// inside a TorchScript model, whose first line is LibTorch's "The following operation failed in
// the TorchScript interpreter." and whose last is the model's own ("builtins.ValueError: bad
// input"), that last line.
inline std::string MessageLine(const std::string& what) {
  const std::string first = what.substr(0, what.find('\n'));
  if (first.find("failed in the TorchScript interpreter") == std::string::npos) return first;
  const size_t end = what.find_last_not_of("\n \t\r");
  const size_t newline = what.rfind('\n', end);
  const size_t begin = newline == std::string::npos ? 0 : newline + 1;
  std::string last = what.substr(begin, end + 1 - begin);
  const std::string builtins = "builtins.";
  if (last.rfind(builtins, 0) == 0) last.erase(0, builtins.size());
  std::string line = "the model raised ";
  line += last;
  return line;
}

// Builds a message from streamable parts: Fail("sigma must be > 0, got ", sigma).
template <typename... Parts>
[[noreturn]] void Fail(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  throw InvalidInput(out.str());
}

}  // namespace lfa
