// InputStream: an input file opened once and read front to back.
//
// Every reader of user files (CSV, IDX, spec) reads through one, so a pipe works like a file:
// `--data <(zcat points.csv.gz)` or a FIFO is opened exactly once (opening a pipe twice waits
// forever for a second writer) and never seeked. Bytes go through zlib, which decompresses gzip
// data and passes anything else through unchanged, so "x.csv.gz" and "x.csv" read alike.
//
//   InputStream in("points.csv", "data file");     // InvalidInput: missing, a directory, ...
//   const std::string head = in.Peek(4);            // look without consuming
//   const std::string text = in.ReadAll(1 << 20);   // the rest, at most 1 MiB
//
// Opening notes the file as an input of the run (input_files.h), so no output replaces it.
// file_size() is the size on disk of a regular file (-1 for a pipe or a device); with
// compressed() it lets a reader check a header's promises before allocating anything.
//
// WARNING: file_size() is the compressed size of a gzip file; compare it with decoded sizes only
// when !compressed().
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace lfa {

class InputStream {
 public:
  // `kind` names the file in errors: "data file" -> "data file 'points.csv' is a directory".
  InputStream(const std::string& path, std::string kind);
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  const std::string& path() const { return path_; }
  // "data file 'points.csv'", for messages.
  const std::string& what() const { return what_; }
  // Bytes on disk of a regular file; -1 for a pipe, socket or device.
  int64_t file_size() const { return file_size_; }
  // Whether the bytes are gzip data being decompressed (known once something was read).
  bool compressed();

  // The next `count` bytes (fewer at the end of the data) without consuming them.
  std::string Peek(int64_t count);
  // Reads up to `count` bytes into `out`; returns how many arrived (fewer only at the end).
  // InvalidInput for corrupt or truncated gzip data and for read errors.
  int64_t Read(void* out, int64_t count);
  // Skips up to `count` bytes; returns how many were skipped.
  int64_t Skip(int64_t count);
  // The rest of the data; InvalidInput naming `limit` when there is more.
  std::string ReadAll(int64_t limit);

 private:
  int64_t ReadFromFile(void* out, int64_t count);

  std::string path_;
  std::string what_;
  int64_t file_size_ = -1;
  struct Gz;
  std::unique_ptr<Gz> gz_;
  std::string peeked_;  // bytes read ahead by Peek, returned first
};

}  // namespace lfa
