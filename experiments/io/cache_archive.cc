#include "experiments/io/cache_archive.h"

#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>

#include <c10/util/Exception.h>

#include "experiments/io/atomic_file.h"
#include "experiments/io/zip_checksums.h"

namespace lfa {
namespace {

constexpr const char* kKeyName = "cache_key";

// The stored value under `name`; UnusableCacheEntry when there is none.
c10::IValue ReadValue(torch::serialize::InputArchive& archive, const std::string& name) {
  c10::IValue value;
  bool found = false;
  try {
    found = archive.try_read(name, value);
  } catch (const c10::Error& error) {
    std::string reason = "'";
    reason += name;
    reason += "' cannot be read: ";
    reason += FirstLine(error);
    throw UnusableCacheEntry(reason);
  }
  if (!found) {
    std::string reason = "no '";
    reason += name;
    reason += "' in the archive";
    throw UnusableCacheEntry(reason);
  }
  return value;
}

[[noreturn]] void WrongKind(const std::string& name, const char* expected) {
  std::string reason = "'";
  reason += name;
  reason += "' is not ";
  reason += expected;
  throw UnusableCacheEntry(reason);
}

}  // namespace

std::string FirstLine(const std::exception& error) {
  const auto* torch_error = dynamic_cast<const c10::Error*>(&error);
  const std::string_view text =
      torch_error != nullptr ? torch_error->what_without_backtrace() : error.what();
  return std::string(text.substr(0, text.find('\n')));
}

void SaveCacheArchive(torch::serialize::OutputArchive& archive, const std::string& key,
                      const std::string& path) {
  archive.write(kKeyName, c10::IValue(key));
  AtomicFile file(path, "cache file");
  archive.save_to([&file](const void* data, size_t size) {
    file.Write(std::string_view(static_cast<const char*>(data), size));
    return size;
  });
  file.Commit();
}

void LoadCacheArchive(const std::string& path, const std::string& key,
                      torch::serialize::InputArchive* archive) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw UnusableCacheEntry("cannot be opened");
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) throw UnusableCacheEntry("cannot be read");
  if (bytes.empty()) throw UnusableCacheEntry("truncated (0 bytes)");
  // LibTorch's reader does not check the records' CRC-32 (zip_checksums.h); this does.
  std::optional<std::string> problem = ZipChecksumProblem(bytes);
  if (!problem) {
    try {
      archive->load_from(bytes.data(), bytes.size());
    } catch (const std::exception& unreadable) {  // c10::Error, or the zip reader's runtime_error
      problem = FirstLine(unreadable);
    }
  }
  if (problem) {
    std::string reason = "truncated or corrupt (";
    reason += *problem;
    reason += ")";
    throw UnusableCacheEntry(reason);
  }
  const c10::IValue stored = ReadValue(*archive, kKeyName);
  if (!stored.isString()) WrongKind(kKeyName, "text");
  if (stored.toStringRef() != key) {
    std::string reason = "stale (written for another key: ";
    reason += stored.toStringRef().substr(0, 200);
    reason += ")";
    throw UnusableCacheEntry(reason);
  }
}

torch::Tensor ReadCacheTensor(torch::serialize::InputArchive& archive, const std::string& name) {
  const c10::IValue value = ReadValue(archive, name);
  if (!value.isTensor()) WrongKind(name, "a tensor");
  return value.toTensor();
}

double ReadCacheNumber(torch::serialize::InputArchive& archive, const std::string& name) {
  const c10::IValue value = ReadValue(archive, name);
  if (!value.isDouble()) WrongKind(name, "a number");
  return value.toDouble();
}

}  // namespace lfa
