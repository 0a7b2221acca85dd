// Outputs never replace what they must not: a device, FIFO or directory, or one of the run's
// inputs under any name (../dir/./x, a symbolic link, a hard link); and after Ctrl-C nothing more
// is published and no temporary is left.

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/io/atomic_file.h"
#include "experiments/io/csv.h"
#include "experiments/io/input_files.h"
#include "framework/errors.h"
#include "framework/interrupt.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class OutputSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("lfa_output_test_" + std::to_string(::getpid()))).string();
    test::RemoveTree(dir_);
    fs::create_directories(dir_ + "/sub");
    input_ = dir_ + "/points.csv";
    std::ofstream(input_) << "a,b\n1,2\n";
  }
  void TearDown() override {
    RequestInterrupt(0);
    test::RemoveTree(dir_);
  }
  std::string Read(const std::string& path) const {
    std::stringstream text;
    text << std::ifstream(path).rdbuf();
    return text.str();
  }
  // Names in the directory (no temporary may be left).
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_, input_;
};

template <typename Write>
std::string WriteError(Write write) {
  try {
    write();
  } catch (const InvalidInput& error) {
    return error.what();
  }
  return "";
}

TEST_F(OutputSafetyTest, AnInputIsNeverReplacedWhateverItsName) {
  ScopedInputFiles inputs;
  ReadCsv(input_);  // reading notes the input
  ASSERT_EQ(::symlink(input_.c_str(), (dir_ + "/link.csv").c_str()), 0);
  ASSERT_EQ(::link(input_.c_str(), (dir_ + "/hard.csv").c_str()), 0);
  for (const std::string& name :
       {input_, dir_ + "/sub/../points.csv", dir_ + "/./points.csv", dir_ + "/link.csv",
        dir_ + "/hard.csv"}) {
    EXPECT_THAT(WriteError([&] { WriteFileAtomically(name, "results\n", "--out"); }),
                HasSubstr("is the data file '" + input_ + "' (the same file)"))
        << name;
  }
  EXPECT_EQ(Read(input_), "a,b\n1,2\n");
  EXPECT_TRUE(fs::is_symlink(dir_ + "/link.csv"));
  // Another file is written as usual.
  WriteFileAtomically(dir_ + "/out.csv", "results\n");
  EXPECT_EQ(Read(dir_ + "/out.csv"), "results\n");
}

TEST_F(OutputSafetyTest, NotedInputsAreProtectedBeforeTheyAreRead) {
  ScopedInputFiles inputs;
  NoteInputFile(input_, "model file");
  EXPECT_THAT(WriteError([&] { CheckOutputPath(input_, "--out"); }),
              HasSubstr("--out '" + input_ + "' is the model file"));
}

TEST_F(OutputSafetyTest, WithoutAnActiveSetNothingIsRefused) {
  ReadCsv(input_);
  WriteFileAtomically(input_, "x\n");
  EXPECT_EQ(Read(input_), "x\n");
}

TEST_F(OutputSafetyTest, DevicesFifosAndDirectoriesAreRefused) {
  ASSERT_EQ(::mkfifo((dir_ + "/fifo").c_str(), 0600), 0);
  EXPECT_THAT(WriteError([&] { CheckOutputPath("/dev/null", "--out"); }),
              HasSubstr("not a regular file"));
  EXPECT_THAT(WriteError([&] { CheckOutputPath(dir_ + "/fifo", "--out"); }),
              HasSubstr("not a regular file"));
  EXPECT_THAT(WriteError([&] { CheckOutputPath(dir_ + "/sub", "--out"); }),
              HasSubstr("is a directory"));
  struct stat info;
  ASSERT_EQ(::stat("/dev/null", &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode));
}

TEST_F(OutputSafetyTest, AnInterruptedCommitPublishesNothingAndLeavesNoTemporary) {
  std::ofstream(dir_ + "/out.csv") << "old\n";
  {
    AtomicFile file(dir_ + "/out.csv");
    file.Write("new\n");
    RequestInterrupt(SIGTERM);
    try {
      file.Commit();
      ADD_FAILURE() << "no exception";
    } catch (const Interrupted& interrupted) {
      EXPECT_EQ(interrupted.exit_code(), 143);
    }
  }
  RequestInterrupt(0);
  EXPECT_EQ(Read(dir_ + "/out.csv"), "old\n");
  EXPECT_EQ(Names(), (std::vector<std::string>{"out.csv", "points.csv", "sub"}));
}

TEST(Excerpt, QuotesAtMostTheLimitAndEscapesBytes) {
  EXPECT_EQ(Excerpt("abc"), "abc");
  EXPECT_EQ(Excerpt(std::string(150, 'a')), std::string(100, 'a') + "...");
  EXPECT_EQ(Excerpt(std::string("a\nb\0c", 5)), "a\\x0ab\\x00c");
}

TEST(MessageLine, ShowsTheModelsOwnErrorForTorchScript) {
  EXPECT_EQ(MessageLine("plain error\nsecond line"), "plain error");
  const std::string torchscript =
      "The following operation failed in the TorchScript interpreter.\n"
      "Traceback of TorchScript (most recent call last):\n"
      "  File \"<string>\", line 3, in forward\n"
      "    raise ValueError(\"negative input\")\n"
      "builtins.ValueError: negative input\n";
  EXPECT_EQ(MessageLine(torchscript), "the model raised ValueError: negative input");
}

}  // namespace
}  // namespace lfa
