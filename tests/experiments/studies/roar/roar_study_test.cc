// `lfa study roar` (experiments/studies/roar/): the random baseline on a model that ignores its
// input is the label prior at every fraction; an interrupted study resumes without retraining a
// finished cell and ends with the table of an uninterrupted run; the journal skips torn lines and
// refuses a file that is not a journal; the verdicts against random follow their rule exactly on
// hand-made curves; cached estimator rankings are reused, and a corrupt one is reported and
// recomputed to the same result.

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/data/fashion_mnist.h"
#include "experiments/io/csv.h"
#include "experiments/io/text.h"
#include "experiments/studies/roar/roar_journal.h"
#include "experiments/studies/roar/roar_report.h"
#include "experiments/studies/roar/roar_results.h"
#include "experiments/studies/roar/roar_study.h"
#include "experiments/zoo/model_zoo.h"
#include "framework/errors.h"
#include "framework/interrupt.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

// Tiny synthetic data: 40 training and 20 test images of 1 x 8 x 8.
FashionMnist TinyData() {
  FashionMnist d;
  d.train_images = test::RandomUniform({40, 1, 8, 8}, 0, 1, 5).to(torch::kFloat);
  d.test_images = test::RandomUniform({20, 1, 8, 8}, 0, 1, 6).to(torch::kFloat);
  d.train_labels = torch::arange(40, torch::kLong).remainder(3);  // 0, 1, 2, 0, 1, 2, ...
  d.train_labels[1] = 0;  // the first 30: eleven 0s, nine 1s, ten 2s
  d.test_labels = torch::ones({20}, torch::kLong);
  d.test_labels.slice(0, 0, 7).fill_(0);  // the first 12: seven 0s, five 1s
  return d;
}

std::string TempDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("lfa_roar_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir.string();
}

std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

RoarStudyOptions TinyOptions(const std::string& out) {
  RoarStudyOptions o;
  o.out = out;
  o.fractions = {0.1, 0.5, 0.9};
  o.retrains = 2;
  o.train_subset = 30;
  o.test_subset = 12;
  o.epochs = 1;
  o.methods = {"random", "sobel"};
  o.removals = {"mean"};  // the road removal has its own tests below
  return o;
}

TEST(RoarStudy, RandomBaselineOnAnInputBlindModelIsTheLabelPrior) {
  // The "model" ignores the images: it predicts the most frequent training label (0: eleven of the
  // first 30), so its accuracy is that label's share of the test labels, 7 of the first 12, at
  // every fraction, whatever the removal did to the images.
  const auto prior = [](const FashionMnist& d, uint64_t) {
    const torch::Tensor counts = torch::bincount(d.train_labels);
    const int64_t majority = counts.argmax().item<int64_t>();
    return d.test_labels.eq(majority).to(torch::kDouble).mean().item<double>();
  };
  const std::string out = TempDir("prior");
  RunRoarStudy(TinyOptions(out), TinyData(), prior);
  const TextTable csv = ReadTextCsv(out + "/roar.csv");
  EXPECT_EQ(csv.header, (std::vector<std::string>{"removal", "mode", "fraction", "method", "metric", "mean",
                                                  "sem", "n"}));
  const size_t method = csv.Column("method"), mean = csv.Column("mean"), sem = csv.Column("sem");
  int random_rows = 0;
  for (const auto& row : csv.rows) {
    EXPECT_NEAR(std::stod(row[mean]), 7.0 / 12, 1e-6) << Join(row, ",");
    EXPECT_NEAR(std::stod(row[sem]), 0.0, 1e-12) << Join(row, ",");
    random_rows += row[method] == "random";
  }
  EXPECT_EQ(random_rows, 6);  // 2 modes x 3 fractions
  EXPECT_NE(ReadText(out + "/report.md").find("Unmodified model"), std::string::npos);
  fs::remove_all(out);
}

// A trainer whose "accuracy" depends on the modified images and the seed, counting its calls and
// throwing after `fail_after` of them (0: never).
struct CountingTrainer {
  int* calls;
  int fail_after = 0;
  double operator()(const FashionMnist& d, uint64_t seed) const {
    if (fail_after > 0 && *calls >= fail_after) throw std::runtime_error("interrupted");
    ++*calls;
    return d.train_images.sum().item<double>() / 1000 + d.test_images.sum().item<double>() / 1e4 +
           1e-3 * static_cast<double>(seed);
  }
};

