#include "framework/unit_threads.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

#include "framework/errors.h"

namespace lfa {
namespace {

// Restores the process's intra-op budget after a test changed it.
class UnitThreadsTest : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = at::get_num_threads(); }
  void TearDown() override { at::set_num_threads(saved_); }
  int saved_ = 1;
};

TEST_F(UnitThreadsTest, RunsEveryUnitOnceOnOneIntraOpThreadAndRestoresTheBudget) {
  for (const int budget : {1, 2, 3}) {
    at::set_num_threads(budget);
    constexpr int64_t kUnits = 7;
    std::vector<int> runs(kUnits, 0);
    std::vector<int> threads_seen(kUnits, 0);
    std::vector<int64_t> done_counts;
    RunUnitsOnThreads(
        kUnits,
        [&](int64_t u) {
          ++runs[static_cast<size_t>(u)];
          threads_seen[static_cast<size_t>(u)] = at::get_num_threads();
        },
        [&](int64_t done) { done_counts.push_back(done); });
    EXPECT_EQ(runs, std::vector<int>(kUnits, 1)) << "budget " << budget;
    EXPECT_EQ(threads_seen, std::vector<int>(kUnits, 1)) << "budget " << budget;
    EXPECT_EQ(done_counts, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7})) << "budget " << budget;
    EXPECT_EQ(at::get_num_threads(), budget);
  }
}

TEST_F(UnitThreadsTest, ResultsDoNotDependOnTheBudget) {
  // A parallel ATen reduction whose last bits move with the intra-op thread count: computed
  // directly with 1 and with 2 threads, these four sums differ (checked with LibTorch 1.13).
  auto compute = [](int budget) {
    at::set_num_threads(budget);
    std::vector<double> sums(4);
    RunUnitsOnThreads(4, [&](int64_t u) {
      const at::Tensor x = at::arange(1, 200001, at::kFloat).mul(0.1 + static_cast<double>(u));
      sums[static_cast<size_t>(u)] = x.sin().sum().item<double>();
    });
    return sums;
  };
  EXPECT_EQ(compute(1), compute(2));
  EXPECT_EQ(compute(1), compute(3));
}

TEST_F(UnitThreadsTest, RethrowsTheFirstErrorAndStopsTakingUnits) {
  at::set_num_threads(2);
  std::atomic<int64_t> started{0};
  EXPECT_THROW(RunUnitsOnThreads(1000,
                                 [&](int64_t u) {
                                   ++started;
                                   if (u == 0) throw std::out_of_range("unit 0");
                                   // The other units take a while: 999 of them would need
                                   // 0.1 s to finish before the failure is seen.
                                   std::this_thread::sleep_for(std::chrono::microseconds(100));
                                 }),
               std::out_of_range);
  EXPECT_LT(started.load(), 1000);
  EXPECT_EQ(at::get_num_threads(), 2);
}

// Each of 10 calls runs 2 units that wait for each other, so the caller and one helper take one
// unit each. Helpers kept across calls (there are fewer than 10: as many as the largest budget
// seen so far, less one) run units of several calls; threads started per call, which made every
// call rebuild LibTorch's thread pools, would each have run one.
TEST_F(UnitThreadsTest, HelperThreadsAreKeptAcrossCalls) {
  at::set_num_threads(2);
  thread_local int64_t units_on_this_thread = 0;
  const std::thread::id caller = std::this_thread::get_id();
  int64_t most_on_a_helper = 0;
  for (int call = 0; call < 10; ++call) {
    std::atomic<int> arrived{0};
    std::atomic<int64_t> helper_count{0};
    RunUnitsOnThreads(2, [&](int64_t) {
      ++arrived;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (arrived.load() < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
      ASSERT_EQ(arrived.load(), 2) << "the second unit never started beside the first";
      ++units_on_this_thread;
      if (std::this_thread::get_id() != caller) helper_count = units_on_this_thread;
    });
    most_on_a_helper = std::max(most_on_a_helper, helper_count.load());
  }
  EXPECT_GE(most_on_a_helper, 2);
  EXPECT_EQ(at::get_num_threads(), 2);
}

// On a fresh thread too, where LibTorch's own first-call initialisation would otherwise reset the
// count afterwards.
TEST_F(UnitThreadsTest, SetIntraOpThreadsSetsTheCallingThreadsCount) {
  int on_fresh_thread = 0;
  std::thread([&] {
    SetIntraOpThreads(3);
    on_fresh_thread = at::get_num_threads();
  }).join();
  EXPECT_EQ(on_fresh_thread, 3);
  SetIntraOpThreads(2);
  EXPECT_EQ(at::get_num_threads(), 2);
  EXPECT_THROW(SetIntraOpThreads(0), InvalidInput);
}

TEST_F(UnitThreadsTest, NoUnitsRunsNothingAndNegativeIsAnError) {
  int runs = 0;
  RunUnitsOnThreads(0, [&](int64_t) { ++runs; });
  EXPECT_EQ(runs, 0);
  EXPECT_THROW(RunUnitsOnThreads(-1, [&](int64_t) { ++runs; }), InvalidInput);
}

}  // namespace
}  // namespace lfa
