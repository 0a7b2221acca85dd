// The localisation study's typed results: the verdict rule at its exact threshold (three combined
// standard errors above the random map and above the control), ranks, the CSV row order the
// study has always written, and a report whose claim verdicts follow the numbers (the same
// report text with one number changed gives the opposite verdict).

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/io/csv.h"
#include "experiments/studies/localisation/localisation_methods.h"
#include "experiments/studies/localisation/localisation_report.h"
#include "experiments/studies/localisation/localisation_results.h"
#include "experiments/studies/localisation/localisation_study.h"
#include "framework/errors.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

// Every method at `mean` +/- 0.01 on every metric and variant, random at the area fraction.
MaskScores Mask(const std::string& name, const std::string& task, int64_t pixels, double mean) {
  MaskScores mask;
  mask.name = name;
  mask.task = task;
  mask.mask_pixels = pixels;
  mask.area = static_cast<double>(pixels) / 784;
  for (const auto& method : LocalisationMethods()) {
    MethodScores scores;
    scores.method = method;
    for (MapVariant variant : kMapVariants)
      for (LocalisationMetric metric : kLocalisationMetrics)
        scores.at(metric, variant) = {method == "random" ? mask.area : mean, 0.01};
    mask.methods.push_back(scores);
  }
  return mask;
}

ScoreSummary& MassOf(LocalisationResults& results, const std::string& mask,
                     const std::string& method) {
  for (MaskScores& m : results.masks)
    if (m.name == mask)
      for (MethodScores& s : m.methods)
        if (s.method == method) return s.at(LocalisationMetric::kMassAccuracy);
  throw std::logic_error("no such scores");
}

// block (signal) and control (with its two-block mask): every method at 0.3 on block, 0.1 on the
// control's masks.
LocalisationResults Results() {
  LocalisationResults results;
  results.models = {{"block", "centre block label", 2, 0.97, 50.0, 0.49, false},
                    {"control", "clothing label", 10, 0.89, 30.0, NAN, true}};
  results.masks = {Mask("block", "block", 64, 0.3), Mask("control", "control", 64, 0.1),
                   Mask("control_two_blocks", "control", 128, 0.1)};
  return results;
}

TEST(LocalisationVerdict, ThresholdIsThreeCombinedStandardErrorsAboveChanceAndControl) {
  LocalisationResults results = Results();
  const double chance = 64.0 / 784, margin = 3 * std::sqrt(0.01 * 0.01 + 0.01 * 0.01);
  MassOf(results, "block", "gradcam").mean = chance + margin + 1e-9;
  MassOf(results, "control", "gradcam").mean = 0.0;
  LocalisationVerdict v = Judge(results, "block", "gradcam", LocalisationMetric::kMassAccuracy);
  EXPECT_TRUE(v.above_chance);
  EXPECT_TRUE(v.has_control);
  EXPECT_TRUE(v.above_control);
  EXPECT_TRUE(v.localises());
  EXPECT_EQ(v.chance_mean, chance);
  EXPECT_EQ(v.control_mean, 0.0);
  EXPECT_EQ(v.of, 11);
  EXPECT_EQ(v.rank, 11) << "every other method is at 0.3";

  MassOf(results, "block", "gradcam").mean = chance + margin - 1e-9;
  v = Judge(results, "block", "gradcam", LocalisationMetric::kMassAccuracy);
  EXPECT_FALSE(v.above_chance);
  EXPECT_FALSE(v.localises());

  // Above chance, but its own control is as high: the object, not the block.
  MassOf(results, "control", "smoothgrad").mean = 0.3;
  v = Judge(results, "block", "smoothgrad", LocalisationMetric::kMassAccuracy);
  EXPECT_TRUE(v.above_chance);
  EXPECT_FALSE(v.above_control);
  EXPECT_FALSE(v.localises());
  // The control has no control of its own.
  EXPECT_FALSE(Judge(results, "control", "smoothgrad", LocalisationMetric::kMassAccuracy).has_control);
  EXPECT_THROW(Judge(results, "two_blocks", "smoothgrad", LocalisationMetric::kMassAccuracy),
               InvalidInput);
  EXPECT_EQ(BestMethod(results.masks[0], LocalisationMetric::kMassAccuracy, MapVariant::kAbsolute,
                       /*include_random=*/false),
            "gradient")
      << "ties go to the first method";
}

