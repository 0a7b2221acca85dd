// Batching and the Oracle: explanations do not depend on how points are batched (every point has
// its own random stream), the Oracle's batch budget changes nothing but the number of model calls,
// queries are counted exactly, and targets select the right output of a multi-output model. The
// layer queries (GradientsAtLayer) are checked on f(x) = W (x * x) + b, whose layer "square" has
// activation x * x and gradient W_target exactly.

#include <algorithm>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/types.h>

#include "explainers/builtin_registry.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/layered_model.h"
#include "framework/oracle.h"
#include "framework/registry.h"
#include "models/analytic_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// |a - b| <= 1e-12 (1 + |b|) everywhere; NaN diagnostics must be NaN in both.
::testing::AssertionResult SameNumbers(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.sizes() != b.sizes()) return ::testing::AssertionFailure() << "shapes differ";
  if (!torch::equal(a.isnan(), b.isnan())) return ::testing::AssertionFailure() << "NaNs differ";
  const torch::Tensor finite = ~a.isnan();
  const torch::Tensor diff = (a - b).abs().masked_select(finite);
  const torch::Tensor scale = 1 + b.abs().masked_select(finite);
  if (diff.numel() == 0 || (diff <= 1e-12 * scale).all().item<bool>())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max difference " << diff.max().item<double>();
}

struct BatchCase {
  std::string method;
  Implementation implementation;
};
std::ostream& operator<<(std::ostream& out, const BatchCase& c) { return out << c.method; }

class BatchInvariance : public ::testing::TestWithParam<BatchCase> {
 protected:
  static constexpr int64_t kN = 5, kD = 5, kSamples = 100;
  BatchInvariance() : oracle_(f_.Model()) {}
  const test::SineProduct f_{{0.7, -1.3, 2.0, 0.5, 1.1}};
  Oracle oracle_;
  const torch::Tensor x_ = RandomNormal({kN, kD}, 1);
};

TEST_P(BatchInvariance, APointAloneGetsTheExplanationItGetsInABatch) {
  const auto explainer =
      MakeExplainer(GetParam().method, {.samples = kSamples}, GetParam().implementation);
  const uint64_t seed = 1234;
  const int64_t first = 20;
  const Explanation batch =
      explainer->Explain(oracle_, MakePointBatch(x_, seed, first), Targets(0, kN));
  ASSERT_EQ(batch.attributions.size(0), kN);
  for (int64_t i = 0; i < kN; ++i) {
    const Explanation alone = explainer->Explain(
        oracle_, MakePointBatch(x_.slice(0, i, i + 1), seed, first + i), Targets(0, 1));
    EXPECT_TRUE(SameNumbers(alone.attributions[0], batch.attributions[i])) << "point " << i;
    EXPECT_TRUE(SameNumbers(alone.intercepts[0], batch.intercepts[i])) << "point " << i;
    EXPECT_TRUE(SameNumbers(alone.loss[0], batch.loss[i])) << "point " << i;
    EXPECT_TRUE(SameNumbers(alone.r2[0], batch.r2[i])) << "point " << i;
  }
  // Two halves explained separately and concatenated give the batch too.
  const PointBatch all = MakePointBatch(x_, seed, first);
  const Explanation joined =
      Explanation::Concatenate({explainer->Explain(oracle_, all.Slice(0, 2), Targets(0, 2)),
                                explainer->Explain(oracle_, all.Slice(2, kN), Targets(0, kN - 2))});
  EXPECT_TRUE(SameNumbers(joined.attributions, batch.attributions));
  EXPECT_EQ(joined.model_queries, batch.model_queries);
}

TEST_P(BatchInvariance, QueriesAreCountedExactly) {
  const std::string& m = GetParam().method;
  const bool classic = GetParam().implementation == Implementation::kClassic;
  const auto explainer = MakeExplainer(m, {.samples = kSamples}, GetParam().implementation);
  oracle_.ResetQueries();
  const Explanation e = explainer->Explain(oracle_, MakePointBatch(x_, 1), Targets(0, kN));
  int64_t expected = kN * kSamples;  // one row per sample and point
  if (m == "occlusion") expected = classic ? kN * kD + kN : kN * kSamples + kN;  // + f(x) per point
  if (classic && (m == "gradient" || m == "gradient_x_input")) expected = kN;
  EXPECT_EQ(e.model_queries, expected);
  EXPECT_EQ(oracle_.queries(), expected);
}

