// Cache archives: cache files in LibTorch's own serialisation format, stamped with the key of
// what they hold.
//
// A cache entry is a torch::serialize archive (what torch::save writes: a zip file with one record
// per value, each record with its CRC-32) that holds the caller's tensors and numbers plus one
// string, "cache_key", naming everything the entry depends on (options, a format version, a data
// fingerprint). Reading an entry checks, in this order:
//   1. every record matches its CRC-32 (zip_checksums.h: LibTorch's reader does not check them)
//      and LibTorch can read the archive: a truncated, emptied or garbled file fails here
//      ("truncated or corrupt (...)", with the zip check's or LibTorch's reason);
//   2. the stored key equals the expected key ("stale (...)"): an entry written for other options
//      or data, or by an older format, is never used;
//   3. the values the caller reads exist and have the kind it expects (ReadCacheTensor,
//      ReadCacheNumber; shapes are the caller's to check).
// Every failure throws UnusableCacheEntry with a one-line reason; the caller reports it on one line
// and rebuilds the entry. Writing goes through an AtomicFile, so a killed run leaves the old entry
// (or none), never half a file.
//
//   torch::serialize::OutputArchive archive;
//   archive.write("order", order);
//   SaveCacheArchive(archive, key, "maps/gradient.pt");
//
//   try {
//     torch::serialize::InputArchive stored;
//     LoadCacheArchive("maps/gradient.pt", key, &stored);
//     order = ReadCacheTensor(stored, "order");
//   } catch (const UnusableCacheEntry& unusable) {
//     std::cerr << "maps/gradient.pt is unusable (" << unusable.what() << "); recomputing\n";
//   }
//
// WARNING: the CRC-32 of each record is what catches flipped bits, so a flipped byte in the zip
// file's bookkeeping that no reader looks at (a local header's copy of a name, padding) goes
// unnoticed; what is read is still what was written. The key check is the only guard against
// staleness: put into the key everything that changes what the entry holds.
#pragma once

#include <stdexcept>
#include <string>

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/types.h>

namespace lfa {

// Why a cache entry cannot be used, in one line ("stale (...)", "truncated or corrupt (...)").
class UnusableCacheEntry : public std::runtime_error {
 public:
  explicit UnusableCacheEntry(const std::string& reason) : std::runtime_error(reason) {}
};

// Writes `key` into `archive` as "cache_key" and saves the archive to `path` through an
// AtomicFile. Throws InvalidInput naming `path` when it cannot be written.
void SaveCacheArchive(torch::serialize::OutputArchive& archive, const std::string& key,
                      const std::string& path);

// Loads `path` into `archive` and checks its key. Throws UnusableCacheEntry when the file is
// missing, cannot be read as an archive, or holds another key.
void LoadCacheArchive(const std::string& path, const std::string& key,
                      torch::serialize::InputArchive* archive);

// The tensor / number stored under `name`; UnusableCacheEntry naming it when it is missing or of
// another kind.
torch::Tensor ReadCacheTensor(torch::serialize::InputArchive& archive, const std::string& name);
double ReadCacheNumber(torch::serialize::InputArchive& archive, const std::string& name);

// The first line of an exception's message without LibTorch's backtrace, for one-line reports.
std::string FirstLine(const std::exception& error);

}  // namespace lfa
