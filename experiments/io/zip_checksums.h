// Zip checksums: checks every record of a zip file (a LibTorch archive) against the CRC-32 that
// the zip format stores beside it.
//
// torch::save and torch::serialize::OutputArchive write a zip file and store a CRC-32 of each
// record in its central directory, but LibTorch's reader does not check them: LibTorch 1.13 as
// Debian ships it loads a tensor with a flipped byte in its data without a word (measured with
// ZooCacheTest.CorruptEntriesAreDetectedAndRebuilt before this check existed). This check reads the zip
// structure, the end-of-central-directory record (zip64 included), each central-directory entry
// and its local header, and compares zlib's crc32 of each stored record's bytes with the stored
// value.
//
//   const std::string bytes = ReadFileBytes(path);
//   if (auto problem = ZipChecksumProblem(bytes)) std::cerr << path << ": " << *problem << "\n";
//
// Layout read (APPNOTE.TXT 4.3): [local header 30 B + name + extra, data]... central directory
// (46 B + name + extra + comment per entry) [zip64 end record, zip64 locator] end record (22 B +
// comment). Records that are compressed (method != 0) are only bounds-checked: LibTorch stores
// every record uncompressed.
//
// WARNING: this detects accidental corruption (a flipped bit, a truncated copy), not tampering: a
// CRC-32 is recomputed by whoever edits the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lfa {

// Nothing when every record's bytes match their stored CRC-32; otherwise one line saying what
// is wrong ("no end of central directory", "record 'archive/data/0': CRC-32 mismatch").
std::optional<std::string> ZipChecksumProblem(std::string_view bytes);

}  // namespace lfa
