// The Oracle's guards against silent nonsense: inputs that overflow the model's type, outputs that
// are NaN or inf, gradient queries of integer models, out-of-memory on the CPU (halved, said once,
// an error naming the device when one row does not fit), Ctrl-C at the next batch; and the bound
// that --batch-size keeps on explanations (docs/models_and_oracle.md: relative 1e-6).

#include <cmath>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <torch/types.h>

#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/interrupt.h"
#include "framework/oracle.h"
#include "models/analytic_model.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using test::RandomNormal;

// The message of the InvalidInput that `query` throws ("" when it throws none).
template <typename Query>
std::string InvalidInputMessage(Query query) {
  try {
    query();
  } catch (const InvalidInput& error) {
    return error.what();
  }
  return "";
}

std::shared_ptr<Model> SumModel(torch::Dtype dtype) {
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{3}, [](const torch::Tensor& x) { return x.sum(1, true); }, "sum", dtype);
}

TEST(OracleGuards, InputsThatOverflowTheModelsTypeAreRefusedWithTheirRow) {
  Oracle oracle(SumModel(torch::kFloat32));
  torch::Tensor x = torch::zeros({5, 3}, torch::kDouble);
  x[3][1] = 1e39;  // finite as a double, inf as float32
  const std::string message = InvalidInputMessage([&] { oracle.Values(x, Targets(0, 5)); });
  EXPECT_THAT(message, HasSubstr("row 3"));
  EXPECT_THAT(message, HasSubstr("float32"));
  // The same value is fine for a float64 model.
  Oracle wide(SumModel(torch::kFloat64));
  EXPECT_EQ(wide.Values(x, Targets(0, 5))[3].item<double>(), 1e39);
}

TEST(OracleGuards, NonFiniteModelOutputsAreRefusedWithTheirRow) {
  auto model = std::make_shared<AnalyticModel>(
      std::vector<int64_t>{2}, [](const torch::Tensor& x) { return x.log().sum(1, true); }, "log");
  Oracle oracle(model);
  const torch::Tensor x = torch::tensor({{1.0, 2.0}, {3.0, 4.0}, {-1.0, 1.0}}, torch::kDouble);
  for (const std::string& message :
       {InvalidInputMessage([&] { oracle.Values(x, Targets(0, 3)); }),
        InvalidInputMessage([&] { oracle.Gradients(x, Targets(0, 3)); }),
        InvalidInputMessage([&] { oracle.Outputs(x); })}) {
    EXPECT_THAT(message, HasSubstr("model 'log' returned a non-finite output"));
    EXPECT_THAT(message, HasSubstr("input row 2"));
  }
  EXPECT_EQ(oracle.queries(), 0) << "a refused batch is not counted";
}

// The check starts with one sum (a finite sum has finite terms): finite values whose float32 sum
// overflows must still pass (the exact row search decides), and +inf with -inf (a NaN sum) must not.
TEST(OracleGuards, FiniteValuesWhoseSumOverflowsAreAcceptedAndOppositeInfinitiesRefused) {
  Oracle oracle(SumModel(torch::kFloat32));
  torch::Tensor x = torch::zeros({4, 3}, torch::kDouble);
  x.select(1, 0).fill_(3e38);  // finite in float32, as is each row's sum; the sum of all is not
  EXPECT_EQ(oracle.Values(x, Targets(0, 4)).size(0), 4);
  torch::Tensor y = torch::zeros({4, 3}, torch::kDouble);
  y[1][0] = std::numeric_limits<double>::infinity();
  y[2][2] = -std::numeric_limits<double>::infinity();
  EXPECT_THAT(InvalidInputMessage([&] { oracle.Values(y, Targets(0, 4)); }), HasSubstr("row 1"));
}

TEST(OracleGuards, GradientsOfIntegerOutputsAreRefusedNotZero) {
  auto model = std::make_shared<AnalyticModel>(
      std::vector<int64_t>{3},
      [](const torch::Tensor& x) { return (x.sum(1, true) > 0).to(torch::kLong); }, "step");
  Oracle oracle(model);
  const torch::Tensor x = RandomNormal({4, 3}, 1);
  // Values of an integer model are fine: a classifier's label is a value.
  EXPECT_EQ(oracle.Values(x, Targets(0, 4)).sizes(), (std::vector<int64_t>{4}));
  EXPECT_THAT(InvalidInputMessage([&] { oracle.Gradients(x, Targets(0, 4)); }),
              HasSubstr("returns int64 outputs: gradient explainers need floating-point outputs"));
  EXPECT_THAT(InvalidInputMessage([&] {
                MakeExplainer("gradient")->Explain(oracle, MakePointBatch(x, 0), Targets(0, 4));
              }),
              HasSubstr("need floating-point outputs"));
}

