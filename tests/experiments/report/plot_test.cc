// DrawPng: a picture appears only when gnuplot succeeded and wrote something; a failed or empty
// run leaves the target as it was and no temporary behind. Skipped without gnuplot.

#include "experiments/report/plot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;

constexpr char kTerminal[] = "set terminal pngcairo size 120,80";

class DrawPngTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!GnuplotFound("plot_test")) GTEST_SKIP() << "gnuplot is not installed";
    dir_ = (fs::temp_directory_path() / ("lfa_plot_test_" + std::to_string(::getpid()))).string();
    test::RemoveTree(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) test::RemoveTree(dir_);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  bool Draw(const std::string& script) const {
    return DrawPng(Path("a.png"), kTerminal, script, Path("a.gp"), Path("a.log"), "plot_test");
  }
  // Files in the directory other than the script and the log.
  std::vector<std::string> Pictures() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      if (name != "a.gp" && name != "a.log") names.push_back(name);
    }
    return names;
  }

  std::string dir_;
};

TEST_F(DrawPngTest, DrawsThePictureAndLeavesNoTemporary) {
  ASSERT_TRUE(Draw("plot x\n"));
  EXPECT_GT(fs::file_size(Path("a.png")), 0u);
  EXPECT_EQ(Pictures(), std::vector<std::string>{"a.png"});
}

TEST_F(DrawPngTest, FailedOrEmptyRunLeavesTheOldPicture) {
  std::ofstream(Path("a.png")) << "old";
  EXPECT_FALSE(Draw("this is not gnuplot\n"));
  EXPECT_FALSE(Draw(""));  // gnuplot succeeds but plots nothing: an empty file
  std::stringstream text;
  text << std::ifstream(Path("a.png")).rdbuf();
  EXPECT_EQ(text.str(), "old");
  EXPECT_EQ(Pictures(), std::vector<std::string>{"a.png"});
}

TEST_F(DrawPngTest, EmptyRunCreatesNoPicture) {
  EXPECT_FALSE(Draw(""));
  EXPECT_TRUE(Pictures().empty());
}

}  // namespace
}  // namespace lfa