TEST_P(BatchInvariance, SameSeedSameExplanationDifferentSeedDifferentOne) {
  const auto explainer =
      MakeExplainer(GetParam().method, {.samples = kSamples}, GetParam().implementation);
  const Explanation a = explainer->Explain(oracle_, MakePointBatch(x_, 5), Targets(0, kN));
  const Explanation b = explainer->Explain(oracle_, MakePointBatch(x_, 5), Targets(0, kN));
  EXPECT_TRUE(torch::equal(a.attributions, b.attributions));
  const Explanation c = explainer->Explain(oracle_, MakePointBatch(x_, 6), Targets(0, kN));
  // Classic gradients, Gauss-Legendre IG and one-pass occlusion draw nothing. LFA occlusion draws
  // its one-hot rows, but once every feature has been drawn the answer is exactly
  // f(x) - f(x_-j) whatever the draws were (kSamples >> kD here), so it is seedless too.
  const std::string& m = GetParam().method;
  const bool classic = GetParam().implementation == Implementation::kClassic;
  const bool seedless = m == "occlusion" ||
                        (classic && (m == "gradient" || m == "gradient_x_input" ||
                                     m == "integrated_gradients"));
  EXPECT_EQ(torch::equal(a.attributions, c.attributions), seedless) << "seed dependence";
}