TEST(RoarStudy, ResumesWithoutRetrainingFinishedCells) {
  const FashionMnist data = TinyData();
  const int cells = 2 * (1 + 2 * 2 * 3);  // retrains x (unmodified + methods x modes x fractions)

  const std::string whole = TempDir("whole");
  int whole_calls = 0;
  RunRoarStudy(TinyOptions(whole), data, CountingTrainer{&whole_calls});
  EXPECT_EQ(whole_calls, cells);

  const std::string resumed = TempDir("resumed");
  int calls = 0;
  EXPECT_THROW(RunRoarStudy(TinyOptions(resumed), data, CountingTrainer{&calls, 5}),
               std::runtime_error);
  EXPECT_EQ(calls, 5);
  // A torn line, as a kill in the middle of a write would leave.
  std::ofstream(resumed + "/state.csv", std::ios::app) << "0123456789abcdef,roar,0.1,ran";
  int more = 0;
  RunRoarStudy(TinyOptions(resumed), data, CountingTrainer{&more});
  EXPECT_EQ(more, cells - 5);
  EXPECT_EQ(ReadText(resumed + "/roar.csv"), ReadText(whole + "/roar.csv"));
  EXPECT_EQ(ReadText(resumed + "/runs.csv").size(), ReadText(whole + "/runs.csv").size());

  int none = 0;
  RunRoarStudy(TinyOptions(resumed), data, CountingTrainer{&none});
  EXPECT_EQ(none, 0);

  // Other options that change results never reuse the journal; more fractions reuse what they can.
  RoarStudyOptions other = TinyOptions(resumed);
  other.epochs = 2;
  int fresh = 0;
  RunRoarStudy(other, data, CountingTrainer{&fresh});
  EXPECT_EQ(fresh, cells);
  RoarStudyOptions wider = TinyOptions(resumed);
  wider.fractions = {0.1, 0.3, 0.5, 0.9};
  int extra = 0;
  RunRoarStudy(wider, data, CountingTrainer{&extra});
  EXPECT_EQ(extra, 2 * 2 * 2);  // the new fraction: retrains x methods x modes
  fs::remove_all(whole);
  fs::remove_all(resumed);
}

// Ctrl-C inside a training (the zoo trainer checks at every batch) unwinds the study; the journal
// keeps what finished, and the rerun ends with the tables of an uninterrupted run.
TEST(RoarStudy, ResumesAfterAnInterrupt) {
  const FashionMnist data = TinyData();
  const std::string whole = TempDir("whole_int");
  int whole_calls = 0;
  RunRoarStudy(TinyOptions(whole), data, CountingTrainer{&whole_calls});

  const std::string resumed = TempDir("resumed_int");
  int calls = 0;
  const auto interrupting = [&calls, trainer = CountingTrainer{&calls}](const FashionMnist& d,
                                                                       uint64_t seed) {
    if (calls == 4) {
      RequestInterrupt(SIGINT);  // as the handler does on Ctrl-C
      ThrowIfInterrupted();      // as the trainer's next batch does
    }
    return trainer(d, seed);
  };
  EXPECT_THROW(RunRoarStudy(TinyOptions(resumed), data, interrupting), Interrupted);
  RequestInterrupt(0);
  EXPECT_EQ(calls, 4);
  EXPECT_FALSE(fs::exists(resumed + "/roar.csv")) << "an interrupted run writes no table";
  int more = 0;
  RunRoarStudy(TinyOptions(resumed), data, CountingTrainer{&more});
  EXPECT_EQ(more, whole_calls - 4);
  EXPECT_EQ(ReadText(resumed + "/roar.csv"), ReadText(whole + "/roar.csv"));
  fs::remove_all(whole);
  fs::remove_all(resumed);
}

// A finished line whose accuracy is NaN, infinite or negative is not a result: its retrain runs
// again.
TEST(RoarJournal, DoesNotTrustImpossibleValues) {
  const std::string dir = TempDir("journal_values");
  fs::create_directories(dir);
  const std::string path = dir + "/state.csv";
  std::ofstream(path) << "key,mode,fraction,method,retrain,seed,test_accuracy,seconds,end\n"
                      << "aaaa,roar,0.5,gradient,1,7,nan,2.5,ok\n"
                      << "bbbb,roar,0.5,gradient,1,7,inf,2.5,ok\n"
                      << "gggg,roar,0.5,gradient,1,7,-0.5,2.5,ok\n"
                      << "cccc,roar,1.5,gradient,1,7,0.5,2.5,ok\n"
                      << "dddd,roar,0.5,gradient,1,-1,0.5,2.5,ok\n"
                      << "eeee,roar,0.5,gradient,1,7,0.5,-2,ok\n"
                      << "ffff,roar,0.5,gradient,1,18446744073709551615,0.5,2,ok\n";
  const RoarJournal journal(path);
  for (const char* key : {"aaaa", "bbbb", "cccc", "dddd", "eeee", "gggg"})
    EXPECT_EQ(journal.Find(key), nullptr) << key;
  ASSERT_NE(journal.Find("ffff"), nullptr);
  EXPECT_EQ(journal.Find("ffff")->seed, UINT64_MAX);
  fs::remove_all(dir);
}

