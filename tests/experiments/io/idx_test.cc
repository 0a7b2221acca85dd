// IDX reading and writing: round trips (plain and gzip, every IDX dtype), row ranges, and each
// malformed-input error naming the file. Fashion-MNIST is checked against its published sizes
// (60000/10000 images of 1x28x28, ten classes) when Debian's package or LFA_FASHION_MNIST_DIR
// provides it, and skipped otherwise.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "experiments/data/fashion_mnist.h"
#include "experiments/io/idx.h"
#include "tests/test_util.h"
#include "framework/errors.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;

class IdxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("lfa_idx_test_" + std::to_string(getpid()) + "_" + info->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { test::RemoveTree(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Writes raw bytes, gzip-compressed when the name ends in ".gz".
  std::string WriteRaw(const std::string& name, const std::vector<uint8_t>& bytes) const {
    const std::string path = Path(name);
    gzFile file = gzopen(path.c_str(), name.ends_with(".gz") ? "wb" : "wbT");
    EXPECT_NE(file, nullptr);
    if (!bytes.empty()) gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(file);
    return path;
  }

  // Expects ReadIdx(path, first, count) to fail with InvalidInput naming the path and `what`.
  static void ExpectReadFails(const std::string& path, const std::string& what, int64_t first = 0,
                              int64_t count = -1) {
    try {
      ReadIdx(path, first, count);
      ADD_FAILURE() << "ReadIdx('" << path << "') did not throw (expected: " << what << ")";
    } catch (const InvalidInput& error) {
      EXPECT_THAT(error.what(), HasSubstr(path));
      EXPECT_THAT(error.what(), HasSubstr(what));
    }
  }

  std::filesystem::path dir_;
};

// A uint8 header for `dims` followed by `data_bytes` bytes 0, 1, 2, ...
std::vector<uint8_t> UbyteFile(const std::vector<uint32_t>& dims, size_t data_bytes,
                               uint8_t type = 0x08) {
  std::vector<uint8_t> bytes = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) {
    for (int shift : {24, 16, 8, 0}) bytes.push_back(static_cast<uint8_t>(d >> shift));
  }
  for (size_t i = 0; i < data_bytes; ++i) bytes.push_back(static_cast<uint8_t>(i));
  return bytes;
}

TEST_F(IdxTest, RoundTripsUint8PlainAndGzip) {
  const torch::Tensor values = torch::randint(0, 256, {7, 5, 3}, torch::kUInt8);
  for (const std::string name : {"images-idx3-ubyte", "images-idx3-ubyte.gz"}) {
    WriteIdx(Path(name), values);
    const torch::Tensor back = ReadIdx(Path(name));
    EXPECT_EQ(back.scalar_type(), torch::kUInt8) << name;
    EXPECT_EQ(back.sizes(), values.sizes()) << name;
    EXPECT_TRUE(torch::equal(back, values)) << name;
  }
  // The gzip file really is compressed: it starts with gzip's magic, not IDX's.
  std::ifstream gz(Path("images-idx3-ubyte.gz"), std::ios::binary);
  EXPECT_EQ(gz.get(), 0x1f);
  EXPECT_EQ(gz.get(), 0x8b);
}

TEST_F(IdxTest, RoundTripsEveryIdxDtype) {
  for (auto dtype : {torch::kInt8, torch::kInt16, torch::kInt32, torch::kFloat32,
                     torch::kFloat64}) {
    const torch::Tensor values =
        (torch::arange(24, torch::kFloat64).reshape({4, 6}) * 7.25 - 50).to(dtype);
    WriteIdx(Path("values.gz"), values);
    const torch::Tensor back = ReadIdx(Path("values.gz"));
    EXPECT_EQ(back.scalar_type(), dtype);
    EXPECT_TRUE(torch::equal(back, values)) << dtype;
  }
}

TEST_F(IdxTest, ReadsBigEndianValuesFromTheFormat) {
  // Two int32 values written by hand, big-endian: 0x01020304 and -2.
  std::vector<uint8_t> bytes = {0, 0, 0x0C, 1, 0, 0, 0, 2, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe};
  const torch::Tensor values = ReadIdx(WriteRaw("ints", bytes));
  ASSERT_EQ(values.scalar_type(), torch::kInt32);
  EXPECT_EQ(values[0].item<int32_t>(), 0x01020304);
  EXPECT_EQ(values[1].item<int32_t>(), -2);
}

TEST_F(IdxTest, ReadsRowRanges) {
  const torch::Tensor values = torch::arange(10 * 4, torch::kInt64).reshape({10, 2, 2}).to(torch::kUInt8);
  for (const std::string name : {"rows", "rows.gz"}) {
    WriteIdx(Path(name), values);
    EXPECT_TRUE(torch::equal(ReadIdx(Path(name), 3, 4), values.slice(0, 3, 7))) << name;
    EXPECT_TRUE(torch::equal(ReadIdx(Path(name), 6), values.slice(0, 6))) << name;
    EXPECT_TRUE(torch::equal(ReadIdx(Path(name), 9, 1), values.slice(0, 9, 10))) << name;
    EXPECT_EQ(ReadIdx(Path(name), 10).size(0), 0) << name;
    EXPECT_EQ(ReadIdx(Path(name), 4, 0).sizes(), (std::vector<int64_t>{0, 2, 2})) << name;
  }
}

TEST_F(IdxTest, MissingFileNamesThePath) {
  ExpectReadFails(Path("absent-idx1-ubyte.gz"), "does not exist");
}

TEST_F(IdxTest, BadMagicNamesThePath) {
  ExpectReadFails(WriteRaw("magic", {0x01, 0x00, 0x08, 0x01, 0, 0, 0, 1, 7}), "bad magic");
  ExpectReadFails(WriteRaw("magic.gz", {0x00, 0x07, 0x08, 0x01, 0, 0, 0, 1, 7}), "bad magic");
  ExpectReadFails(WriteRaw("empty", {}), "truncated header");
}

TEST_F(IdxTest, UnknownTypeNamesThePath) {
  ExpectReadFails(WriteRaw("type", UbyteFile({2}, 2, 0x0A)), "unknown type code 0xa");
  ExpectReadFails(WriteRaw("type.gz", UbyteFile({2}, 2, 0x42)), "unknown type code 0x42");
}

TEST_F(IdxTest, TruncatedDataNamesThePath) {
  // The header promises 10 rows of 4 bytes; 20 bytes follow.
  for (const std::string name : {"short", "short.gz"}) {
    const std::string path = WriteRaw(name, UbyteFile({10, 4}, 20));
    ExpectReadFails(path, "truncated data");
    ExpectReadFails(path, "truncated data", 4, 2);
    ExpectReadFails(path, "truncated data", 8, 1);
    EXPECT_EQ(ReadIdx(path, 0, 5).size(0), 5);  // only the rows read are checked
  }
  // Header cut inside the dimensions.
  std::vector<uint8_t> header = UbyteFile({10, 4}, 0);
  header.resize(9);
  ExpectReadFails(WriteRaw("header", header), "truncated header");
  // A gzip stream cut in the middle.
  WriteIdx(Path("whole.gz"), torch::randint(0, 256, {100, 100}, torch::kUInt8));
  std::ifstream in(Path("whole.gz"), std::ios::binary);
  std::vector<uint8_t> gz((std::istreambuf_iterator<char>(in)), {});
  gz.resize(gz.size() / 2);
  std::ofstream(Path("cut.gz"), std::ios::binary)
      .write(reinterpret_cast<const char*>(gz.data()), static_cast<std::streamsize>(gz.size()));
  ExpectReadFails(Path("cut.gz"), "truncated");
}

// Found by fuzz/idx_fuzzer (declares_116_gb.idx in fuzz/idx_seeds.sh): a 21-byte file whose header
// declares 16909824 x 575 x 12 bytes (116 GB) made ReadIdx allocate them all before reading, and
// fail with the allocator's message (or abort under AddressSanitizer) instead of naming the file.
TEST_F(IdxTest, AHeaderThatPromisesTerabytesIsTruncatedNotAllocated) {
  for (const std::string name : {"huge", "huge.gz"}) {
    ExpectReadFails(WriteRaw(name, UbyteFile({0x01020200, 575, 12}, 5)), "idx file");
    ExpectReadFails(WriteRaw(name + "-rows", UbyteFile({0x7fffffff, 0x7fffffff}, 3)), "idx file");
  }
}

// Dimensions whose product does not fit in 64 bits (2^31 - 1 cubed, times 8 bytes) are refused
// before any arithmetic on them overflows. So are sizes whose product overflows around a size 0
// (found by fuzz/idx_fuzzer: zero_size_*_overflowing_sizes.idx in fuzz/idx_seeds.sh): the tensor
// holds no value, but LibTorch's strides and allocation check overflow with its own message,
// naming no file, when the tensor is created or sliced.
TEST_F(IdxTest, DimensionsWhoseProductOverflowsAreRefused) {
  const uint32_t most = 0x7fffffff;
  ExpectReadFails(WriteRaw("overflow", UbyteFile({2, most, most, most}, 8, 0x0E)), "overflow");
  ExpectReadFails(WriteRaw("overflow-rows", UbyteFile({most, most, most}, 8)), "overflow");
  // With a size 0 the file holds no values, which is refused first (naming the file).
  ExpectReadFails(WriteRaw("overflow-zero", UbyteFile({most, most, most, 0}, 0)),
                  "holds no values");
  ExpectReadFails(WriteRaw("zero-overflow", UbyteFile({2, 0, most, most, most}, 0)),
                  "holds no values");
}

TEST_F(IdxTest, RowRangeOutOfBoundsNamesThePath) {
  WriteIdx(Path("ten.gz"), torch::zeros({10, 3}, torch::kUInt8));
  const std::string path = Path("ten.gz");
  ExpectReadFails(path, "out of bounds for 10 row(s)", -1, 2);
  ExpectReadFails(path, "out of bounds", 11);
  ExpectReadFails(path, "rows [8, 11) out of bounds", 8, 3);
  ExpectReadFails(path, "out of bounds", 0, -2);
}

TEST_F(IdxTest, WriteRejectsWhatIdxCannotHold) {
  EXPECT_THROW(WriteIdx(Path("bool"), torch::zeros({2}, torch::kBool)), InvalidInput);
  EXPECT_THROW(WriteIdx(Path("scalar"), torch::zeros({}, torch::kUInt8)), InvalidInput);
  EXPECT_THROW(WriteIdx(Path("no-such-dir/x.gz"), torch::zeros({2}, torch::kUInt8)),
               InvalidInput);
}

TEST(FashionMnistTest, MissingDirectoryNamesThePackage) {
  const std::string dir = "/nonexistent/lfa-fashion-mnist";
  EXPECT_FALSE(FashionMnistPresent(dir));
  try {
    LoadFashionMnist(dir);
    ADD_FAILURE() << "LoadFashionMnist did not throw";
  } catch (const InvalidInput& error) {
    EXPECT_THAT(error.what(), HasSubstr("Fashion-MNIST not found in " + dir));
    EXPECT_THAT(error.what(), HasSubstr("dataset-fashion-mnist"));
    EXPECT_THAT(error.what(), HasSubstr("LFA_FASHION_MNIST_DIR"));
  }
}

TEST(FashionMnistTest, LoadsTheDebianFiles) {
  if (!FashionMnistPresent()) {
    GTEST_SKIP() << "Fashion-MNIST not found in " << FashionMnistDir()
                 << ": install Debian's dataset-fashion-mnist (scripts/setup.sh does) or set "
                    "LFA_FASHION_MNIST_DIR";
  }
  const FashionMnist data = LoadFashionMnist();
  EXPECT_EQ(data.train_images.sizes(), (std::vector<int64_t>{60000, 1, 28, 28}));
  EXPECT_EQ(data.test_images.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
  EXPECT_EQ(data.train_labels.sizes(), (std::vector<int64_t>{60000}));
  EXPECT_EQ(data.test_labels.sizes(), (std::vector<int64_t>{10000}));
  for (const torch::Tensor& images : {data.train_images, data.test_images}) {
    EXPECT_EQ(images.scalar_type(), torch::kFloat32);
    EXPECT_GE(images.min().item<float>(), 0.0f);
    EXPECT_LE(images.max().item<float>(), 1.0f);
    EXPECT_EQ(images.max().item<float>(), 1.0f);  // some pixel is full white (255)
  }
  for (const torch::Tensor& labels : {data.train_labels, data.test_labels}) {
    EXPECT_EQ(labels.scalar_type(), torch::kInt64);
    EXPECT_GE(labels.min().item<int64_t>(), 0);
    EXPECT_LE(labels.max().item<int64_t>(), 9);
    const torch::Tensor counts = torch::bincount(labels, {}, 10);
    EXPECT_EQ(counts.size(0), 10);
    EXPECT_GT(counts.min().item<int64_t>(), 0) << "a class is missing";
  }
  // Fashion-MNIST is balanced: 6000 train and 1000 test images per class.
  EXPECT_EQ(torch::bincount(data.train_labels, {}, 10).min().item<int64_t>(), 6000);
  EXPECT_EQ(torch::bincount(data.test_labels, {}, 10).min().item<int64_t>(), 1000);
}

}  // namespace
}  // namespace lfa
