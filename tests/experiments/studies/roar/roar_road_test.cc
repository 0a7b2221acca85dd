// `lfa study roar` with the road removal and the mask leakage: a journal of channel-mean cells
// (also one written before the removal column existed) is reused, so adding --removal road trains
// exactly the road cells; the road cells train on imputed images (not the mean-filled ones);
// leakage.csv has one fit per method and fraction and is read back from the journal on a rerun;
// and the computed verdict on SG-SQ / VarGrad follows its rule on hand-made results.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/data/fashion_mnist.h"
#include "experiments/io/csv.h"
#include "experiments/io/text.h"
#include "experiments/studies/roar/roar_results.h"
#include "experiments/studies/roar/roar_study.h"
#include "experiments/studies/roar/roar_verdict.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// 40 training and 20 test images of 1 x 8 x 8, labels 0..2.
FashionMnist SmallData() {
  FashionMnist d;
  d.train_images = test::RandomUniform({40, 1, 8, 8}, 0, 1, 15).to(torch::kFloat);
  d.test_images = test::RandomUniform({20, 1, 8, 8}, 0, 1, 16).to(torch::kFloat);
  d.train_labels = torch::arange(40, torch::kLong).remainder(3);
  d.test_labels = torch::arange(20, torch::kLong).remainder(3);
  return d;
}