TEST(RoarJournal, SkipsTornAndUnfinishedLinesAndStartsAppendsOnAFreshLine) {
  const std::string dir = TempDir("journal");
  fs::create_directories(dir);
  const std::string path = dir + "/state.csv";
  std::ofstream(path) << "key,mode,fraction,method,retrain,seed,test_accuracy,seconds,end\n"
                      << "aaaa,roar,0.5,gradient,1,7,0.75,2.5,ok\n"
                      << "bbbb,kar,0.5,gradient,0,6,0.5,2.5,no\n"   // not finished
                      << "cccc,kar,0.5,gradient,0,6,zero,2.5,ok\n"  // not a number
                      << "dddd,kar,0.1,gra";                        // torn
  RoarJournal journal(path);
  ASSERT_NE(journal.Find("aaaa"), nullptr);
  const RoarRun& run = *journal.Find("aaaa");
  EXPECT_EQ(run.cell.mode, "roar");
  EXPECT_EQ(run.cell.method, "gradient");
  EXPECT_EQ(run.cell.fraction, 0.5);
  EXPECT_EQ(run.retrain, 1);
  EXPECT_EQ(run.seed, 7u);
  EXPECT_EQ(run.accuracy, 0.75);
  EXPECT_EQ(run.seconds, 2.5);
  for (const char* key : {"bbbb", "cccc", "dddd"}) EXPECT_EQ(journal.Find(key), nullptr) << key;

  journal.Append({"eeee", {"kar", "sobel", 0.9}, 0, 3, 0.8125, 1.0});
  const RoarJournal reread(path);
  ASSERT_NE(reread.Find("eeee"), nullptr);
  EXPECT_EQ(reread.Find("eeee")->accuracy, 0.8125);
  EXPECT_EQ(reread.Find("eeee")->cell.method, "sobel");
  EXPECT_NE(reread.Find("aaaa"), nullptr);

  std::ofstream(path) << "mode,fraction\nroar,0.5\n";
  try {
    RoarJournal other(path);
    ADD_FAILURE() << "no exception";
  } catch (const InvalidInput& error) {
    EXPECT_THAT(error.what(), HasSubstr("not a study roar journal"));
  }
  fs::remove_all(dir);
}

// Cells with two retrains of the given accuracies.
RoarCellResult Cell(const std::string& mode, const std::string& method, double fraction,
                    double first, double second) {
  RoarCellResult cell{{mode, method, fraction}, {}, {}};
  cell.runs.push_back({"", cell.cell, 0, 0, first, 0});
  cell.runs.push_back({"", cell.cell, 1, 1, second, 0});
  return cell;
}

TEST(RoarResults, VerdictsAgainstRandomFollowTheMajorityOfFractionsRule) {
  std::vector<RoarCellResult> cells = {Cell("none", "unmodified", 0, 0.9, 0.9)};
  const std::vector<double> fractions = {0.1, 0.5, 0.9};
  const std::vector<double> random = {0.8, 0.7, 0.6};
  for (const std::string mode : {"roar", "kar"}) {
    for (size_t i = 0; i < fractions.size(); ++i) {
      const double f = fractions[i], r = random[i];
      cells.push_back(Cell(mode, "random", f, r, r));
      cells.push_back(Cell(mode, "lower", f, r - 0.1, r - 0.1));  // lower at every fraction
      // Higher at two fractions of three, lower at one.
      cells.push_back(Cell(mode, "higher", f, i == 0 ? r - 0.1 : r + 0.1, i == 0 ? r - 0.1 : r + 0.1));
      // Mean 0.05 below random with sem 0.05: the gap is one sem, not two.
      cells.push_back(Cell(mode, "noisy", f, r - 0.1, r));
    }
  }
  const RoarResults results = SummarizeRoarRuns(cells);
  EXPECT_EQ(results.unmodified.mean, 0.9);
  EXPECT_EQ(results.unmodified.n, 2);
  ASSERT_NE(results.Curve("roar", "noisy"), nullptr);
  EXPECT_NEAR(results.Curve("roar", "noisy")->at(0.5).sem, 0.05, 1e-12);
  EXPECT_EQ(results.Curve("roar", "absent"), nullptr);

  const auto comparisons = CompareWithRandom(results, {"lower", "random", "higher", "noisy"});
  ASSERT_EQ(comparisons.size(), 6u);
  std::map<std::string, VersusRandom> verdict;
  for (const auto& c : comparisons) {
    verdict[c.mode + " " + c.method] = c.verdict;
    ASSERT_EQ(c.differences.size(), 3u);
    EXPECT_EQ(c.differences[0].first, 0.1);
  }
  // ROAR: lower is better; KAR: higher is better.
  EXPECT_EQ(verdict["roar lower"], VersusRandom::kBeats);
  EXPECT_EQ(verdict["roar higher"], VersusRandom::kLoses);
  EXPECT_EQ(verdict["roar noisy"], VersusRandom::kIndistinguishable);
  EXPECT_EQ(verdict["kar lower"], VersusRandom::kLoses);
  EXPECT_EQ(verdict["kar higher"], VersusRandom::kBeats);
  EXPECT_EQ(verdict["kar noisy"], VersusRandom::kIndistinguishable);
  EXPECT_NEAR(comparisons[0].differences[2].second, -0.1, 1e-12);
  EXPECT_EQ(comparisons[0].mode, "roar");
  EXPECT_EQ(comparisons[0].method, "lower");
}

