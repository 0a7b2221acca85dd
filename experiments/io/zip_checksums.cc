#include "experiments/io/zip_checksums.h"

#include <algorithm>
#include <cstdint>

#include <zlib.h>

namespace lfa {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralEntry = 0x02014b50;
constexpr uint32_t kEndRecord = 0x06054b50;
constexpr uint32_t kZip64EndRecord = 0x06064b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr size_t kEndRecordSize = 22;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kCentralEntrySize = 46;
constexpr size_t kLocalHeaderSize = 30;
constexpr uint32_t kAll32 = 0xffffffffu;

// Little-endian reads that report running off the end instead of reading past it.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool Has(uint64_t offset, uint64_t size) const {
    return offset <= bytes_.size() && size <= bytes_.size() - offset;
  }
  uint64_t Get(uint64_t offset, int width) const {
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i)
      value = (value << 8) | static_cast<unsigned char>(bytes_[offset + i]);
    return value;
  }
  std::string_view View(uint64_t offset, uint64_t size) const { return bytes_.substr(offset, size); }
  size_t size() const { return bytes_.size(); }

 private:
  std::string_view bytes_;
};

struct Directory {
  uint64_t entries = 0, offset = 0, size = 0;
};

// The central directory's place, from the end record (and the zip64 end record when the end
// record defers to it).
std::optional<std::string> FindDirectory(const Reader& zip, Directory* directory) {
  // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
  size_t end = std::string::npos;
  for (size_t back = kEndRecordSize; back <= zip.size() && back <= kEndRecordSize + 65535; ++back) {
    const size_t at = zip.size() - back;
    if (zip.Get(at, 4) == kEndRecord && at + kEndRecordSize + zip.Get(at + 20, 2) == zip.size()) {
      end = at;
      break;
    }
  }
  if (end == std::string::npos) return "no end of central directory (truncated?)";
  directory->entries = zip.Get(end + 10, 2);
  directory->size = zip.Get(end + 12, 4);
  directory->offset = zip.Get(end + 16, 4);
  const bool zip64 = directory->entries == 0xffff || directory->size == kAll32 ||
                     directory->offset == kAll32;
  if (zip64) {
    if (end < kZip64LocatorSize || zip.Get(end - kZip64LocatorSize, 4) != kZip64Locator)
      return "no zip64 locator before the end record";
    const uint64_t record = zip.Get(end - kZip64LocatorSize + 8, 8);
    if (!zip.Has(record, 56) || zip.Get(record, 4) != kZip64EndRecord)
      return "no zip64 end record where the locator points";
    directory->entries = zip.Get(record + 32, 8);
    directory->size = zip.Get(record + 40, 8);
    directory->offset = zip.Get(record + 48, 8);
  }
  if (!zip.Has(directory->offset, directory->size)) return "central directory out of range";
  return std::nullopt;
}

// Sizes and offset of a central-directory entry, taking the zip64 extra field where the 32-bit
// fields are saturated.
void ApplyZip64Extra(const Reader& zip, uint64_t extra, uint64_t extra_size, uint64_t* uncompressed,
                     uint64_t* compressed, uint64_t* local) {
  for (uint64_t at = extra; at + 4 <= extra + extra_size;) {
    const uint64_t id = zip.Get(at, 2), size = zip.Get(at + 2, 2);
    if (id == 0x0001) {
      uint64_t field = at + 4;
      for (uint64_t* value : {uncompressed, compressed, local}) {
        if (*value != kAll32 || field + 8 > at + 4 + size) continue;
        *value = zip.Get(field, 8);
        field += 8;
      }
      return;
    }
    at += 4 + size;
  }
}

// Checks the entry at `at`; advances `at` past it.
std::optional<std::string> CheckEntry(const Reader& zip, uint64_t* at) {
  if (!zip.Has(*at, kCentralEntrySize) || zip.Get(*at, 4) != kCentralEntry)
    return "central directory entry malformed";
  const uint64_t method = zip.Get(*at + 10, 2), crc = zip.Get(*at + 16, 4);
  uint64_t compressed = zip.Get(*at + 20, 4), uncompressed = zip.Get(*at + 24, 4);
  const uint64_t name_size = zip.Get(*at + 28, 2), extra_size = zip.Get(*at + 30, 2),
                 comment_size = zip.Get(*at + 32, 2);
  uint64_t local = zip.Get(*at + 42, 4);
  const uint64_t extra = *at + kCentralEntrySize + name_size;
  if (!zip.Has(*at + kCentralEntrySize, name_size + extra_size + comment_size))
    return "central directory entry malformed";
  const std::string name(zip.View(*at + kCentralEntrySize, name_size));
  ApplyZip64Extra(zip, extra, extra_size, &uncompressed, &compressed, &local);
  *at = extra + extra_size + comment_size;

  std::string problem = "record '";
  problem += name;
  problem += "': ";
  if (!zip.Has(local, kLocalHeaderSize) || zip.Get(local, 4) != kLocalHeader)
    return problem + "no local header where the directory points";
  const uint64_t data = local + kLocalHeaderSize + zip.Get(local + 26, 2) + zip.Get(local + 28, 2);
  if (!zip.Has(data, compressed)) return problem + "data out of range (truncated?)";
  if (method != 0) return std::nullopt;  // compressed: LibTorch does not write these
  if (compressed != uncompressed) return problem + "stored sizes disagree";
  uLong sum = crc32(0L, Z_NULL, 0);
  for (uint64_t done = 0; done < compressed;) {  // crc32 takes at most 4 GiB at a time
    const uint64_t chunk = std::min<uint64_t>(compressed - done, uint64_t{1} << 30);
    sum = crc32(sum, reinterpret_cast<const Bytef*>(zip.View(data + done, chunk).data()),
                static_cast<uInt>(chunk));
    done += chunk;
  }
  if (sum != crc) return problem + "CRC-32 mismatch";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ZipChecksumProblem(std::string_view bytes) {
  const Reader zip(bytes);
  Directory directory;
  if (auto problem = FindDirectory(zip, &directory)) return problem;
  uint64_t at = directory.offset;
  for (uint64_t i = 0; i < directory.entries; ++i)
    if (auto problem = CheckEntry(zip, &at)) return problem;
  if (at != directory.offset + directory.size) return "central directory size disagrees";
  return std::nullopt;
}

}  // namespace lfa