TEST(LocalisationTables, RowsGoByTaskThenMethodThenMask) {
  const fs::path dir = fs::temp_directory_path() / ("lfa_loc_tables_" + std::to_string(getpid()));
  fs::create_directories(dir);
  LocalisationResults results = Results();
  MassOf(results, "control_two_blocks", "gradient").mean = 0.125;
  WriteModelsTable(results, dir.string());
  WriteScoresTable(results, dir.string());
  const TextTable models = ReadTextCsv((dir / "models.csv").string());
  ASSERT_EQ(models.rows.size(), 2u);
  EXPECT_EQ(models.rows[0], (std::vector<std::string>{"block", "0.9700", "50.0"}));

  const TextTable scores = ReadTextCsv((dir / "localisation.csv").string());
  EXPECT_EQ(scores.header, (std::vector<std::string>{"task", "method", "metric", "mean", "sem"}));
  ASSERT_EQ(scores.rows.size(), 3 * 12 * 6u);  // masks x methods x (variants x metrics)
  const size_t task = scores.Column("task"), method = scores.Column("method"),
               metric = scores.Column("metric"), mean = scores.Column("mean");
  // block's 12 x 6 rows, then the control's methods, each with its two masks in turn.
  EXPECT_EQ(scores.rows[0][metric], "mass_accuracy");
  EXPECT_EQ(scores.rows[5][metric], "pointing_game_top1pct");
  EXPECT_EQ(scores.rows[72][task], "control");
  EXPECT_EQ(scores.rows[78][task], "control_two_blocks");
  EXPECT_EQ(scores.rows[78][method], "gradient");
  EXPECT_EQ(scores.rows[78][mean], "0.125");
  EXPECT_EQ(scores.rows[84][task], "control");
  EXPECT_EQ(scores.rows[84][method], "smoothgrad");
  fs::remove_all(dir);
}

std::string Report(const LocalisationResults& results, const std::string& name) {
  LocalisationStudyOptions options;
  options.out = (fs::temp_directory_path() / (name + std::to_string(getpid()))).string();
  fs::create_directories(options.out);
  WriteLocalisationReport(results, options, 1.0, "");
  std::ifstream file(options.out + "/report.md");
  std::stringstream text;
  text << file.rdbuf();
  fs::remove_all(options.out);
  return text.str();
}

TEST(LocalisationReport, ClaimVerdictsFollowTheNumbers) {
  LocalisationResults results = Results();
  // smoothgrad best on block; gradcam localises but last.
  MassOf(results, "block", "smoothgrad").mean = 0.8;
  MassOf(results, "block", "gradcam").mean = 0.2;
  std::string report = Report(results, "lfa_loc_report_a");
  EXPECT_THAT(report, HasSubstr("- holds: smoothgrad 0.800 +/- 0.010 on block (rank 1 of 11"));
  EXPECT_THAT(report, HasSubstr("smoothgrad: holds on 1 of 1 tasks."));
  EXPECT_THAT(report, HasSubstr("- holds in part (localises, but in the bottom half: rank 11 of "
                                "11, 0.600 below the best): gradcam 0.200"));
  EXPECT_THAT(report, HasSubstr("| smoothgrad | **0.800 +/- 0.010** |"));
  EXPECT_THAT(report, HasSubstr("smoothgradcampp equals gradcampp exactly"));

  // The same claims with smoothgrad at chance on block and gradcam at its control's level.
  MassOf(results, "block", "smoothgrad").mean = 64.0 / 784;
  MassOf(results, "block", "gradcam").mean = 0.1;
  MassOf(results, "block", "smoothgradcampp").mean = 0.31;
  report = Report(results, "lfa_loc_report_b");
  EXPECT_THAT(report, HasSubstr("- does not hold: smoothgrad 0.082 +/- 0.010 on block"));
  EXPECT_THAT(report, HasSubstr("smoothgrad: holds on 0 of 1 tasks."));
  EXPECT_THAT(report, HasSubstr("- holds: gradcam 0.100 +/- 0.010 on block"));
  EXPECT_THAT(report, HasSubstr("does not localise (above neither chance nor its control)"));
  EXPECT_THAT(report, Not(HasSubstr("smoothgradcampp equals gradcampp")));
}

}  // namespace
}  // namespace lfa
