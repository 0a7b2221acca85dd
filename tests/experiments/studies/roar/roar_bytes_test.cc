// The bytes of `mpirun -n K lfa study roar`: a finished unit (RoarRun) and rank 0's plan (the
// units left, the rankings they need) come back field by field, every number bit for bit (so the
// journal rank 0 appends holds the computing rank's accuracies), and a cut buffer is an error.

#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "experiments/parallel/tensor_bytes.h"
#include "experiments/studies/roar/roar_bytes.h"
#include "experiments/studies/roar/roar_journal.h"

namespace lfa {
namespace {

bool RoarSameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

TEST(RoarBytesTest, AFinishedUnitComesBackBitForBit) {
  const RoarRun run{.key = "3f2a0011deadbeef",
                    .cell = {.mode = "kar", .method = "smoothgrad", .fraction = 0.1 + 0.2, .removal = "road"},
                    .retrain = 3,
                    .seed = std::numeric_limits<uint64_t>::max(),
                    .accuracy = 0.1 + 0.7,
                    .seconds = -0.0};
  ByteWriter out;
  EncodeRoarRun(out, run);
  ByteReader in(out.bytes());
  const RoarRun back = DecodeRoarRun(in);
  EXPECT_TRUE(in.done());
  EXPECT_EQ(back.key, run.key);
  EXPECT_EQ(back.cell.mode, "kar");
  EXPECT_EQ(back.cell.method, "smoothgrad");
  EXPECT_EQ(back.cell.removal, "road");
  EXPECT_TRUE(RoarSameBits(back.cell.fraction, run.cell.fraction));
  EXPECT_EQ(back.retrain, 3);
  EXPECT_EQ(back.seed, std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(RoarSameBits(back.accuracy, run.accuracy));
  EXPECT_TRUE(RoarSameBits(back.seconds, -0.0));
}

TEST(RoarBytesTest, ThePlanComesBackWithItsRankings) {
  RoarPlan plan;
  plan.units = {0, 4, 5, 17};
  plan.orders["gradient"] = torch::arange(12, torch::kShort).reshape({3, 4});
  plan.orders["random"] = torch::arange(12, torch::kShort).flip(0).reshape({3, 4});
  ByteWriter out;
  EncodeRoarPlan(out, plan);
  ByteReader in(out.bytes());
  const RoarPlan back = DecodeRoarPlan(in);
  EXPECT_TRUE(in.done());
  EXPECT_EQ(back.units, plan.units);
  ASSERT_EQ(back.orders.size(), 2u);
  for (const auto& [method, order] : plan.orders) {
    ASSERT_TRUE(back.orders.count(method)) << method;
    EXPECT_EQ(back.orders.at(method).scalar_type(), torch::kShort);
    EXPECT_TRUE(torch::equal(back.orders.at(method), order)) << method;
  }
}

TEST(RoarBytesTest, ACutBufferIsAnError) {
  ByteWriter out;
  EncodeRoarRun(out, RoarRun{.key = "k", .cell = {}, .retrain = 0, .seed = 1, .accuracy = 0.5, .seconds = 1});
  const std::string cut = out.bytes().substr(0, out.bytes().size() - 3);
  ByteReader in(cut);
  EXPECT_THROW(DecodeRoarRun(in), std::runtime_error);
}

}  // namespace
}  // namespace lfa