// f(x) = sum x that runs out of CPU memory (LibTorch's allocator message) above `most_rows` rows.
class HungryModel : public Model {
 public:
  explicit HungryModel(int64_t most_rows, bool bad_alloc = false)
      : most_rows_(most_rows), bad_alloc_(bad_alloc) {}
  torch::Tensor Forward(const torch::Tensor& x) override {
    ++calls;
    if (x.size(0) > most_rows_) {
      if (bad_alloc_) throw std::bad_alloc();
      throw c10::Error("DefaultCPUAllocator: can't allocate memory: you tried to allocate "
                       "1099511627776 bytes. Error code 12 (Cannot allocate memory)", "");
    }
    return x.sum(1, true);
  }
  std::vector<int64_t> input_shape() const override { return {2}; }
  torch::Dtype dtype() const override { return torch::kDouble; }
  std::string description() const override { return "hungry"; }
  int64_t calls = 0;

 private:
  int64_t most_rows_;
  bool bad_alloc_;
};

TEST(OracleGuards, CpuOutOfMemoryHalvesTheBatchAndSaysSoOnce) {
  const torch::Tensor x = RandomNormal({40, 2}, 2);
  for (const bool bad_alloc : {false, true}) {
    auto model = std::make_shared<HungryModel>(6, bad_alloc);
    Oracle oracle(model, {.max_batch_rows = 40});
    ::testing::internal::CaptureStderr();
    const torch::Tensor values = oracle.Values(x, Targets(0, 40));
    oracle.Values(x, Targets(0, 40));  // halves again, silently
    const std::string said = ::testing::internal::GetCapturedStderr();
    EXPECT_TRUE(test::AllClose(values, x.sum(1), 0.0));
    EXPECT_EQ(oracle.value_queries(), 80) << "failed attempts are not queries";
    // 40 -> 20 -> 10 -> 5 rows: one line, naming the batch sizes and the flag.
    EXPECT_EQ(std::count(said.begin(), said.end(), '\n'), 1) << said;
    EXPECT_THAT(said, HasSubstr("out of memory on cpu with a batch of 40 rows"));
    EXPECT_THAT(said, HasSubstr("--batch-size"));
  }
}

TEST(OracleGuards, OutOfMemoryOnOneRowIsAnErrorNamingTheDevice) {
  Oracle oracle(std::make_shared<HungryModel>(0), {.max_batch_rows = 4});
  ::testing::internal::CaptureStderr();
  try {
    oracle.Values(RandomNormal({4, 2}, 3), Targets(0, 4));
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("out of memory on cpu with a batch of 1 row"));
    EXPECT_THAT(error.what(), HasSubstr("can't allocate memory"));
  }
  ::testing::internal::GetCapturedStderr();
}

TEST(OracleGuards, AnInterruptEndsTheQueryAtTheNextBatch) {
  auto model = std::make_shared<HungryModel>(1000);
  Oracle oracle(model, {.max_batch_rows = 5});
  RequestInterrupt(SIGINT);
  try {
    oracle.Values(RandomNormal({20, 2}, 4), Targets(0, 20));
    ADD_FAILURE() << "no exception";
  } catch (const Interrupted& interrupted) {
    EXPECT_EQ(interrupted.signal(), SIGINT);
    EXPECT_EQ(interrupted.exit_code(), 130);
    EXPECT_STREQ(interrupted.what(), "interrupted by SIGINT");
  }
  RequestInterrupt(0);
  EXPECT_EQ(model->calls, 0);
  EXPECT_NO_THROW(oracle.Values(RandomNormal({20, 2}, 4), Targets(0, 20)));
}

// A float32 MLP: the model's rounding depends on how many rows a matrix product sees.
std::shared_ptr<Model> Float32Mlp() {
  const torch::Tensor w1 = RandomNormal({16, 8}, 5).to(torch::kFloat32);
  const torch::Tensor w2 = RandomNormal({1, 16}, 6).to(torch::kFloat32);
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{8},
      [w1, w2](const torch::Tensor& x) {
        return torch::tanh(x.matmul(w1.t())).matmul(w2.t());
      },
      "float32 mlp", torch::kFloat32);
}

// docs/models_and_oracle.md: explanations at any --batch-size agree within relative 1e-6 of the
// largest attribution (float32 models round differently in differently shaped matrix products).
TEST(OracleGuards, BatchSizeChangesExplanationsByLessThanTheDocumentedBound) {
  const std::shared_ptr<Model> model = Float32Mlp();
  const PointBatch points = MakePointBatch(RandomNormal({6, 8}, 7), 3);
  for (const std::string method : {"lime", "kernelshap", "smoothgrad", "integrated_gradients"}) {
    std::vector<torch::Tensor> explanations;
    for (const int64_t batch : {7, 100, 100000}) {
      Oracle oracle(model, {.max_batch_rows = batch});
      explanations.push_back(MakeExplainer(method, RecipeOptions{.samples = 500})
                                 ->Explain(oracle, points, Targets(0, 6))
                                 .attributions);
    }
    const double scale = test::MaxAbs(explanations[0]);
    for (size_t i = 1; i < explanations.size(); ++i)
      EXPECT_TRUE(test::AllClose(explanations[i], explanations[0], 1e-6 * scale)) << method;
  }
}

}  // namespace
}  // namespace lfa
