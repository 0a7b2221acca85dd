// Tensor bytes and the explanation gather: tensors of every dtype come back bit for bit, a short
// buffer is an error, and rank 0 stacks the ranks' explanations in rank order, summing the query
// counts and leaving out ranks that explained nothing.

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "experiments/parallel/explanation_gather.h"
#include "experiments/parallel/tensor_bytes.h"
#include "tests/experiments/parallel/scripted_communicator.h"

namespace lfa {
namespace {

// Bitwise equality (NaN == NaN with the same payload), dtype and shape included.
bool SameBits(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.defined() != b.defined()) return false;
  if (!a.defined()) return true;
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const torch::Tensor x = a.contiguous(), y = b.contiguous();
  return std::memcmp(x.data_ptr(), y.data_ptr(), x.numel() * x.element_size()) == 0;
}

Explanation Part(int64_t rows, double offset, int64_t queries) {
  Explanation e;
  e.method = "kernelshap";
  e.input_shape = {3};
  e.attributions = torch::arange(rows * 3, torch::kDouble).reshape({rows, 3}) / 7.0 + offset;
  e.intercepts = torch::full({rows}, offset + 0.1, torch::kDouble);
  e.loss = torch::full({rows}, std::numeric_limits<double>::quiet_NaN(), torch::kDouble);
  e.r2 = torch::full({rows}, 1.0 / 3.0, torch::kDouble);
  e.ridge = torch::zeros({rows}, torch::kDouble);
  e.model_queries = queries;
  return e;
}

TEST(TensorBytesTest, RoundTripsEveryFieldBitForBit) {
  const torch::Tensor doubles = torch::randn({4, 5}, torch::kDouble) / 3.0;
  const torch::Tensor floats = torch::randn({2, 1, 3}).transpose(0, 2);  // not contiguous
  const torch::Tensor longs = torch::arange(-5, 5, torch::kLong);
  const torch::Tensor scalar = torch::tensor(std::nextafter(1.0, 2.0), torch::kDouble);
  ByteWriter out;
  out.Integer(-42);
  out.Text("a, \"text\"\nwith lines");
  for (const torch::Tensor& t : {doubles, floats, longs, scalar, torch::Tensor()}) out.Tensor(t);
  ByteReader in(out.bytes());
  EXPECT_EQ(in.Integer(), -42);
  EXPECT_EQ(in.Text(), "a, \"text\"\nwith lines");
  EXPECT_TRUE(SameBits(in.Tensor(), doubles));
  EXPECT_TRUE(SameBits(in.Tensor(), floats));
  EXPECT_TRUE(SameBits(in.Tensor(), longs));
  EXPECT_TRUE(SameBits(in.Tensor(), scalar));
  EXPECT_FALSE(in.Tensor().defined());
  EXPECT_TRUE(in.done());
}

TEST(TensorBytesTest, AShortBufferIsAnError) {
  ByteWriter out;
  out.Tensor(torch::ones({10}, torch::kDouble));
  const std::string cut = out.bytes().substr(0, out.bytes().size() - 1);
  ByteReader in(cut);
  EXPECT_THROW(in.Tensor(), std::runtime_error);
}

TEST(ExplanationGatherTest, EncodingRoundTripsBitForBit) {
  const Explanation e = Part(5, 0.25, 1234);
  const Explanation back = DecodeExplanation(EncodeExplanation(e));
  EXPECT_EQ(back.method, e.method);
  EXPECT_EQ(back.input_shape, e.input_shape);
  EXPECT_EQ(back.model_queries, 1234);
  EXPECT_TRUE(SameBits(back.attributions, e.attributions));
  EXPECT_TRUE(SameBits(back.intercepts, e.intercepts));
  EXPECT_TRUE(SameBits(back.loss, e.loss));
  EXPECT_TRUE(SameBits(back.r2, e.r2));
  EXPECT_TRUE(SameBits(back.ridge, e.ridge));
  EXPECT_THROW(DecodeExplanation(EncodeExplanation(e) + "x"), std::runtime_error);
}

TEST(ExplanationGatherTest, RankZeroStacksThePartsInRankOrder) {
  const Explanation mine = Part(4, 0.0, 400), second = Part(3, 10.0, 300);
  Explanation nothing;  // a rank whose shard was empty
  nothing.method = "kernelshap";
  test::ScriptedCommunicator world(0, 3, {EncodeExplanation(second), EncodeExplanation(nothing)});
  const Explanation all = GatherExplanation(world, mine);
  const Explanation expected = Explanation::Concatenate({mine, second});
  EXPECT_EQ(all.attributions.size(0), 7);
  EXPECT_TRUE(SameBits(all.attributions, expected.attributions));
  EXPECT_TRUE(SameBits(all.intercepts, expected.intercepts));
  EXPECT_TRUE(SameBits(all.loss, expected.loss));
  EXPECT_EQ(all.model_queries, 700);
}

TEST(ExplanationGatherTest, OtherRanksSendTheirPartAndKeepIt) {
  const Explanation mine = Part(2, 5.0, 200);
  test::ScriptedCommunicator world(1, 2, {});
  const Explanation back = GatherExplanation(world, mine);
  ASSERT_EQ(world.gathered().size(), 1u);
  EXPECT_EQ(world.gathered()[0], EncodeExplanation(mine));
  EXPECT_TRUE(SameBits(back.attributions, mine.attributions));
}

}  // namespace
}  // namespace lfa
