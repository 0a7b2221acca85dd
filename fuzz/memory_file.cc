#include "fuzz/memory_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace lfa {
namespace {

namespace fs = std::filesystem;

constexpr const char kPrefix[] = "lfa-fuzz-";

// A fuzz target cannot report an error to its caller: a broken harness must stop the run loudly
// rather than fuzz an empty file.
[[noreturn]] void Abort(const char* what) {
  std::perror(what);
  std::abort();
}

// /dev/shm is a tmpfs on every Linux; elsewhere the temporary directory.
fs::path Base() {
  std::error_code error;
  if (fs::is_directory("/dev/shm", error)) return "/dev/shm";
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

// Removes the directories of fuzzing processes that died without cleaning up (a crash ends the
// process with abort(), which runs no destructor).
void RemoveStale(const fs::path& base) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(base, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0) continue;
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + sizeof(kPrefix) - 1, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      fs::remove_all(entry.path(), error);
  }
}

// This process's directory, created on first use and removed at normal exit.
class ProcessDirectory {
 public:
  ProcessDirectory() {
    const fs::path base = Base();
    RemoveStale(base);
    std::string name = kPrefix;
    name += std::to_string(::getpid());
    path_ = (base / name).string();
    if (::mkdir(path_.c_str(), 0700) != 0 && errno != EEXIST) Abort(path_.c_str());
  }
  ~ProcessDirectory() {
    std::error_code error;
    fs::remove_all(path_, error);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& Directory() {
  static const ProcessDirectory directory;
  return directory.path();
}

}  // namespace

MemoryFile::MemoryFile(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos) Abort("MemoryFile: not a plain name");
  path_ = Directory();
  path_ += '/';
  path_ += name;
  Set(nullptr, 0);
}

MemoryFile::~MemoryFile() { ::unlink(path_.c_str()); }

void MemoryFile::Set(const uint8_t* data, size_t size) {
  const int descriptor = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (descriptor < 0) Abort(path_.c_str());
  size_t done = 0;
  while (done < size) {
    const ssize_t wrote = ::write(descriptor, data + done, size - done);
    if (wrote <= 0) Abort("MemoryFile: write");
    done += static_cast<size_t>(wrote);
  }
  if (::close(descriptor) != 0) Abort("MemoryFile: close");
}

std::string MemoryFile::Get() const {
  const int descriptor = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) Abort(path_.c_str());
  std::string content;
  char buffer[1 << 14];
  for (;;) {
    const ssize_t got = ::read(descriptor, buffer, sizeof(buffer));
    if (got < 0) Abort("MemoryFile: read");
    if (got == 0) break;
    content.append(buffer, static_cast<size_t>(got));
  }
  ::close(descriptor);
  return content;
}

}  // namespace lfa