std::vector<BatchCase> BatchCases() {
  std::vector<BatchCase> cases;
  for (const std::string& m : MethodNames()) {
    cases.push_back({m, Implementation::kLfa});
    if (m != "clime") cases.push_back({m, Implementation::kClassic});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EightMethods, BatchInvariance, ::testing::ValuesIn(BatchCases()),
                         [](const ::testing::TestParamInfo<BatchCase>& info) {
                           return info.param.method +
                                  (info.param.implementation == Implementation::kLfa ? "_lfa"
                                                                                     : "_classic");
                         });

TEST(BatchInvarianceCeres, LogisticSurrogateFitsArePerPoint) {
  auto model = AnalyticModel::Logistic(torch::tensor({1.0, -2.0, 0.5}, torch::kDouble), 0.2);
  Oracle oracle(model);
  const auto explainer =
      DefaultRegistry().Build({{"neighbourhood", {{"type", "gaussian"}, {"sigma", 0.3}}},
                               {"surrogate", {{"type", "logistic"}}},
                               {"samples", 50}});
  const torch::Tensor x = RandomNormal({3, 3}, 2);
  const Explanation batch = explainer->Explain(oracle, MakePointBatch(x, 7), Targets(0, 3));
  for (int64_t i = 0; i < 3; ++i) {
    const Explanation alone =
        explainer->Explain(oracle, MakePointBatch(x.slice(0, i, i + 1), 7, i), Targets(0, 1));
    EXPECT_TRUE(SameNumbers(alone.attributions[0], batch.attributions[i])) << i;
  }
}

// ---- Oracle
// --------------------------------------------------------------------------------------

class OracleTest : public ::testing::Test {
 protected:
  const test::SineProduct f_{{0.7, -1.3, 2.0, 0.5, 1.1}};
  const torch::Tensor inputs_ = RandomNormal({50, 5}, 3);
};

TEST_F(OracleTest, BatchBudgetChangesNothingButTheNumberOfCalls) {
  int64_t calls = 0;
  auto counting = std::make_shared<AnalyticModel>(
      std::vector<int64_t>{5},
      [&calls, inner = f_.Model()](const torch::Tensor& x) {
        ++calls;
        return inner->Forward(x);
      },
      "counting");
  Oracle small(counting, {.max_batch_rows = 7});
  Oracle large(counting, {.max_batch_rows = 100000});
  const torch::Tensor targets = Targets(0, 50);
  const torch::Tensor values = small.Values(inputs_, targets);
  EXPECT_EQ(calls, 8) << "ceil(50 / 7) batches";
  EXPECT_TRUE(AllClose(values, large.Values(inputs_, targets), 1e-14));
  EXPECT_TRUE(AllClose(values, f_.Values(inputs_), 1e-13));
  const torch::Tensor gradients = small.Gradients(inputs_, targets);
  EXPECT_TRUE(AllClose(gradients, large.Gradients(inputs_, targets), 1e-14));
  EXPECT_TRUE(AllClose(gradients, f_.Gradients(inputs_), 1e-13));
  EXPECT_TRUE(AllClose(small.Outputs(inputs_), values.unsqueeze(1), 1e-14));
  EXPECT_EQ(small.value_queries(), 100) << "Values and Outputs, 50 rows each";
  EXPECT_EQ(small.gradient_queries(), 50);
  EXPECT_EQ(small.queries(), 150);
  EXPECT_EQ(large.queries(), 100);
  small.ResetQueries();
  EXPECT_EQ(small.queries(), 0);
  // A byte budget of three rows as RowBytes measures them (its probes run before `calls` is
  // reset): 17 batches for 50 rows.
  Oracle bytes(counting);
  const int64_t row_bytes = bytes.RowBytes({5}, QueryKind::kGradients);
  EXPECT_GE(row_bytes, 5 * 8) << "at least the row's input";
  Oracle three_rows(counting, {.max_batch_bytes = 3 * row_bytes});
  EXPECT_EQ(three_rows.BatchRows({5}, QueryKind::kGradients), 3);
  calls = 0;
  EXPECT_TRUE(AllClose(three_rows.Gradients(inputs_, targets), gradients, 1e-14));
  EXPECT_EQ(calls, 17);
  EXPECT_EQ(three_rows.gradient_queries(), 50);
  // max_batch_rows alone overrides the budget; with max_batch_bytes it caps it.
  Oracle capped(counting, {.max_batch_rows = 2, .max_batch_bytes = 3 * row_bytes});
  EXPECT_EQ(capped.BatchRows({5}, QueryKind::kGradients), 2);
  EXPECT_EQ(small.BatchRows({5}, QueryKind::kGradients), 7);
}

TEST_F(OracleTest, AutomaticBatchesComeFromTheMeasuredRowBytes) {
  Oracle oracle(f_.Model());
  const int64_t values = oracle.RowBytes({5}, QueryKind::kValues);
  const int64_t gradients = oracle.RowBytes({5}, QueryKind::kGradients);
  EXPECT_GE(values, 5 * 8);
  EXPECT_GE(gradients, values) << "a backward pass keeps the forward's activations";
  EXPECT_EQ(oracle.BatchRows({5}, QueryKind::kValues),
            std::clamp<int64_t>(kCpuBatchBytes / values, 1, kMaxAutomaticRows));
  EXPECT_EQ(oracle.BatchRows({5}, QueryKind::kGradients),
            std::clamp<int64_t>(kCpuBatchBytes / gradients, 1, kMaxAutomaticRows));
  EXPECT_EQ(oracle.queries(), 0) << "probe rows are not counted";
}

TEST_F(OracleTest, ExplanationsDoNotDependOnTheOraclesBatchSize) {
  const PointBatch points = MakePointBatch(inputs_.slice(0, 0, 6), /*seed=*/5, /*first_index=*/3);
  for (const std::string method : {"lime", "kernelshap", "smoothgrad", "integrated_gradients"}) {
    const auto explainer = MakeExplainer(method, {.samples = 60});
    Oracle automatic(f_.Model());
    Oracle seven(f_.Model(), {.max_batch_rows = 7});
    const Explanation a = explainer->Explain(automatic, points, Targets(0, 6));
    const Explanation b = explainer->Explain(seven, points, Targets(0, 6));
    EXPECT_TRUE(SameNumbers(a.attributions, b.attributions)) << method;
    EXPECT_TRUE(SameNumbers(a.loss, b.loss)) << method;
    EXPECT_EQ(a.model_queries, b.model_queries) << method;
  }
}

TEST_F(OracleTest, RejectsInvalidOptions) {
  std::string error;
  EXPECT_FALSE(OracleOptions{.max_batch_rows = -1}.IsValid(&error));
  EXPECT_NE(error.find("max_batch_rows"), std::string::npos) << error;
  EXPECT_NE(error.find("-1"), std::string::npos) << error;
  EXPECT_TRUE(OracleOptions{}.IsValid(&error));
  try {
    Oracle oracle(f_.Model(), {.max_batch_rows = -3});
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("max_batch_rows"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Oracle(f_.Model(), {.max_batch_bytes = -1}), InvalidInput);
  EXPECT_THROW(Oracle(f_.Model(), {.gpu_memory_fraction = 0}), InvalidInput);
  EXPECT_THROW(Oracle(f_.Model(), {.gpu_memory_fraction = 1.5}), InvalidInput);
  EXPECT_THROW(Oracle(nullptr), InvalidInput);
  EXPECT_THROW(Oracle(f_.Model(), {.device = "abacus"}), InvalidInput);
}

TEST_F(OracleTest, GradientOfAModelThatIgnoresItsInputIsZero) {
  auto constant = std::make_shared<AnalyticModel>(
      std::vector<int64_t>{5},
      [](const torch::Tensor& x) {
        return torch::full({x.size(0), 1}, 3.0, x.options());
      },
      "constant");
  Oracle oracle(constant);
  EXPECT_TRUE(torch::equal(oracle.Gradients(inputs_, Targets(0, 50)),
                           torch::zeros({50, 5}, torch::kDouble)));
  EXPECT_EQ(oracle.gradient_queries(), 50);
}

TEST_F(OracleTest, CudaGivesTheCpuNumbers) {
  if (!torch::cuda::is_available()) {
    EXPECT_THROW(Oracle(f_.Model(), {.device = "cuda"}), InvalidInput);
    GTEST_SKIP() << "no CUDA device visible to this LibTorch: skipping the GPU check";
  }
  Oracle gpu(f_.Model(), {.device = "cuda", .max_batch_rows = 16});
  Oracle cpu(f_.Model());
  const torch::Tensor targets = Targets(0, 50);
  const torch::Tensor values = gpu.Values(inputs_, targets);
  EXPECT_EQ(values.device(), torch::Device(torch::kCPU));
  EXPECT_EQ(values.scalar_type(), torch::kDouble);
  EXPECT_TRUE(AllClose(values, cpu.Values(inputs_, targets), 1e-12));
  EXPECT_TRUE(AllClose(gpu.Gradients(inputs_, targets), cpu.Gradients(inputs_, targets), 1e-12));
  EXPECT_EQ(gpu.queries(), 100);
  // A whole explanation: the same numbers on either device.
  const PointBatch points = MakePointBatch(inputs_.slice(0, 0, 5), 3);
  for (const char* method : {"kernelshap", "smoothgrad", "integrated_gradients"}) {
    const auto explainer = MakeExplainer(method, {.samples = 64});
    EXPECT_TRUE(AllClose(explainer->Explain(gpu, points, Targets(0, 5)).attributions,
                         explainer->Explain(cpu, points, Targets(0, 5)).attributions, 1e-10))
        << method;
  }
}

// ---- Layer queries -------------------------------------------------------------------------

// f(x) = W (x * x) + b on [4] inputs, 3 outputs; layers "square" (x * x) and "linear" (the
// outputs). With `copy_activation` it returns a detached copy of the square, which the outputs do
// not depend on. Counts its calls, and runs out of memory above `most_rows` rows when asked to.
class SquareThenLinear : public LayeredModel {
 public:
  explicit SquareThenLinear(bool copy_activation = false) : copy_activation_(copy_activation) {}
  std::vector<std::string> layer_names() const override { return {"square", "linear"}; }
  std::pair<torch::Tensor, torch::Tensor> ForwardWithActivation(const torch::Tensor& x,
                                                                const std::string& layer) override {
    const size_t index = FindLayer(layer_names(), layer, description());
    ++calls;
    if (most_rows > 0 && x.size(0) > most_rows) {
      std::string message = "simulated: CUDA out of memory on ";
      message += std::to_string(x.size(0));
      message += " rows";
      throw std::runtime_error(message);
    }
    const torch::Tensor square = x * x;
    const torch::Tensor out = square.matmul(w.t().to(x.device())) + b.to(x.device());
    if (index == 1) return {out, out};
    return {out, copy_activation_ ? square.detach().clone() : square};
  }
  torch::Tensor Forward(const torch::Tensor& x) override {
    return ForwardWithActivation(x, "linear").first;
  }
  std::vector<int64_t> input_shape() const override { return {4}; }
  torch::Dtype dtype() const override { return torch::kDouble; }
  std::string description() const override { return "square then linear"; }

  const torch::Tensor w = RandomNormal({3, 4}, 21);
  const torch::Tensor b = RandomNormal({3}, 22);
  int64_t calls = 0;
  int64_t most_rows = 0;  // > 0: calls with more rows throw an out-of-memory error

 private:
  bool copy_activation_;
};

TEST(OracleLayers, LayerQueriesAreExactBatchedAndCounted) {
  auto model = std::make_shared<SquareThenLinear>();
  const torch::Tensor x = RandomNormal({23, 4}, 23);
  const torch::Tensor targets = torch::tensor(
      {0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1}, torch::kLong);
  Oracle large(model);
  EXPECT_TRUE(large.has_layers());
  EXPECT_EQ(large.LayerNames(), (std::vector<std::string>{"square", "linear"}));
  EXPECT_EQ(large.LayerShape({4}, "square"), (std::vector<int64_t>{4}));
  EXPECT_EQ(large.LayerShape({4}, "linear"), (std::vector<int64_t>{3}));
  EXPECT_EQ(large.queries(), 0) << "shape probes are not queries";
  const LayerGradients whole = large.GradientsAtLayer(x, targets, "square");
  EXPECT_TRUE(AllClose(whole.scores, large.Values(x, targets), 1e-14));
  EXPECT_TRUE(AllClose(whole.activations, x * x, 0.0));
  EXPECT_TRUE(AllClose(whole.gradients, model->w.index_select(0, targets), 0.0));
  const LayerGradients last = large.GradientsAtLayer(x, targets, "linear");
  EXPECT_TRUE(AllClose(last.gradients, torch::one_hot(targets, 3).to(torch::kDouble), 0.0));
  EXPECT_EQ(large.gradient_queries(), 2 * 23);
  EXPECT_EQ(large.value_queries(), 23);

  // Five rows per call: ceil(23 / 5) = 5 calls, the same numbers.
  Oracle small(model, {.max_batch_rows = 5});
  small.LayerShape({4}, "square");  // probe first, so that `calls` counts the queries only
  model->calls = 0;
  const LayerGradients batched = small.GradientsAtLayer(x, targets, "square");
  EXPECT_EQ(model->calls, 5);
  EXPECT_EQ(small.gradient_queries(), 23);
  EXPECT_TRUE(AllClose(batched.scores, whole.scores, 0.0));
  EXPECT_TRUE(AllClose(batched.activations, whole.activations, 0.0));
  EXPECT_TRUE(AllClose(batched.gradients, whole.gradients, 0.0));
  // The byte budget counts a row's input and activation: (4 + 4) float64 = 64 bytes at "square",
  // (4 + 3) = 56 at "linear".
  Oracle bytes(model, {.max_batch_bytes = 640});
  EXPECT_EQ(bytes.LayerBatchRows({4}, "square"), 10);
  EXPECT_EQ(bytes.LayerBatchRows({4}, "linear"), 11);
  EXPECT_TRUE(
      AllClose(bytes.GradientsAtLayer(x, targets, "square").gradients, whole.gradients, 0.0));
}

TEST(OracleLayers, OutOfMemoryHalvesTheBatchAndRetriesTheSameRows) {
  auto model = std::make_shared<SquareThenLinear>();
  const torch::Tensor x = RandomNormal({23, 4}, 26);
  const torch::Tensor targets = Targets(2, 23);
  Oracle roomy(model);
  const LayerGradients expected = roomy.GradientsAtLayer(x, targets, "square");
  model->most_rows = 4;  // 23 rows fail, then 12, 6; batches of 3 fit
  Oracle tight(model, {.max_batch_rows = 100});
  const LayerGradients halved = tight.GradientsAtLayer(x, targets, "square");
  EXPECT_TRUE(AllClose(halved.scores, expected.scores, 0.0));
  EXPECT_TRUE(AllClose(halved.activations, expected.activations, 0.0));
  EXPECT_TRUE(AllClose(halved.gradients, expected.gradients, 0.0));
  EXPECT_EQ(tight.gradient_queries(), 23) << "failed attempts are not queries";
}

TEST(OracleLayers, LayerQueryErrorsNameTheProblem) {
  const auto message = [](const std::function<void()>& query) {
    try {
      query();
    } catch (const InvalidInput& e) {
      return std::string(e.what());
    }
    return std::string("no InvalidInput");
  };
  const torch::Tensor x = RandomNormal({6, 4}, 24);
  Oracle oracle(std::make_shared<SquareThenLinear>());
  EXPECT_THAT(message([&] { oracle.GradientsAtLayer(x, Targets(0, 6), "conv9"); }),
              ::testing::AllOf(::testing::HasSubstr("'conv9'"),
                               ::testing::HasSubstr("square, linear")));
  EXPECT_THAT(message([&] { oracle.GradientsAtLayer(x, Targets(3, 6), "square"); }),
              ::testing::HasSubstr("target 3 outside [0, 3)"));
  Oracle copied(std::make_shared<SquareThenLinear>(/*copy_activation=*/true));
  EXPECT_THAT(message([&] { copied.GradientsAtLayer(x, Targets(0, 6), "square"); }),
              ::testing::HasSubstr("do not depend on the activation of layer 'square'"));
  Oracle plain(test::SineProduct{{0.7, -1.3, 2.0, 0.5}}.Model());
  EXPECT_FALSE(plain.has_layers());
  for (const auto& query : std::vector<std::function<void()>>{
           [&] { plain.LayerNames(); }, [&] { plain.LayerShape({4}, "square"); },
           [&] { plain.GradientsAtLayer(x, Targets(0, 6), "square"); }})
    EXPECT_THAT(message(query), ::testing::HasSubstr("has no named layers"));
  EXPECT_EQ(oracle.queries() + copied.queries() + plain.queries(), 0);
}

TEST(OracleLayers, CudaGivesTheCpuNumbers) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device visible to this LibTorch";
  auto model = std::make_shared<SquareThenLinear>();
  const torch::Tensor x = RandomNormal({9, 4}, 25);
  const torch::Tensor targets = Targets(1, 9);
  const LayerGradients cpu = Oracle(model).GradientsAtLayer(x, targets, "square");
  Oracle gpu(model, {.device = "cuda", .max_batch_rows = 4});
  const LayerGradients on_gpu = gpu.GradientsAtLayer(x, targets, "square");
  EXPECT_EQ(on_gpu.gradients.device(), torch::Device(torch::kCPU));
  EXPECT_TRUE(AllClose(on_gpu.scores, cpu.scores, 1e-12));
  EXPECT_TRUE(AllClose(on_gpu.activations, cpu.activations, 1e-12));
  EXPECT_TRUE(AllClose(on_gpu.gradients, cpu.gradients, 1e-12));
  EXPECT_EQ(gpu.gradient_queries(), 9);
}

TEST(ExpandTargets, BroadcastsScalarsAndChecksLengths) {
  EXPECT_TRUE(torch::equal(ExpandTargets(torch::tensor(2, torch::kLong), 4),
                           torch::full({4}, 2, torch::kLong)));
  const torch::Tensor per_row = torch::tensor({0, 1, 2}, torch::kLong);
  EXPECT_TRUE(torch::equal(ExpandTargets(per_row, 3), per_row));
  EXPECT_TRUE(torch::equal(ExpandTargets(torch::tensor({1.0, 0.0}), 2),
                           torch::tensor({1, 0}, torch::kLong)));
  EXPECT_ANY_THROW(ExpandTargets(per_row, 4));
  EXPECT_TRUE(torch::equal(Targets(3, 2), torch::tensor({3, 3}, torch::kLong)));
}

// f_k(x) = W[:, k] . x for three outputs: targets pick columns of W.
class MultiOutput : public ::testing::Test {
 protected:
  MultiOutput()
      : oracle_(std::make_shared<AnalyticModel>(
            std::vector<int64_t>{4}, [w = w_](const torch::Tensor& x) { return x.matmul(w); },
            "three linear outputs")) {}
  const torch::Tensor w_ = RandomNormal({4, 3}, 7);
  const torch::Tensor x_ = RandomNormal({6, 4}, 8);
  Oracle oracle_;
};

TEST_F(MultiOutput, TargetsSelectTheOutputColumn) {
  EXPECT_EQ(oracle_.NumOutputs({4}), 3);
  const torch::Tensor targets = torch::tensor({0, 2, 1, 1, 0, 2}, torch::kLong);
  const torch::Tensor all = x_.matmul(w_);
  EXPECT_TRUE(AllClose(oracle_.Outputs(x_), all, 1e-14));
  EXPECT_TRUE(
      AllClose(oracle_.Values(x_, targets), all.gather(1, targets.unsqueeze(1)).squeeze(1), 1e-14));
  EXPECT_TRUE(AllClose(oracle_.Gradients(x_, targets), w_.t().index_select(0, targets), 1e-14));
  EXPECT_TRUE(
      AllClose(oracle_.Values(x_, torch::tensor(2, torch::kLong)), all.select(1, 2), 1e-14));
  EXPECT_ANY_THROW(oracle_.Values(x_, Targets(3, 6)));
  EXPECT_ANY_THROW(oracle_.Gradients(x_, Targets(-1, 6)));
}

TEST_F(MultiOutput, ExplanationsFollowTheTargetOfEachPoint) {
  const torch::Tensor targets = torch::tensor({2, 0, 1, 2, 1, 0}, torch::kLong);
  const torch::Tensor rows = w_.t().index_select(0, targets);  // the explained output's weights
  const PointBatch points = MakePointBatch(x_, 3);
  for (const char* method : {"gradient", "smoothgrad", "clime"})
    EXPECT_TRUE(AllClose(
        MakeExplainer(method, {.samples = 50})->Explain(oracle_, points, targets).attributions,
        rows, 1e-9))
        << method;
  for (const char* method : {"occlusion", "integrated_gradients", "kernelshap"})
    EXPECT_TRUE(AllClose(
        MakeExplainer(method, {.samples = 50})->Explain(oracle_, points, targets).attributions,
        rows * x_, 1e-9))
        << method;
  EXPECT_TRUE(AllClose(MakeExplainer("gradient", {}, Implementation::kClassic)
                           ->Explain(oracle_, points, Targets(1, 6))
                           .attributions,
                       w_.select(1, 1).unsqueeze(0).expand({6, 4}), 1e-14));
}

TEST(ModelOutputs, AVectorOutputIsOneColumn) {
  auto model = std::make_shared<AnalyticModel>(
      std::vector<int64_t>{2}, [](const torch::Tensor& x) { return x.sum(1); }, "sum");
  Oracle oracle(model);
  const torch::Tensor x = RandomNormal({4, 2}, 1);
  EXPECT_EQ(oracle.NumOutputs({2}), 1);
  EXPECT_TRUE(AllClose(oracle.Values(x, Targets(0, 4)), x.sum(1), 1e-15));
  EXPECT_TRUE(
      AllClose(oracle.Gradients(x, Targets(0, 4)), torch::ones({4, 2}, torch::kDouble), 1e-15));
}

}  // namespace
}  // namespace lfa
