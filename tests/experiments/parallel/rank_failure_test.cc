// RunOnEveryRank: one process passes exceptions through unchanged; with several ranks every rank
// learns the lowest failing rank's message (prefixed by its rank unless all ranks failed alike)
// and its exit code (2 for InvalidInput, 1 otherwise), and a step that succeeded everywhere
// throws nothing.

#include <stdexcept>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "experiments/parallel/communicator.h"
#include "experiments/parallel/rank_failure.h"
#include "framework/errors.h"
#include "tests/experiments/parallel/scripted_communicator.h"

namespace lfa {
namespace {

// The JobFailure RunOnEveryRank throws on rank 0 of a scripted job, or a failed test.
JobFailure FailureOnRankZero(const std::vector<std::string>& others,
                             const std::function<void()>& step) {
  test::ScriptedCommunicator world(0, static_cast<int>(others.size()) + 1, others);
  try {
    RunOnEveryRank(world, step);
  } catch (const JobFailure& e) {
    return e;
  }
  ADD_FAILURE() << "no JobFailure";
  return JobFailure("", 0);
}

TEST(RunOnEveryRankTest, OneProcessPassesTheExceptionThroughUnchanged) {
  SingleProcessCommunicator world;
  int calls = 0;
  RunOnEveryRank(world, [&] { ++calls; });
  EXPECT_EQ(calls, 1);
  try {
    RunOnEveryRank(world, [] { Fail("--samples must be > 0, got 0"); });
    ADD_FAILURE() << "no exception";
  } catch (const JobFailure&) {
    ADD_FAILURE() << "a JobFailure from a single process";
  } catch (const InvalidInput& e) {
    EXPECT_STREQ(e.what(), "--samples must be > 0, got 0");
  }
}

TEST(RunOnEveryRankTest, SuccessEverywhereThrowsNothing) {
  test::ScriptedCommunicator world(0, 3, {"", ""});
  EXPECT_NO_THROW(RunOnEveryRank(world, [] {}));
}

TEST(RunOnEveryRankTest, TheLowestFailingRankIsNamedWithItsExitCode) {
  // Rank 1 fails with bad input, rank 2 with a runtime error; rank 0 succeeds.
  const JobFailure e = FailureOnRankZero({"2bad row 600", "1out of memory"}, [] {});
  EXPECT_STREQ(e.what(), "rank 1 of 3: bad row 600");
  EXPECT_EQ(e.exit_code(), 2);
  const JobFailure f = FailureOnRankZero({"", "1model raised"}, [] {});
  EXPECT_STREQ(f.what(), "rank 2 of 3: model raised");
  EXPECT_EQ(f.exit_code(), 1);
}

TEST(RunOnEveryRankTest, RankZerosOwnFailureIsEncodedLikeTheOthers) {
  const JobFailure e =
      FailureOnRankZero({"", ""}, [] { throw std::runtime_error("disk full"); });
  EXPECT_STREQ(e.what(), "rank 0 of 3: disk full");
  EXPECT_EQ(e.exit_code(), 1);
}

TEST(RunOnEveryRankTest, AFailureEveryRankSharesIsReportedWithoutARank) {
  const JobFailure e = FailureOnRankZero({"2--out is required", "2--out is required"},
                                         [] { Fail("--out is required"); });
  EXPECT_STREQ(e.what(), "--out is required");
  EXPECT_EQ(e.exit_code(), 2);
}

TEST(RunOnEveryRankTest, OtherRanksThrowRankZerosVerdict) {
  test::ScriptedCommunicator world(2, 3, {});
  world.set_broadcast("1rank 1 of 3: model raised");
  try {
    RunOnEveryRank(world, [] {});
    ADD_FAILURE() << "no JobFailure";
  } catch (const JobFailure& e) {
    EXPECT_STREQ(e.what(), "rank 1 of 3: model raised");
    EXPECT_EQ(e.exit_code(), 1);
  }
  ASSERT_EQ(world.gathered().size(), 1u);
  EXPECT_EQ(world.gathered()[0], "");  // this rank's own step succeeded
}

}  // namespace
}  // namespace lfa
