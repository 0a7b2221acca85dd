#include "fuzz/memory_file.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace lfa {
namespace {

// A fuzz target cannot report an error to its caller: a broken harness must stop the run loudly
// rather than fuzz an empty file.
[[noreturn]] void Abort(const char* what) {
  std::perror(what);
  std::abort();
}

}  // namespace

MemoryFile::MemoryFile(const std::string& name) {
  descriptor_ = memfd_create(name.c_str(), 0);
  if (descriptor_ < 0) Abort("memfd_create");
  path_ = "/proc/self/fd/";
  path_ += std::to_string(descriptor_);
}

MemoryFile::~MemoryFile() { close(descriptor_); }

void MemoryFile::Set(const uint8_t* data, size_t size) {
  if (ftruncate(descriptor_, 0) != 0) Abort("ftruncate");
  size_t done = 0;
  while (done < size) {
    const ssize_t wrote = pwrite(descriptor_, data + done, size - done, static_cast<off_t>(done));
    if (wrote <= 0) Abort("pwrite");
    done += static_cast<size_t>(wrote);
  }
}

std::string MemoryFile::Get() const {
  struct stat status {};
  if (fstat(descriptor_, &status) != 0) Abort("fstat");
  std::string content(static_cast<size_t>(status.st_size), '\0');
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t got =
        pread(descriptor_, content.data() + done, content.size() - done, static_cast<off_t>(done));
    if (got <= 0) Abort("pread");
    done += static_cast<size_t>(got);
  }
  return content;
}

}  // namespace lfa
