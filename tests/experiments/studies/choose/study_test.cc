// RunChooseStudy end to end on a paper model read the way a user gives it (a CSV table with its
// target column, a TorchScript file or a state dict with its activations): the files it writes,
// what they hold, and bad input answered with one InvalidInput before anything is written.
// Skipped without LFA_DATA_DIR.
//
// The time budgets are measured by bench/choose_benchmark.cc, not here.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "experiments/data/paper_data.h"
#include "experiments/command/program.h"
#include "experiments/io/csv.h"
#include "experiments/studies/choose/choose_command.h"
#include "experiments/studies/choose/choose_study.h"
#include "experiments/studies/choose/verdict.h"
#include "framework/errors.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class ChooseStudy : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = DataDirFromEnvironment();
    if (!dir) GTEST_SKIP() << "LFA_DATA_DIR with lfa-paper/ not set";
    std::string name = "lfa_choose_study_";
    name += std::to_string(::getpid());
    out_ = fs::temp_directory_path() / name;
    fs::remove_all(out_);
    options_.model = PaperModelPath(*dir, "heloc", "ffnnA");
    options_.data = PaperPointsPath(*dir, "heloc");
    options_.rows = "0:12";
    options_.label_column = "last";
    options_.neighbourhoods = {"smoothgrad", "lime"};
    options_.candidates = "lime,smoothgrad,gradient";
    options_.samples = 200;
    options_.evaluation_samples = 200;
    options_.progress = false;
    options_.out = (out_ / "run").string();
    state_dict_ = PaperModelPath(*dir, "heloc", "ffnnA", "state");
  }
  void TearDown() override { fs::remove_all(out_); }

  // The InvalidInput message of a run with `options`, "" when there is none.
  std::string ErrorOf(const ChooseOptions& options) {
    try {
      RunChooseStudy(options);
    } catch (const InvalidInput& e) {
      return e.what();
    }
    return "";
  }

  fs::path out_;
  ChooseOptions options_;
  std::string state_dict_;
};

TEST_F(ChooseStudy, WritesTheTableTheReportAndTheAnswer) {
  const ChooseResults results = RunChooseStudy(options_);
  ASSERT_EQ(results.neighbourhoods.size(), 2u);
  EXPECT_EQ(results.targets, "output 0");
  EXPECT_EQ(results.input_shape, std::vector<int64_t>{23});
  const TextTable csv = ReadTextCsv(options_.out + "/choose.csv");
  // lime and smoothgrad are their own neighbourhoods' compositions: 3 candidates per neighbourhood.
  EXPECT_EQ(csv.rows.size(), 6u);
  const std::string report = ReadAll(options_.out + "/report.md");
  EXPECT_NE(report.find("# Which explanation should I choose?"), std::string::npos);
  EXPECT_NE(report.find(Answer(results)), std::string::npos);
  for (const NeighbourhoodResult& r : results.neighbourhoods) {
    EXPECT_EQ(r.points, 12);
    EXPECT_NE(report.find(VerdictSentence(JudgeNeighbourhood(r))), std::string::npos);
  }
}

TEST_F(ChooseStudy, AStateDictWithItsActivationsChoosesAsTheTorchScriptFileDoes) {
  const ChooseResults script = RunChooseStudy(options_);
  options_.model = state_dict_;
  options_.activations = "relu:sigmoid";
  options_.out = (out_ / "state").string();
  const ChooseResults state = RunChooseStudy(options_);
  ASSERT_EQ(state.neighbourhoods.size(), script.neighbourhoods.size());
  for (size_t k = 0; k < state.neighbourhoods.size(); ++k) {
    const NeighbourhoodResult& a = script.neighbourhoods[k];
    const NeighbourhoodResult& b = state.neighbourhoods[k];
    ASSERT_EQ(a.scores.size(), b.scores.size());
    for (const CandidateScore& s : a.scores)
      EXPECT_NEAR(b.Find(s.candidate)->loss.mean, s.loss.mean, 1e-6 * s.loss.mean + 1e-12)
          << a.neighbourhood.Name() << " " << s.candidate;
  }
}

TEST_F(ChooseStudy, BadInputIsOneClearErrorAndWritesNothing) {
  auto expect_refused = [&](ChooseOptions options, const std::string& needle) {
    const std::string error = ErrorOf(options);
    EXPECT_NE(error.find(needle), std::string::npos) << "error: '" << error << "'";
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_FALSE(fs::exists(options.out)) << needle;
  };
  ChooseOptions o = options_;
  o.neighbourhoods = {"smoothgrad", "lime2"};
  expect_refused(o, "lime2");
  o = options_;
  o.candidates = "lime,nonsense";
  expect_refused(o, "nonsense");
  o = options_;
  o.label_column = "";
  expect_refused(o, "--label-column last");
  o = options_;
  o.profile = "sigma:1..0.1:x";
  expect_refused(o, "sigma:1..0.1:x");
  o = options_;
  o.profile = "patch:2,4";
  expect_refused(o, "patch");
  o = options_;
  o.candidates = "gradcam";
  expect_refused(o, "gradcam");
  o = options_;
  o.rows = "0:1";
  expect_refused(o, "at least 2 points");
  o = options_;
  o.data = (out_ / "missing.csv").string();
  expect_refused(o, "missing.csv");
  o = options_;
  o.output_index = 3;
  expect_refused(o, "--output-index 3");
}

// `lfa choose` through the program, as main.cc registers it.
int RunProgram(std::vector<std::string> args) {
  Program program("lfa");
  program.Add(MakeChooseCommand());
  args.insert(args.begin(), "lfa");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return program.Main(static_cast<int>(argv.size()), argv.data());
}

TEST_F(ChooseStudy, TheCommandAnswersOnStderrAndRefusesBadInputInOneLine) {
  std::vector<std::string> args = {"choose",
                                   "--model",
                                   options_.model,
                                   "--data",
                                   options_.data,
                                   "--rows",
                                   "0:6",
                                   "--label-column",
                                   "last",
                                   "--neighbourhood",
                                   "smoothgrad:sigma=0.2",
                                   "--candidates",
                                   "smoothgrad,clime",
                                   "--samples",
                                   "100",
                                   "--evaluation-samples",
                                   "100",
                                   "--out",
                                   options_.out};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunProgram(args), 0);
  const std::string answer = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(answer.find("Which explanation should I choose for"), std::string::npos) << answer;
  EXPECT_NE(answer.find("smoothgrad:sigma=0.2"), std::string::npos) << answer;
  // smoothgrad at sigma 0.2 is neither candidate: its own composition is added as a third.
  const TextTable csv = ReadTextCsv(options_.out + "/choose.csv");
  ASSERT_EQ(csv.rows.size(), 3u);
  const size_t candidate = static_cast<size_t>(
      std::find(csv.header.begin(), csv.header.end(), "candidate") - csv.header.begin());
  ASSERT_LT(candidate, csv.header.size());
  EXPECT_NE(std::find_if(csv.rows.begin(), csv.rows.end(),
                         [&](const auto& row) {
                           return row[candidate] == "smoothgrad:sigma=0.2 (own)";
                         }),
            csv.rows.end());

  args.back() = (out_ / "bad").string();
  args[10] = "smoothgrad:sigma=-1";
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunProgram(args), 2);
  const std::string error = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(error.rfind("lfa: error: ", 0), 0u) << error;
  EXPECT_EQ(error.find('\n'), error.size() - 1) << error;
  EXPECT_NE(error.find("sigma"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(out_ / "bad"));
}

}  // namespace
}  // namespace lfa
