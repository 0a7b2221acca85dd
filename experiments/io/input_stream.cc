#include "experiments/io/input_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "experiments/io/input_files.h"
#include "framework/errors.h"

namespace lfa {

struct InputStream::Gz {
  gzFile file = nullptr;
  ~Gz() {
    if (file != nullptr) gzclose(file);
  }
};

InputStream::InputStream(const std::string& path, std::string kind)
    : path_(path), gz_(std::make_unique<Gz>()) {
  what_ = kind;
  what_ += " '";
  what_ += path;
  what_ += '\'';
  if (path.empty()) Fail(kind, " path is empty");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT) Fail(what_, " does not exist");
    if (error == EISDIR) Fail(what_, " is a directory, not a file");
    Fail(what_, " cannot be opened (", std::strerror(error), ")");
  }
  struct stat info;
  if (::fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
    ::close(fd);
    Fail(what_, " is a directory, not a file");
  }
  if (S_ISREG(info.st_mode)) file_size_ = static_cast<int64_t>(info.st_size);
  NoteInputFile(info.st_dev, info.st_ino, path, kind);
  gz_->file = gzdopen(fd, "rb");
  if (gz_->file == nullptr) {
    ::close(fd);
    Fail(what_, " cannot be opened (out of memory)");
  }
  gzbuffer(gz_->file, 1 << 17);
}

InputStream::~InputStream() = default;

bool InputStream::compressed() {
  Peek(1);
  return gzdirect(gz_->file) == 0;
}

int64_t InputStream::ReadFromFile(void* out, int64_t count) {
  auto* bytes = static_cast<uint8_t*>(out);
  int64_t done = 0;
  while (done < count) {
    const auto chunk = static_cast<unsigned>(std::min<int64_t>(count - done, 1 << 30));
    const int got = gzread(gz_->file, bytes + done, chunk);
    if (got < 0) {
      int code = Z_OK;
      const char* message = gzerror(gz_->file, &code);
      if (code == Z_ERRNO) Fail(what_, ": read failed (", std::strerror(errno), ")");
      Fail(what_, ": truncated or corrupt gzip data (", message, ")");
    }
    if (got == 0) break;
    done += got;
  }
  return done;
}

std::string InputStream::Peek(int64_t count) {
  if (static_cast<int64_t>(peeked_.size()) < count) {
    const size_t have = peeked_.size();
    peeked_.resize(count);
    const int64_t got = ReadFromFile(peeked_.data() + have, count - static_cast<int64_t>(have));
    peeked_.resize(have + got);
  }
  return peeked_.substr(0, std::min<size_t>(count, peeked_.size()));
}

int64_t InputStream::Read(void* out, int64_t count) {
  const int64_t from_peek = std::min<int64_t>(count, static_cast<int64_t>(peeked_.size()));
  std::memcpy(out, peeked_.data(), from_peek);
  peeked_.erase(0, from_peek);
  return from_peek + ReadFromFile(static_cast<uint8_t*>(out) + from_peek, count - from_peek);
}

int64_t InputStream::Skip(int64_t count) {
  std::string buffer(std::min<int64_t>(count, 1 << 20), '\0');
  int64_t skipped = 0;
  while (skipped < count) {
    const int64_t want = std::min<int64_t>(count - skipped, static_cast<int64_t>(buffer.size()));
    const int64_t got = Read(buffer.data(), want);
    skipped += got;
    if (got < want) break;
  }
  return skipped;
}

std::string InputStream::ReadAll(int64_t limit) {
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const int64_t got = Read(buffer, sizeof(buffer));
    if (static_cast<int64_t>(text.size()) + got > limit)
      Fail(what_, " is larger than ", limit, " bytes, the most lfa reads from such a file");
    text.append(buffer, got);
    if (got < static_cast<int64_t>(sizeof(buffer))) return text;
  }
}

}  // namespace lfa
