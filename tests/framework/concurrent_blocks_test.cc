// LfaExplainer's concurrent blocks (framework/lfa_explainer.h): with a model that may be called
// from two threads at once, the blocks of points run on unit threads, one intra-op thread each.
// The explanation must be exactly that of a one-thread run, whether the budget is one thread or
// two, and exactly that of the same model explained block after block on one thread; the model
// must really be called from two threads, the caller and a helper (in the two-thread run its first
// calls wait, up to 10 s, until a second thread calls too, so that one fast worker cannot take
// every block), and only from the caller with one thread; the Oracle must count every
// query once (its counter is shared by the threads) and the progress callback must end at the
// number of points.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "explainers/recipes.h"
#include "framework/explainer.h"
#include "framework/lfa_explainer.h"
#include "framework/oracle.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

// f(x) = sum_i sin(w_i x_i) + x_0 x_1 by torch ops, recording the threads that call it; a call
// waits until `wait_for` threads have called.
class RecordingModel : public Model {
 public:
  RecordingModel(bool thread_safe, size_t wait_for)
      : thread_safe_(thread_safe), wait_for_(wait_for), creator_(std::this_thread::get_id()) {}
  torch::Tensor Forward(const torch::Tensor& x) override {
    {
      std::unique_lock<std::mutex> guard(lock_);
      threads_.insert(std::this_thread::get_id());
      arrived_.notify_all();
      arrived_.wait_for(guard, std::chrono::seconds(10),
                        [&] { return threads_.size() >= wait_for_; });
    }
    const torch::Tensor w = torch::tensor({0.7, -1.3, 2.0, 0.5}, x.options());
    return ((x * w).sin().sum(1) + x.select(1, 0) * x.select(1, 1)).unsqueeze(1);
  }
  std::vector<int64_t> input_shape() const override { return {4}; }
  torch::Dtype dtype() const override { return torch::kFloat64; }
  std::string description() const override { return "recording sine model"; }
  bool thread_safe() const override { return thread_safe_; }
  size_t threads() const {
    const std::lock_guard<std::mutex> guard(lock_);
    return threads_.size();
  }
  bool called_by_creator() const {
    const std::lock_guard<std::mutex> guard(lock_);
    return threads_.count(creator_) == 1;
  }

 private:
  bool thread_safe_;
  size_t wait_for_;
  std::thread::id creator_;
  mutable std::mutex lock_;
  std::condition_variable arrived_;
  std::set<std::thread::id> threads_;
};

// Restores LibTorch's intra-op budget when a test ends.
class ThreadBudget {
 public:
  explicit ThreadBudget(int threads) : saved_(at::get_num_threads()) {
    at::set_num_threads(threads);
  }
  ~ThreadBudget() { at::set_num_threads(saved_); }

 private:
  int saved_;
};

constexpr int64_t kPoints = 9, kSamples = 40;

struct BlocksRun {
  Explanation explanation;
  int64_t queries = 0;
  int64_t last_progress = 0;
  size_t model_threads = 0;
  bool called_by_caller = false;
};

// `method` on kPoints points, with batches of 80 rows: two points a block, five blocks.
BlocksRun ExplainWith(const std::string& method, bool thread_safe, int threads) {
  const ThreadBudget budget(threads);
  const auto model =
      std::make_shared<RecordingModel>(thread_safe, static_cast<size_t>(thread_safe ? threads : 1));
  Oracle oracle(model, {.max_batch_rows = 2 * kSamples});
  const auto explainer = MakeExplainer(method, {.samples = kSamples});
  BlocksRun run;
  int64_t calls = 0;
  run.explanation = explainer->Explain(
      oracle, MakePointBatch(test::RandomNormal({kPoints, 4}, 5), /*seed=*/3),
      torch::zeros({kPoints}, torch::kLong), [&](int64_t done, int64_t total) {
        EXPECT_EQ(total, kPoints);
        EXPECT_GE(done, run.last_progress);  // one call at a time, never backwards
        run.last_progress = done;
        ++calls;
      });
  EXPECT_EQ(calls, 5);
  run.queries = oracle.queries();
  run.model_threads = model->threads();
  run.called_by_caller = model->called_by_creator();
  return run;
}

class ConcurrentBlocks : public ::testing::TestWithParam<std::string> {};

TEST_P(ConcurrentBlocks, GiveExactlyTheOneThreadNumbersAndCountEveryQuery) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs two hardware threads";
  const std::string method = GetParam();
  const BlocksRun one = ExplainWith(method, /*thread_safe=*/true, 1);
  const BlocksRun two = ExplainWith(method, /*thread_safe=*/true, 2);
  const BlocksRun serial = ExplainWith(method, /*thread_safe=*/false, 1);
  EXPECT_EQ(two.model_threads, 2u) << "the blocks did not run on two worker threads";
  for (const BlocksRun* run : {&one, &serial}) {  // the blocks run on the calling thread
    EXPECT_EQ(run->model_threads, 1u);
    EXPECT_TRUE(run->called_by_caller);
  }
  for (const BlocksRun* run : {&one, &two, &serial}) {
    EXPECT_EQ(run->last_progress, kPoints);
    EXPECT_EQ(run->explanation.model_queries, run->queries);
  }
  EXPECT_EQ(two.queries, one.queries);
  EXPECT_GE(two.queries, kPoints * kSamples);
  for (const BlocksRun* run : {&two, &serial}) {
    EXPECT_TRUE(torch::equal(run->explanation.attributions, one.explanation.attributions));
    EXPECT_TRUE(torch::equal(run->explanation.intercepts, one.explanation.intercepts));
    EXPECT_TRUE(torch::equal(run->explanation.loss, one.explanation.loss));
    EXPECT_TRUE(torch::equal(run->explanation.r2, one.explanation.r2));
  }
}

INSTANTIATE_TEST_SUITE_P(ValueAndGradientMethods, ConcurrentBlocks,
                         ::testing::Values("lime", "kernelshap", "clime", "smoothgrad",
                                           "integrated_gradients"));

TEST(ConcurrentBlocks, OnlyForCpuModelsThatSayTheyMayBeCalledFromTwoThreads) {
  Oracle safe(std::make_shared<RecordingModel>(true, 1));
  Oracle unsafe(std::make_shared<RecordingModel>(false, 1));
  EXPECT_TRUE(LfaExplainer::BlocksOnUnitThreads(safe));
  EXPECT_FALSE(LfaExplainer::BlocksOnUnitThreads(unsafe));
}

}  // namespace
}  // namespace lfa
