// The released-numbers reader: typed keys (a sweep value as a number, k as an integer), columns
// found by name in any order, quoted fields, absent directories and files, and errors that name
// the file, the record and the column.

#include "experiments/studies/paper/released.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "framework/errors.h"
#include "tests/experiments/studies/paper/hand_made_results.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;

TEST(PaperReleasedNumbersTest, LooksUpEveryTableByTypedKeys) {
  const test::PaperScratchDirectory dir("lookup");
  test::WritePaperTinyReleased(dir);
  const ReleasedNumbers released = ReadReleasedNumbers(dir.path());
  EXPECT_EQ(released.directory(), dir.path());

  const auto lime = released.Exp1("who", "tiny", "lime", "lime");
  ASSERT_TRUE(lime);
  EXPECT_EQ(lime->l1, 0.0240);
  EXPECT_EQ(lime->cosine, 0.0005);
  // The sweep value "0.01" is matched as the double 0.01, "0" as 0.0.
  const auto sigma = released.Exp1b("who", "tiny", kSigmaSweep, 0.01);
  ASSERT_TRUE(sigma);
  EXPECT_EQ(sigma->l1, 0.0100);
  ASSERT_TRUE(released.Exp1b("who", "tiny", kLowSweep, 0.0));
  EXPECT_EQ(released.Exp1b("who", "tiny", kLowSweep, 0.0)->l1, 0.3);
  EXPECT_FALSE(released.Exp1b("who", "tiny", kLowSweep, 0.65));
  ASSERT_TRUE(released.Exp2("who", "tiny", "lfa", "lime", "w_x"));
  EXPECT_FALSE(released.Exp2("who", "tiny", "lfa", "lime", "w"));
  const auto gap = released.Exp3("who", "tiny", "occlusion", "topk", "binary", 2);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->mean, 0.30002);
  EXPECT_EQ(gap->sem, 0.01);
  EXPECT_FALSE(released.Exp3("who", "tiny", "occlusion", "topk", "binary", 3));
  EXPECT_FALSE(released.Exp3("who", "tiny", "occlusion", "bottomk", "binary", 2));
  EXPECT_FALSE(released.Exp1("heloc", "tiny", "lime", "lime"));
}

TEST(PaperReleasedNumbersTest, FindsColumnsByNameAndReadsQuotedFields) {
  const test::PaperScratchDirectory dir("columns");
  dir.Write("exp1.csv",
            "cosine_mean,l1_mean,lfa,classic,model,dataset\n"
            "0.5000,0.2500,lime,\"lime\",\"tiny\",who\n");
  const auto cell = ReadReleasedNumbers(dir.path()).Exp1("who", "tiny", "lime", "lime");
  ASSERT_TRUE(cell);
  EXPECT_EQ(cell->l1, 0.25);
  EXPECT_EQ(cell->cosine, 0.5);
}

TEST(PaperReleasedNumbersTest, AbsentDirectoryOrFileMeansNoNumbers) {
  EXPECT_TRUE(ReadReleasedNumbers("").directory().empty());
  const ReleasedNumbers none = ReadReleasedNumbers("/nonexistent/lfa/reference");
  EXPECT_TRUE(none.directory().empty());
  EXPECT_FALSE(none.Exp1("who", "tiny", "lime", "lime"));

  const test::PaperScratchDirectory dir("partial");
  dir.Write("exp1.csv",
            "dataset,model,classic,lfa,l1_mean,cosine_mean\nwho,tiny,lime,lime,0.1,0.2\n");
  const ReleasedNumbers partial = ReadReleasedNumbers(dir.path());
  EXPECT_EQ(partial.directory(), dir.path());
  EXPECT_TRUE(partial.Exp1("who", "tiny", "lime", "lime"));
  EXPECT_FALSE(partial.Exp1b("who", "tiny", kSigmaSweep, 0.1));
}

TEST(PaperReleasedNumbersTest, ErrorsNameTheFileTheRecordAndTheColumn) {
  const test::PaperScratchDirectory dir("errors");
  const std::string exp1 =
      dir.Write("exp1.csv",
                "dataset,model,classic,lfa,l1_mean,cosine_mean\nwho,tiny,lime,lime,0.1,0.2\n"
                "who,tiny,lime,occlusion,n/a,0.2\n");
  try {
    ReadReleasedNumbers(dir.path());
    FAIL() << "a cell that is not a number was accepted";
  } catch (const InvalidInput& error) {
    EXPECT_THAT(error.what(), HasSubstr(exp1));
    EXPECT_THAT(error.what(), HasSubstr("record 3"));
    EXPECT_THAT(error.what(), HasSubstr("'l1_mean'"));
    EXPECT_THAT(error.what(), HasSubstr("'n/a'"));
  }
  dir.Write("exp1.csv", "dataset,model,classic,lfa,l1,cosine_mean\nwho,tiny,lime,lime,0.1,0.2\n");
  EXPECT_THROW(
      {
        try {
          ReadReleasedNumbers(dir.path());
        } catch (const InvalidInput& error) {
          EXPECT_THAT(error.what(), HasSubstr("no column 'l1_mean'"));
          throw;
        }
      },
      InvalidInput);
  dir.Write("exp1.csv",
            "dataset,model,classic,lfa,l1_mean,cosine_mean\nwho,tiny,lime,lime,0.1,0.2\n");
  dir.Write("exp3.csv",
            "dataset,model,method,ranking,perturbation,k,mean,sem\n"
            "who,tiny,lime,topk,binary,1.5,0.1,0.01\n");
  EXPECT_THROW(ReadReleasedNumbers(dir.path()), InvalidInput);
}

}  // namespace
}  // namespace lfa