// Adds 0.7 to the left (label 0) or right (label 1) half of each image.
void BrightenHalf(torch::Tensor& images, const torch::Tensor& labels) {
  for (int64_t i = 0; i < images.size(0); ++i) {
    const int64_t left = labels[i].item<int64_t>() * 14;
    images[i].slice(2, left, left + 14) += 0.7;
  }
}

// 28 x 28 images (the zoo cnn's input) of two classes: a bright left or right half.
FashionMnist HalvesData() {
  FashionMnist d;
  d.train_images = 0.2 * test::RandomUniform({40, 1, 28, 28}, 0, 1, 8).to(torch::kFloat);
  d.test_images = 0.2 * test::RandomUniform({20, 1, 28, 28}, 0, 1, 9).to(torch::kFloat);
  d.train_labels = torch::arange(40, torch::kLong).remainder(2);
  d.test_labels = torch::arange(20, torch::kLong).remainder(2);
  BrightenHalf(d.train_images, d.train_labels);
  BrightenHalf(d.test_images, d.test_labels);
  return d;
}

TEST(RoarStudy, CachedRankingsAreReusedAndACorruptOneIsRecomputed) {
  const FashionMnist data = HalvesData();
  const std::string out = TempDir("maps"), zoo = TempDir("maps_zoo");
  RoarStudyOptions options = TinyOptions(out);
  options.methods = {"gradient", "random"};
  options.fractions = {0.5};
  options.retrains = 1;
  options.cache_dir = zoo;
  int calls = 0;
  RunRoarStudy(options, data, CountingTrainer{&calls});
  const std::string maps = out + "/maps/gradient.pt";
  ASSERT_TRUE(fs::exists(maps));
  const std::string table = ReadText(out + "/roar.csv");

  // A new output directory with the cached rankings: the same table, no warning.
  const std::string again = TempDir("maps_again");
  fs::create_directories(again + "/maps");
  fs::copy_file(maps, again + "/maps/gradient.pt");
  options.out = again;
  ::testing::internal::CaptureStderr();
  RunRoarStudy(options, data, CountingTrainer{&calls});
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), Not(HasSubstr("gradient.pt")));
  EXPECT_EQ(ReadText(again + "/roar.csv"), table);

  // A flipped byte in the middle of the file (the order's data): reported, recomputed, same table.
  fs::remove_all(again);
  fs::create_directories(again + "/maps");
  fs::copy_file(maps, again + "/maps/gradient.pt");
  {
    std::fstream file(again + "/maps/gradient.pt", std::ios::in | std::ios::out | std::ios::binary);
    const auto offset = static_cast<std::streamoff>(fs::file_size(maps) / 2);
    file.seekg(offset);
    const char byte = static_cast<char>(file.get());
    file.seekp(offset);
    file.put(static_cast<char>(byte ^ 0x04));
  }
  ::testing::internal::CaptureStderr();
  RunRoarStudy(options, data, CountingTrainer{&calls});
  const std::string warning = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(warning, HasSubstr("gradient.pt is unusable (truncated or corrupt"));
  EXPECT_THAT(warning, HasSubstr("recomputing"));
  EXPECT_EQ(ReadText(again + "/roar.csv"), table);
  for (const auto& dir : {out, again, zoo}) fs::remove_all(dir);
}

