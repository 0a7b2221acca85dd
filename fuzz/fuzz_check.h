// FuzzCheck: a property a fuzz target asserts about a reader's answer.
//
// libFuzzer reports a crash, an uncaught exception or a sanitizer report, and nothing else; a wrong
// answer has to be turned into one. FuzzCheck prints what was expected and aborts, which libFuzzer
// records as a crash and saves the input as crash-<sha1> (docs/testing.md: how to reproduce it).
//
//   FuzzCheck(table.values.size(1) == table.header.size(), "one value column per header name");
//
// WARNING: assert() is not a substitute: release builds define NDEBUG and the property would be
// silently skipped.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace lfa {

inline void FuzzCheck(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", property);
  std::abort();
}

}  // namespace lfa
