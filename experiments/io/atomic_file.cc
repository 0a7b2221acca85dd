#include "experiments/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "experiments/io/input_files.h"
#include "framework/errors.h"
#include "framework/interrupt.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;

std::string ParentOf(const std::string& path) {
  const std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// A name no other writer uses: the process id and a counter, hidden beside the target.
std::string TemporaryName(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  const fs::path target(path);
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp.";
  name += std::to_string(::getpid());
  name += '.';
  name += std::to_string(counter++);
  return (target.parent_path() / name).string();
}

void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // best effort: the rename itself has happened
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string CheckOutputPath(const std::string& path, const std::string& what) {
  if (path.empty()) Fail(what, " path is empty");
  std::string target = path;
  struct stat info;
  if (::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
    std::error_code error;
    const fs::path resolved = fs::weakly_canonical(path, error);
    if (error) Fail(what, " path '", path, "': cannot follow the symbolic link (", error.message(), ")");
    target = resolved.string();
  }
  if (::stat(target.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) Fail(what, " path '", path, "' is a directory");
    if (!S_ISREG(info.st_mode))
      Fail(what, " path '", path, "' is not a regular file (a device, FIFO or socket); lfa writes "
           "only regular files");
    if (::access(target.c_str(), W_OK) != 0) Fail(what, " path '", path, "' exists and is not writable");
    CheckNotAnInput(target, what);
  }
  const std::string dir = ParentOf(target);
  if (::stat(dir.c_str(), &info) != 0)
    Fail(what, " path '", path, "': directory '", dir, "' does not exist");
  if (!S_ISDIR(info.st_mode)) Fail(what, " path '", path, "': '", dir, "' is not a directory");
  if (::access(dir.c_str(), W_OK) != 0)
    Fail(what, " path '", path, "': directory '", dir, "' is not writable");
  return target;
}

AtomicFile::AtomicFile(const std::string& path, std::string what)
    : path_(CheckOutputPath(path, what)), what_(std::move(what)), temporary_(TemporaryName(path_)) {
  RegisterTemporary(temporary_);  // a second Ctrl-C removes it even without unwinding
}

AtomicFile::~AtomicFile() {
  if (stream_) std::fclose(stream_);
  if (!committed_) std::remove(temporary_.c_str());
  UnregisterTemporary(temporary_);
}

std::FILE* AtomicFile::stream() {
  if (committed_) Fail(what_, " '", path_, "': written to after Commit()");
  if (!stream_) {
    stream_ = std::fopen(temporary_.c_str(), "wb");
    if (!stream_) FailWith("cannot create the temporary file '" + temporary_ + "'", errno);
  }
  return stream_;
}

void AtomicFile::Write(std::string_view bytes) {
  std::FILE* out = stream();
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size())
    FailWith("write failed", errno);
}

void AtomicFile::FailWith(const std::string& step, int error_number) {
  if (stream_) {
    std::fclose(stream_);
    stream_ = nullptr;
  }
  std::remove(temporary_.c_str());
  Fail(what_, " '", path_, "': ", step, error_number ? std::string(" (") + std::strerror(error_number) + ")" : "");
}

void AtomicFile::Commit() {
  if (committed_) return;
  // An interrupted run publishes nothing more: the destructor removes the temporary.
  ThrowIfInterrupted();
  if (!stream_) {  // written by someone else through temporary_path(), or empty
    stream_ = std::fopen(temporary_.c_str(), "ab");
    if (!stream_) FailWith("cannot open the temporary file '" + temporary_ + "'", errno);
  }
  if (std::fflush(stream_) != 0) FailWith("write failed", errno);
  if (::fsync(::fileno(stream_)) != 0) FailWith("fsync failed", errno);
  const int closed = std::fclose(stream_);
  stream_ = nullptr;
  if (closed != 0) FailWith("write failed", errno);
  // The target may have become an input since the constructor checked it (a study reading its
  // own output directory): check again just before replacing it.
  CheckNotAnInput(path_, what_);
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0)
    FailWith("cannot rename the temporary file onto it", errno);
  committed_ = true;
  SyncDirectory(ParentOf(path_));
}

void WriteFileAtomically(const std::string& path, std::string_view bytes, const std::string& what) {
  AtomicFile file(path, what);
  file.Write(bytes);
  file.Commit();
}

}  // namespace lfa
