// Checksum: FNV-1a over 64-bit words (and the trailing bytes), a fast, stable hash for cache keys:
// the names of zoo cache files, the ROAR journal's keys, the Fashion-MNIST fingerprint. Not
// cryptographic: it distinguishes inputs; it does not resist tampering. Cache files themselves are
// LibTorch archives checked by their own CRC-32s (cache_archive.h, zip_checksums.h).
//
//   Checksum sum;
//   sum.Add(options_text);
//   sum.Add(images);                 // dimensions, sizes and bytes of the tensor
//   std::string key = sum.hex();     // 16 hex digits
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <torch/types.h>

namespace lfa {

class Checksum {
 public:
  void Add(const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      uint64_t word;
      std::memcpy(&word, bytes + i, 8);
      Mix(word);
    }
    for (; i < size; ++i) Mix(bytes[i]);
  }
  void Add(const std::string& text) { Add(text.data(), text.size()); }
  void Add(const torch::Tensor& tensor) {
    const torch::Tensor t = tensor.to(torch::kCPU).contiguous();
    const int64_t sizes = t.dim();
    Add(&sizes, sizeof(sizes));
    for (int64_t s : t.sizes()) Add(&s, sizeof(s));
    Add(t.data_ptr(), t.numel() * t.element_size());
  }
  uint64_t value() const { return hash_; }
  std::string hex() const {
    char buffer[17];
    std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(hash_));
    return buffer;
  }

 private:
  void Mix(uint64_t word) {
    hash_ ^= word;
    hash_ *= 0x100000001b3ULL;
  }
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace lfa
