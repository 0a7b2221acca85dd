// The readers are bounded and strict: CSV (byte-order mark, duplicate names, hex floats, NUL
// bytes, long cells quoted briefly), spec files (nesting depth, a directory), and every reader
// opens its file once, so a FIFO works.

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/io/csv.h"
#include "experiments/io/idx.h"
#include "experiments/io/input_stream.h"
#include "experiments/io/spec_file.h"
#include "framework/errors.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ReadersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("lfa_readers_test_" + std::to_string(::getpid())))
               .string();
    test::RemoveTree(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { test::RemoveTree(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::string dir_;
};

template <typename Read>
std::string ErrorOf(Read read) {
  try {
    read();
  } catch (const InvalidInput& error) {
    return error.what();
  }
  return "";
}

TEST_F(ReadersTest, CsvSkipsAByteOrderMark) {
  const CsvTable table = ReadCsv(Write("bom.csv", "\xEF\xBB\xBF" "a,b\n1,2\n"));
  EXPECT_EQ(table.header, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(table.values[0][1].item<double>(), 2.0);
}

TEST_F(ReadersTest, CsvRefusesDuplicateColumnNames) {
  EXPECT_THAT(ErrorOf([&] { ReadCsv(Write("dup.csv", "a, b,a\n1,2,3\n")); }),
              HasSubstr("column name 'a' appears twice"));
  EXPECT_THAT(ErrorOf([&] { ReadTextCsv(Write("dup2.csv", "x,x\n1,2\n")); }),
              HasSubstr("column name 'x' appears twice"));
}

TEST_F(ReadersTest, CsvCellsAreFiniteDecimalNumbers) {
  for (const std::string cell : {"0x1p3", "nan", "inf", "-Infinity", "1e999", "1,5", "0x10"}) {
    const std::string path = Write("cell.csv", "a,b\n1,\"" + cell + "\"\n");
    EXPECT_THAT(ErrorOf([&] { ReadCsv(path); }), HasSubstr("line 2 column 'b'")) << cell;
  }
  const CsvTable table = ReadCsv(Write("ok.csv", "a,b,c\n-1.5e-3,+2,.5\n"));
  EXPECT_EQ(table.values[0][0].item<double>(), -1.5e-3);
  EXPECT_EQ(table.values[0][2].item<double>(), 0.5);
}

// Found by csv_fuzzer's model of the contract (fuzz/regressions/csv/subnormal_cells.csv): strtod
// reports ERANGE for a result below double's normal range too, and such finite cells were refused
// as "not a finite decimal number". They read as the nearest double, as the literals below do.
TEST_F(ReadersTest, CsvReadsCellsBelowDoublesNormalRangeAsTheNearestDouble) {
  const CsvTable table =
      ReadCsv(Write("tiny.csv", "a,b,c,d\n1e-310,-4.9406564584124654e-324,1e-400,-1e-400\n"));
  EXPECT_EQ(table.values[0][0].item<double>(), 1e-310);
  EXPECT_EQ(table.values[0][1].item<double>(), -std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(table.values[0][2].item<double>(), 0.0);
  EXPECT_TRUE(std::signbit(table.values[0][3].item<double>()));  // -0
  EXPECT_THAT(ErrorOf([&] { ReadCsv(Write("huge.csv", "a\n-1e309\n")); }),
              HasSubstr("line 2 column 'a': '-1e309' is not a finite decimal number"));
}

TEST_F(ReadersTest, CsvRefusesNulBytesWithTheLine) {
  const std::string text = std::string("a,b\n1,2\n3,4") + '\0' + '\0' + "\n";
  EXPECT_THAT(ErrorOf([&] { ReadCsv(Write("nul.csv", text)); }),
              HasSubstr("line 3: holds a NUL byte"));
}

TEST_F(ReadersTest, ErrorsQuoteAtMostAHundredCharactersOfACell) {
  const std::string path = Write("long.csv", "a\n" + std::string(100000, 'z') + "\n");
  const std::string error = ErrorOf([&] { ReadCsv(path); });
  EXPECT_THAT(error, HasSubstr("zzz...'"));
  EXPECT_LT(error.size(), path.size() + 250);
  const std::string binary = Write("binary.csv", "a\n\x01\x02\xff\n");
  EXPECT_THAT(ErrorOf([&] { ReadCsv(binary); }), HasSubstr("'\\x01\\x02\\xff'"));
}

TEST_F(ReadersTest, SpecNestingIsBounded) {
  const int depth = 100000;  // tens of thousands of nested arrays once overflowed the stack
  const std::string path =
      Write("deep.json", std::string(depth, '[') + std::string(depth, ']'));
  const std::string error = ErrorOf([&] { ReadSpecFile(path); });
  EXPECT_THAT(error, HasSubstr("more than 64 levels deep"));
  // 64 levels are fine.
  const std::string fine = Write("fine.json", std::string(64, '[') + std::string(64, ']'));
  EXPECT_NO_THROW(ReadSpecFile(fine));
}

TEST_F(ReadersTest, SpecParseErrorsAreShort) {
  const std::string path = Write("bad.json", "{\"a\": " + std::string(5000, 'x') + "}");
  const std::string error = ErrorOf([&] { ReadSpecFile(path); });
  EXPECT_THAT(error, HasSubstr("is not valid JSON"));
  EXPECT_LT(error.size(), path.size() + 300);
}

TEST_F(ReadersTest, ADirectoryIsRefusedByName) {
  EXPECT_THAT(ErrorOf([&] { ReadSpecFile(dir_); }), HasSubstr("is a directory"));
  EXPECT_THAT(ErrorOf([&] { ReadCsv(dir_); }), HasSubstr("is a directory"));
  EXPECT_THAT(ErrorOf([&] { ReadIdx(dir_); }), HasSubstr("is a directory"));
  EXPECT_THAT(ErrorOf([&] { ReadCsv(dir_ + "/absent.csv"); }), HasSubstr("does not exist"));
}

// A FIFO can be opened only once per writer: every reader must read it in one pass.
TEST_F(ReadersTest, AFifoIsReadOnce) {
  const std::string fifo = dir_ + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo) << "a,b\n1,2\n3,4\n"; });
  const CsvTable table = ReadCsv(fifo);
  writer.join();
  EXPECT_EQ(table.values.size(0), 2);

  const torch::Tensor pixels = torch::arange(2 * 3 * 3, torch::kLong).reshape({2, 3, 3});
  WriteIdx(dir_ + "/images.gz", pixels.to(torch::kUInt8));
  std::thread idx_writer([&] {
    std::ifstream in(dir_ + "/images.gz", std::ios::binary);
    std::ofstream(fifo, std::ios::binary) << in.rdbuf();
  });
  InputStream in(fifo, "data file");
  EXPECT_EQ(in.file_size(), -1);
  ASSERT_TRUE(StartsLikeIdx(in));
  const IdxHeader header = ReadIdxHeader(in);
  const torch::Tensor back = ReadIdxRows(in, header, 1, 1);
  idx_writer.join();
  EXPECT_TRUE(torch::equal(back, pixels.slice(0, 1, 2).to(torch::kUInt8)));
}

}  // namespace
}  // namespace lfa