std::string Temp(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("lfa_roar_road_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir.string();
}

std::string Read(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

RoarStudyOptions SmallOptions(const std::string& out, std::vector<std::string> removals) {
  RoarStudyOptions o;
  o.out = out;
  o.fractions = {0.25, 0.75};
  o.retrains = 2;
  o.train_subset = 30;
  o.test_subset = 12;
  o.epochs = 1;
  o.methods = {"random", "sobel"};
  o.removals = std::move(removals);
  return o;
}

// Counts its calls; the "accuracy" is a function of the modified images (so mean- and road-filled
// data give different numbers) and the seed.
struct Trainer {
  int* calls;
  double operator()(const FashionMnist& d, uint64_t seed) const {
    ++*calls;
    return d.train_images.to(torch::kDouble).square().mean().item<double>() +
           1e-3 * static_cast<double>(seed);
  }
};

// Rewrites a journal in the format written before the removal column: drop the second field.
void DropRemovalColumn(const std::string& path) {
  std::ifstream in(path);
  std::string line, text;
  while (std::getline(in, line)) {
    std::vector<std::string> fields = Split(line);
    fields.erase(fields.begin() + 1);
    text += Join(fields, ",");
    text += '\n';
  }
  in.close();
  std::ofstream(path) << text;
}

TEST(RoarRoad, AddingTheRoadRemovalReusesTheMeanCellsOfAnOldJournal) {
  const FashionMnist data = SmallData();
  const int road_cells = 2 * 2 * 2 * 2;  // retrains x methods x modes x fractions
  const std::string out = Temp("reuse");
  int mean_calls = 0;
  RunRoarStudy(SmallOptions(out, {"mean"}), data, Trainer{&mean_calls});
  EXPECT_EQ(mean_calls, 2 + road_cells);  // the unmodified reference, then the mean cells
  const TextTable mean_only = ReadTextCsv(out + "/roar.csv");
  DropRemovalColumn(out + "/state.csv");
  ASSERT_EQ(Split(Read(out + "/state.csv").substr(0, Read(out + "/state.csv").find('\n')))[1], "mode");

  int both_calls = 0;
  RunRoarStudy(SmallOptions(out, {"mean", "road"}), data, Trainer{&both_calls});
  EXPECT_EQ(both_calls, road_cells);
  int again = 0;
  RunRoarStudy(SmallOptions(out, {"mean", "road"}), data, Trainer{&again});
  EXPECT_EQ(again, 0);

  // The same tables as a fresh run with both removals.
  const std::string fresh = Temp("fresh");
  int fresh_calls = 0;
  RunRoarStudy(SmallOptions(fresh, {"mean", "road"}), data, Trainer{&fresh_calls});
  EXPECT_EQ(fresh_calls, 2 + 2 * road_cells);
  EXPECT_EQ(Read(out + "/roar.csv"), Read(fresh + "/roar.csv"));
  EXPECT_EQ(Read(out + "/leakage.csv"), Read(fresh + "/leakage.csv"));

  // The mean rows are those of the mean-only run; the road rows differ from them.
  const TextTable both = ReadTextCsv(fresh + "/roar.csv");
  const size_t removal = both.Column("removal"), mean = both.Column("mean");
  int road_rows = 0, differ = 0;
  for (size_t r = 0; r < both.rows.size(); ++r) {
    if (both.rows[r][removal] != "road") continue;
    ++road_rows;
    const auto& twin = both.rows[r - road_cells / 2];  // the mean cell of the same mode, method, t
    EXPECT_EQ(twin[removal], "mean");
    differ += twin[mean] != both.rows[r][mean];
  }
  EXPECT_EQ(road_rows, road_cells / 2);
  EXPECT_EQ(differ, road_rows);
  for (size_t r = 0; r < mean_only.rows.size(); ++r) EXPECT_EQ(mean_only.rows[r], both.rows[r]);

  const TextTable leakage = ReadTextCsv(fresh + "/leakage.csv");
  EXPECT_EQ(leakage.header, (std::vector<std::string>{"method", "fraction", "mask_test_accuracy", "chance"}));
  EXPECT_EQ(leakage.rows.size(), 4u);  // methods x fractions
  EXPECT_THAT(Read(fresh + "/report.md"), HasSubstr("## Mask leakage"));
  EXPECT_THAT(Read(fresh + "/report.md"), HasSubstr("(ROAD imputation)"));
  fs::remove_all(out);
  fs::remove_all(fresh);
}

TEST(RoarRoad, RemovalsAreValidated) {
  RoarStudyOptions o;
  std::string error;
  o.removals = {"mean", "blur"};
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_THAT(error, HasSubstr("blur"));
  o.removals = {"road", "road"};
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_THAT(error, HasSubstr("repeats"));
  o.removals = {};
  EXPECT_FALSE(o.IsValid(&error));
}

RoarCellResult RemovalCell(const std::string& removal, const std::string& mode, const std::string& method,
                    double fraction, double first, double second) {
  RoarCellResult cell{{mode, method, fraction, removal}, {}, {}};
  cell.runs.push_back({"", cell.cell, 0, 0, first, 0});
  cell.runs.push_back({"", cell.cell, 1, 1, second, 0});
  return cell;
}

// SG-SQ at the unmodified 0.8 under the mean removal at every fraction (random 0.7, 0.6), and
// `road_sgsq` under ROAD (random the same); its mask leakage `leak` at t = 0.9.
RoarResults Hand(double road_sgsq, double leak) {
  std::vector<RoarCellResult> cells = {RemovalCell("none", "none", "unmodified", 0, 0.8, 0.8)};
  for (const std::string removal : {"mean", "road"}) {
    for (double f : {0.5, 0.9}) {
      const double random = f == 0.5 ? 0.7 : 0.6;
      cells.push_back(RemovalCell(removal, "roar", "random", f, random - 0.01, random + 0.01));
      const double sgsq = removal == "mean" ? 0.8 : road_sgsq;
      cells.push_back(RemovalCell(removal, "roar", "smoothgrad_squared", f, sgsq - 0.01, sgsq + 0.01));
    }
  }
  RoarResults results = SummarizeRoarRuns(cells);
  results.chance = 0.1;
  results.leakage = {{"smoothgrad_squared", 0.9, leak}, {"random", 0.9, 0.1}};
  return results;
}

TEST(RoarVerdict, StatesWhatTheNumbersSupport) {
  // Under ROAD SG-SQ falls to 0.3 (random 0.6 at t = 0.9): it beats random; the mask predicts the
  // label at 0.7 >= 0.1 + (0.8 - 0.1) / 2 = 0.45: leakage high.
  std::vector<EnsembleVerdict> v = EnsembleVerdicts(Hand(0.3, 0.7), {0.5, 0.9});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].fraction, 0.9);
  EXPECT_EQ(v[0].mean.verdict, VersusRandom::kLoses);
  EXPECT_EQ(v[0].road.verdict, VersusRandom::kBeats);
  EXPECT_NEAR(v[0].road.difference, -0.3, 1e-12);
  EXPECT_NEAR(v[0].road.standard_error, std::sqrt(2.0) * 0.01, 1e-12);
  EXPECT_TRUE(v[0].leakage_high);
  EXPECT_EQ(v[0].support, LeakageSupport::kLeakage);
  std::string text = EnsembleVerdictText(v[0]);
  EXPECT_THAT(text, HasSubstr("under ROAD's imputation it beats random (accuracy 0.300, -0.300 +/- "
                              "0.014 against random at t = 0.9)"));
  EXPECT_THAT(text, HasSubstr("predicts the label with accuracy 0.700 (random's mask: 0.100)"));
  EXPECT_THAT(text, HasSubstr("support the leakage explanation"));

  // Leakage just below the line (0.44 < 0.45): ROAD turns the verdict without a (linear) leak.
  v = EnsembleVerdicts(Hand(0.3, 0.44), {0.5, 0.9});
  EXPECT_FALSE(v[0].leakage_high);
  EXPECT_EQ(v[0].support, LeakageSupport::kRoadWithoutLeak);
  // SG-SQ stays at 0.8 under ROAD too: the mask leaks, but removing the leak changes nothing.
  v = EnsembleVerdicts(Hand(0.8, 0.7), {0.5, 0.9});
  EXPECT_EQ(v[0].support, LeakageSupport::kNotLeakage);
  EXPECT_THAT(EnsembleVerdictText(v[0]), HasSubstr("do not support leakage as the whole explanation"));
  v = EnsembleVerdicts(Hand(0.8, 0.2), {0.5, 0.9});
  EXPECT_EQ(v[0].support, LeakageSupport::kNeither);
  // SG-SQ at 0.6 under ROAD: better than random at t = 0.5 only, one fraction of two.
  v = EnsembleVerdicts(Hand(0.6, 0.7), {0.5, 0.9});
  EXPECT_EQ(v[0].road.verdict, VersusRandom::kIndistinguishable);
  EXPECT_THAT(EnsembleVerdictText(v[0]),
              HasSubstr("under ROAD's imputation it is indistinguishable from random (accuracy 0.600"));
  // Without the leakage fit there is no verdict.
  RoarResults no_leak = Hand(0.3, 0.7);
  no_leak.leakage.clear();
  EXPECT_EQ(EnsembleVerdicts(no_leak, {0.5, 0.9})[0].support, LeakageSupport::kUndetermined);
}

}  // namespace
}  // namespace lfa