// The report's computed paragraphs: the removal-pattern paragraph appears only when a method's KAR
// accuracy at the smallest fraction stays within 0.01 of the unmodified model while random
// keeping costs more; the chance sentence follows the lowest ROAR accuracy.
TEST(RoarReport, RemovalPatternAndChanceSentencesFollowTheNumbers) {
  const auto report = [](double random_kar, double roar_low) {
    std::vector<RoarCellResult> cells = {Cell("none", "unmodified", 0, 0.80, 0.80)};
    cells.push_back(Cell("roar", "gradient", 0.1, 0.79, 0.79));
    cells.push_back(Cell("kar", "gradient", 0.1, 0.795, 0.795));
    cells.push_back(Cell("roar", "random", 0.1, roar_low, roar_low));
    cells.push_back(Cell("kar", "random", 0.1, random_kar, random_kar));
    RoarStudyOptions options;
    options.out = TempDir("report");
    options.fractions = {0.1};
    options.methods = {"gradient", "random"};
    fs::create_directories(options.out);
    RoarReportFacts facts;
    facts.chance = 0.1;
    WriteRoarReport(SummarizeRoarRuns(cells), options, facts);
    const std::string text = ReadText(options.out + "/report.md");
    fs::remove_all(options.out);
    return text;
  };
  std::string text = report(/*random_kar=*/0.6, /*roar_low=*/0.5);
  EXPECT_THAT(text, HasSubstr("leaves the accuracy within 0.01 of the unmodified model's for "
                              "gradient, while random keeping at that fraction costs 0.200."));
  EXPECT_THAT(text, HasSubstr("reads *which* pixels were replaced"));
  EXPECT_THAT(text, HasSubstr("lowest ROAR accuracy is 0.500 (random) against a chance level of "
                              "0.100"));
  EXPECT_THAT(text, HasSubstr("still classifies above chance by more than twice"));
  EXPECT_THAT(text, HasSubstr("| kar | gradient | +0.195 | beats random |"));

  text = report(/*random_kar=*/0.795, /*roar_low=*/0.1);
  EXPECT_THAT(text, HasSubstr("Random keeping loses no more"));
  EXPECT_THAT(text, Not(HasSubstr("reads *which* pixels were replaced")));
  EXPECT_THAT(text, HasSubstr("lowest ROAR accuracy is 0.100 (random)"));
  EXPECT_THAT(text, HasSubstr("within twice its standard error of chance"));
  EXPECT_THAT(text, HasSubstr("| kar | gradient | +0.000 | indistinguishable |"));
}

TEST(RoarStudy, OptionsAreValidated) {
  std::string error;
  RoarStudyOptions o;
  EXPECT_TRUE(o.IsValid(&error)) << error;
  o.fractions = {0.1, 1.0};
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("--fractions"), std::string::npos);
  o = RoarStudyOptions{};
  o.methods = {"gradient", "lime"};
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("lime"), std::string::npos);
  o = RoarStudyOptions{};
  o.retrains = 0;
  EXPECT_FALSE(o.IsValid(&error));
}

// Measurements, not tests (run with --gtest_also_run_disabled_tests and Fashion-MNIST present):
// one training at the default scale, and the whole default study into $LFA_ROAR_OUT (default
// out/roar), the same as `lfa study roar` with its defaults.
TEST(RoarMeasure, DISABLED_OneTrainingAtTheDefaultScale) {
  if (!FashionMnistPresent()) GTEST_SKIP() << "Fashion-MNIST not found";
  const FashionMnist data = LoadFashionMnist();
  const RoarStudyOptions defaults;
  ZooTrainingOptions training;
  training.epochs = defaults.epochs;
  training.train_subset = defaults.train_subset;
  const ZooEntry entry = TrainZooModel(training, data);
  std::printf("cnn, %lld images, %lld epochs: %.1f s, test accuracy %.4f\n",
              static_cast<long long>(defaults.train_subset), static_cast<long long>(defaults.epochs),
              entry.train_seconds, entry.test_accuracy);
  EXPECT_GT(entry.test_accuracy, 0.5);
}

TEST(RoarMeasure, DISABLED_DefaultStudy) {
  if (!FashionMnistPresent()) GTEST_SKIP() << "Fashion-MNIST not found";
  RoarStudyOptions options;
  if (const char* out = std::getenv("LFA_ROAR_OUT")) options.out = out;
  RunRoarStudy(options);
  EXPECT_TRUE(fs::exists(options.out + "/report.md"));
}

}  // namespace
}  // namespace lfa
