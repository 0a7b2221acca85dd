// AtomicFile: the one way lfa writes a file.
//
// A reader never sees half a file and a failed run never leaves one: the bytes go to a temporary
// file beside the target (same directory, so the final rename cannot cross file systems), which is
// flushed, fsync'ed and renamed onto the target only by Commit(). Until then the target keeps its
// old contents (or stays absent); an AtomicFile destroyed without Commit() (an exception, an early
// return) removes its temporary.
//
//   AtomicFile file("out/report.md");
//   file.Write(text);                       // or std::fprintf(file.stream(), ...)
//   file.Commit();                          // the target now holds exactly `text`
//
//   AtomicFile cache(path);                 // a writer that wants a path of its own
//   torch::save(tensors, cache.temporary_path());
//   cache.Commit();
//
//   WriteFileAtomically("out/summary.txt", text);   // the two steps in one call
//
// Output paths are checked before anything is written (CheckOutputPath): the directory must exist
// and be writable, and an existing target must be a regular file (a symbolic link is followed and
// its target replaced, so the link survives). Devices, FIFOs, sockets and directories are refused:
// renaming a temporary onto /dev/null would replace the device with a regular file. A target that
// is one of the run's inputs (the same file by device and inode, input_files.h) is refused too.
// Commit() publishes nothing after Ctrl-C: it throws Interrupted (framework/interrupt.h) and the
// temporary is removed; a second Ctrl-C removes registered temporaries before the process ends.
//
// WARNING: Commit() is the only step that makes the data visible; a writer that forgets it leaves
// nothing behind, not a partial file.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace lfa {

class AtomicFile {
 public:
  // Checks `path` (CheckOutputPath); `what` names the file in error messages ("output", "report").
  explicit AtomicFile(const std::string& path, std::string what = "output");
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // The target, after following a symbolic link.
  const std::string& path() const { return path_; }
  // The temporary that Commit() renames onto path(); for writers that open files themselves.
  const std::string& temporary_path() const { return temporary_; }
  // The temporary opened for binary writing (opened on first use).
  std::FILE* stream();
  void Write(std::string_view bytes);
  // Flushes, fsyncs and closes the temporary, renames it onto the target and fsyncs the
  // directory. Throws InvalidInput naming the target and the reason (e.g. "No space left on
  // device") and removes the temporary when any step fails.
  void Commit();

 private:
  [[noreturn]] void FailWith(const std::string& step, int error_number);

  std::string path_;
  std::string what_;
  std::string temporary_;
  std::FILE* stream_ = nullptr;
  bool committed_ = false;
};

// Writes `bytes` to `path` through an AtomicFile.
void WriteFileAtomically(const std::string& path, std::string_view bytes,
                         const std::string& what = "output");

// Throws InvalidInput when `path` cannot be written as a regular file: empty, a directory, a
// device, FIFO or socket, a missing or read-only directory, or one of the run's input files
// (input_files.h). Returns the path to write (a symbolic
// link resolved to its target).
std::string CheckOutputPath(const std::string& path, const std::string& what = "output");

}  // namespace lfa
