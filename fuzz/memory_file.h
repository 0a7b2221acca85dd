// MemoryFile: a file in memory with an ordinary path, so that a fuzz target can hand libFuzzer's
// bytes to a reader that takes a path (ReadCsv, ReadIdx, ReadSpecFile) and a writer that takes one
// (WriteIdx), exactly as `lfa` calls them.
//
// It is a regular file in a per-process directory of a tmpfs (/dev/shm/lfa-fuzz-<pid>/<name>;
// $TMPDIR or /tmp where there is no /dev/shm), so nothing reaches a disk and the readers' checks
// apply unchanged: InputStream opens a regular file by a path that resolves, AtomicFile renames its
// temporary onto it beside it. Set() rewrites the whole content, so one MemoryFile serves every
// input of a fuzzing run. The directory goes when the process ends normally; one left by a process
// that died on a crash is removed by the next fuzzing process (its pid no longer runs).
//
//   static MemoryFile file("data.csv");
//   file.Set(data, size);
//   CsvTable table = ReadCsv(file.path());
//
// WARNING: do not keep a descriptor to the file across a writer: AtomicFile replaces it by
// renaming a new file onto the path, so an old descriptor would still read the old bytes. Get()
// reopens the path each time for that reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lfa {

class MemoryFile {
 public:
  // `name` is the file's name in the process's directory: a plain name, unique per MemoryFile.
  explicit MemoryFile(const std::string& name);
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  // Replaces the file's content with `size` bytes from `data`; aborts when the kernel refuses.
  void Set(const uint8_t* data, size_t size);
  // The whole content as it is now (what a writer left there, say).
  std::string Get() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace lfa
