// The tables of `lfa reproduce paper`: the published precision (rounding to it leaves the printed
// text unchanged), the released CSVs' spelling of sweep values, and the six files.

#include "experiments/studies/paper/tables.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "experiments/report/markdown.h"
#include "tests/experiments/studies/paper/hand_made_results.h"

namespace lfa {
namespace {

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(PaperTablesTest, RoundingToThePublishedPrecisionKeepsThePrintedText) {
  EXPECT_EQ(RoundToDecimals(0.123449, 4), 0.1234);
  EXPECT_EQ(RoundToDecimals(2.27096, 4), 2.2710);
  EXPECT_EQ(RoundToSignificant(0.004240712345), 0.00424071);
  EXPECT_EQ(RoundToSignificant(817.4449), 817.445);
  // No negative zero: a tiny negative distance prints and holds as 0.
  EXPECT_EQ(RoundToDecimals(-1e-9, 4), 0.0);
  EXPECT_FALSE(std::signbit(RoundToDecimals(-1e-9, 4)));
  EXPECT_TRUE(std::isnan(RoundToDecimals(std::nan(""), 4)));
  for (int i = 0; i < 1000; ++i) {
    const double value = std::sin(i * 1.234567) * std::pow(10.0, i % 7 - 3);
    for (const int decimals : {4, 5, 6})
      ASSERT_EQ(Format(RoundToDecimals(value, decimals), decimals), Format(value, decimals))
          << value;
    ASSERT_EQ(FormatG(RoundToSignificant(value)), FormatG(value)) << value;
  }
}

TEST(PaperTablesTest, SweepValuesPrintAsTheReleasedCsvs) {
  EXPECT_EQ(FormatSweepValue(0.3), "0.3");
  EXPECT_EQ(FormatSweepValue(0.05), "0.05");
  EXPECT_EQ(FormatSweepValue(0.0), "0");
  EXPECT_EQ(FormatSweepValue(0.65), "0.65");
}

TEST(PaperTablesTest, RowsCarryThePublishedDigits) {
  const PaperResults results = test::PaperTinyResults();
  const TextTable exp1b = Exp1bTable(results);
  EXPECT_EQ(exp1b.header, (std::vector<std::string>{"dataset", "model", "sweep", "value",
                                                    "l1_median", "cosine_median"}));
  ASSERT_EQ(exp1b.rows.size(), 6u);
  EXPECT_EQ(exp1b.rows[0],
            (std::vector<std::string>{"who", "tiny", kSigmaSweep, "0.3", "0.5000", "0.0100"}));
  EXPECT_EQ(exp1b.rows[3][3], "0");
  const TextTable exp3 = Exp3Table(results);
  EXPECT_EQ(exp3.rows[0], (std::vector<std::string>{"who", "tiny", "lime", "topk", "binary", "1",
                                                    "0.30000", "0.01000"}));
  const TextTable nfl = NflTable(results);
  EXPECT_EQ(nfl.rows[1], (std::vector<std::string>{"who", "tiny", "smoothgrad", "clime", "squared",
                                                   "0.099", "0.001"}));
  const TextTable convergence = ConvergenceTable(results);
  EXPECT_EQ(convergence.rows[2],
            (std::vector<std::string>{"who", "tiny", "lime", "exact_enumeration", "1000",
                                      "0.031623", "0.000000"}));
  EXPECT_EQ(Exp1Table(results).rows.size(), 4u);
  EXPECT_EQ(Exp2Table(results).rows[0],
            (std::vector<std::string>{"who", "tiny", "lfa", "lime", "w_x", "0.0000", "0.0000"}));
}

TEST(PaperTablesTest, WritesTheSixFiles) {
  const test::PaperScratchDirectory dir("tables");
  WritePaperTables(test::PaperTinyResults(), dir.path());
  EXPECT_EQ(ReadWhole(dir.path() + "/exp1.csv"),
            "dataset,model,classic,lfa,l1_mean,cosine_mean\n"
            "who,tiny,lime,lime,0.0240,0.0004\n"
            "who,tiny,lime,occlusion,0.5000,0.1000\n"
            "who,tiny,occlusion,lime,0.4000,0.1000\n"
            "who,tiny,occlusion,occlusion,0.0000,0.0000\n");
  for (const char* name : {"exp1b", "exp2", "exp3", "nfl", "convergence"})
    EXPECT_TRUE(std::filesystem::exists(dir.path() + "/" + name + ".csv")) << name;
}

}  // namespace
}  // namespace lfa
