// MemoryFile: a file that lives in memory and has a path, so that a fuzz target can hand
// libFuzzer's bytes to a reader that takes a path (ReadCsv, ReadIdx, ReadSpecFile) without
// touching the disk.
//
// It is a Linux memfd (memfd_create): an anonymous regular file, reached through the path
// /proc/self/fd/N. Opening that path opens the same file again from offset 0, as a reader opening a
// real file would; stat() reports a regular file; gzopen and std::ifstream read it like any other.
// Set() replaces the whole content, so one MemoryFile serves every input of a fuzzing run, with no
// file left behind when the process dies on a crash.
//
//   static MemoryFile file("data.csv");
//   file.Set(data, size);
//   CsvTable table = ReadCsv(file.path());
//
// WARNING: the path is only valid inside this process (it names this process's descriptor); a
// message that quotes it is fine, a child process or a second MemoryFile cannot open it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lfa {

class MemoryFile {
 public:
  // `name` is shown by /proc and in debuggers only; readers see path().
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
  int descriptor_ = -1;
  std::string path_;
};

}  // namespace lfa
