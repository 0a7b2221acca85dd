// Cache archives and zip checksums: a hand-built zip with the known CRC-32 of "hello" passes and
// fails exactly where a byte changes; a LibTorch archive round-trips its values under its key,
// is stale under another, and every truncation and every flipped byte of a tensor's data makes it
// unusable (never loaded, never another exception).

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/io/cache_archive.h"
#include "experiments/io/zip_checksums.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

void Put(std::string* bytes, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) bytes->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// A zip holding one stored record "a.txt" = "hello", whose CRC-32 is 0x3610a686 (the value every
// zip tool computes for these five bytes).
std::string HelloZip() {
  const std::string name = "a.txt", data = "hello";
  const uint32_t crc = 0x3610a686;
  std::string zip;
  Put(&zip, 0x04034b50, 4);  // local header
  Put(&zip, 20, 2), Put(&zip, 0, 2), Put(&zip, 0, 2), Put(&zip, 0, 4);  // version, flags, method, time
  Put(&zip, crc, 4), Put(&zip, data.size(), 4), Put(&zip, data.size(), 4);
  Put(&zip, name.size(), 2), Put(&zip, 0, 2);
  zip += name + data;
  const size_t directory = zip.size();
  Put(&zip, 0x02014b50, 4);  // central directory entry
  Put(&zip, 20, 2), Put(&zip, 20, 2), Put(&zip, 0, 2), Put(&zip, 0, 2), Put(&zip, 0, 4);
  Put(&zip, crc, 4), Put(&zip, data.size(), 4), Put(&zip, data.size(), 4);
  Put(&zip, name.size(), 2), Put(&zip, 0, 2), Put(&zip, 0, 2);  // name, extra, comment sizes
  Put(&zip, 0, 2), Put(&zip, 0, 2), Put(&zip, 0, 4), Put(&zip, 0, 4);  // disk, attributes, offset
  zip += name;
  const size_t directory_size = zip.size() - directory;
  Put(&zip, 0x06054b50, 4);  // end record
  Put(&zip, 0, 2), Put(&zip, 0, 2), Put(&zip, 1, 2), Put(&zip, 1, 2);
  Put(&zip, directory_size, 4), Put(&zip, directory, 4), Put(&zip, 0, 2);
  return zip;
}

TEST(ZipChecksums, KnownCrcPassesAndAChangedDataByteFails) {
  const std::string zip = HelloZip();
  EXPECT_EQ(ZipChecksumProblem(zip), std::nullopt);
  std::string changed = zip;
  changed[30 + 5 + 1] = 'E';  // "hEllo"
  EXPECT_THAT(ZipChecksumProblem(changed).value_or(""), HasSubstr("'a.txt': CRC-32 mismatch"));
  for (size_t size = 0; size < zip.size(); ++size)
    EXPECT_NE(ZipChecksumProblem(zip.substr(0, size)), std::nullopt) << "truncated to " << size;
  EXPECT_THAT(ZipChecksumProblem("not a zip file at all").value_or(""),
              HasSubstr("no end of central directory"));
}

class CacheArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lfa_cache_archive_" + std::to_string(getpid()));
    test::RemoveTree(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "entry.pt").string();
    values_ = test::RandomNormal({7, 5}, 3).to(torch::kFloat32);
    torch::serialize::OutputArchive archive;
    archive.write("values", values_);
    archive.write("accuracy", c10::IValue(0.875));
    SaveCacheArchive(archive, "key 1", path_);
  }
  void TearDown() override { test::RemoveTree(dir_); }

  std::string Bytes() const {
    std::ifstream file(path_, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  }
  void Write(const std::string& bytes) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  }
  // The reason LoadCacheArchive gives, or "" when it loads.
  std::string Problem(const std::string& key = "key 1") const {
    try {
      torch::serialize::InputArchive archive;
      LoadCacheArchive(path_, key, &archive);
      return "";
    } catch (const UnusableCacheEntry& unusable) {
      return unusable.what();
    }
  }

  fs::path dir_;
  std::string path_;
  torch::Tensor values_;
};

TEST_F(CacheArchiveTest, ValuesRoundTripUnderTheirKeyAndAreStaleUnderAnother) {
  torch::serialize::InputArchive archive;
  LoadCacheArchive(path_, "key 1", &archive);
  EXPECT_TRUE(torch::equal(ReadCacheTensor(archive, "values"), values_));
  EXPECT_EQ(ReadCacheNumber(archive, "accuracy"), 0.875);
  EXPECT_THROW(ReadCacheTensor(archive, "accuracy"), UnusableCacheEntry);
  try {
    ReadCacheNumber(archive, "missing");
    ADD_FAILURE() << "no exception";
  } catch (const UnusableCacheEntry& unusable) {
    EXPECT_THAT(unusable.what(), HasSubstr("no 'missing'"));
  }
  EXPECT_THAT(Problem("key 2"), HasSubstr("stale"));
  for (const auto& file : fs::directory_iterator(dir_))
    EXPECT_EQ(file.path().string(), path_) << "temporary file left behind";
}

TEST_F(CacheArchiveTest, EveryTruncationAndEveryFlippedDataByteIsUnusable) {
  const std::string bytes = Bytes();
  ASSERT_EQ(Problem(), "");
  for (size_t size = 0; size < bytes.size(); size += 7) {
    Write(bytes.substr(0, size));
    const std::string problem = Problem();
    EXPECT_THAT(problem, HasSubstr("truncated")) << "truncated to " << size;
  }
  const std::string data(static_cast<const char*>(values_.data_ptr()), values_.nbytes());
  const size_t begin = bytes.find(data);
  ASSERT_NE(begin, std::string::npos);
  for (size_t i = 0; i < data.size(); ++i) {
    std::string flipped = bytes;
    flipped[begin + i] ^= 0x01;
    Write(flipped);
    EXPECT_THAT(Problem(), HasSubstr("CRC-32 mismatch")) << "byte " << i;
  }
  EXPECT_THAT(Problem(), HasSubstr("truncated or corrupt"));
  fs::remove(path_);
  EXPECT_THAT(Problem(), HasSubstr("cannot be opened"));
}

}  // namespace
}  // namespace lfa
