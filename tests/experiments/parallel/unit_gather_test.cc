// The unit gather: doubles travel bit for bit, rank 0 gets every rank's units in rank order (for
// every K, equal to the list one process computes), the other ranks send theirs and get nothing,
// and a garbled buffer is an error. Lists written by ByteWriter::List read back as they were.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "experiments/parallel/shard.h"
#include "experiments/parallel/tensor_bytes.h"
#include "experiments/parallel/unit_gather.h"
#include "tests/experiments/parallel/scripted_communicator.h"

namespace lfa {
namespace {

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

TEST(TensorBytesTest, DoublesRoundTripBitForBit) {
  const std::vector<double> values = {0.1,
                                      -0.0,
                                      std::nextafter(1.0, 2.0),
                                      std::numeric_limits<double>::denorm_min(),
                                      std::numeric_limits<double>::infinity(),
                                      -std::numeric_limits<double>::quiet_NaN()};
  ByteWriter out;
  for (const double value : values) out.Double(value);
  EXPECT_EQ(out.bytes().size(), values.size() * sizeof(double));
  ByteReader in(out.bytes());
  for (const double value : values) EXPECT_TRUE(SameBits(in.Double(), value)) << value;
  EXPECT_TRUE(in.done());
  EXPECT_THROW(in.Double(), std::runtime_error);
}

TEST(TensorBytesTest, ListsRoundTripAndAGarbledLengthIsRefused) {
  const std::vector<std::vector<std::string>> lists = {{"a", ""}, {}, {"bc"}};
  ByteWriter out;
  out.List(lists, [&](const std::vector<std::string>& list) {
    out.List(list, [&](const std::string& text) { out.Text(text); });
  });
  ByteReader in(out.bytes());
  EXPECT_EQ(in.List<std::vector<std::string>>([&] {
    return in.List<std::string>([&] { return in.Text(); });
  }), lists);
  EXPECT_TRUE(in.done());

  for (const int64_t length : {int64_t{-1}, int64_t{9}}) {  // 9: more items than bytes left
    ByteWriter garbled;
    garbled.Integer(length);
    garbled.Integer(0);  // 8 bytes after the length
    ByteReader back(garbled.bytes());
    EXPECT_THROW(back.Count(), std::runtime_error) << length;
  }
  ByteWriter eight;
  eight.Integer(8);
  eight.Integer(0);
  ByteReader back(eight.bytes());
  EXPECT_EQ(back.Count(), 8);  // as many items as bytes left: possible, so accepted
}

// A unit's result: a function of its global index only, as a sharded study's must be.
struct Cell {
  int64_t index = 0;
  std::string name;
  double value = 0.0;
};

Cell ComputeCell(int64_t index) {
  std::string name = "cell ";
  name += std::to_string(index);
  return {index, name, std::sqrt(static_cast<double>(index)) / 3.0};
}

void EncodeCell(ByteWriter& out, const Cell& cell) {
  out.Integer(cell.index);
  out.Text(cell.name);
  out.Double(cell.value);
}

Cell DecodeCell(ByteReader& in) {
  Cell cell;
  cell.index = in.Integer();
  cell.name = in.Text();
  cell.value = in.Double();
  return cell;
}

std::vector<Cell> ShardOf(int64_t units, int rank, int size) {
  const Shard mine = BlockShard(units, rank, size);
  std::vector<Cell> cells;
  for (int64_t u = mine.begin; u < mine.end; ++u) cells.push_back(ComputeCell(u));
  return cells;
}

// For every job size (more ranks than units included), rank 0's gather of the ranks' shards is
// the list one process computes: the same units, in the same order, with the same bits.
TEST(UnitGatherTest, RankZeroGetsEveryUnitInOrderForEveryJobSize) {
  const int64_t units = 8;
  const std::vector<Cell> one_process = ShardOf(units, 0, 1);
  for (int size = 1; size <= 10; ++size) {
    std::vector<std::string> others;
    for (int rank = 1; rank < size; ++rank)
      others.push_back(EncodeUnits(ShardOf(units, rank, size), EncodeCell));
    test::ScriptedCommunicator world(0, size, others);
    const std::vector<Cell> all =
        GatherUnits(world, ShardOf(units, 0, size), EncodeCell, DecodeCell);
    ASSERT_EQ(all.size(), one_process.size()) << size << " ranks";
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].index, one_process[i].index) << size << " ranks";
      EXPECT_EQ(all[i].name, one_process[i].name);
      EXPECT_TRUE(SameBits(all[i].value, one_process[i].value));
    }
  }
}

TEST(UnitGatherTest, OtherRanksSendTheirUnitsAndGetNothing) {
  const std::vector<Cell> mine = ShardOf(8, 1, 3);
  test::ScriptedCommunicator world(1, 3, {});
  EXPECT_TRUE(GatherUnits(world, mine, EncodeCell, DecodeCell).empty());
  ASSERT_EQ(world.gathered().size(), 1u);
  EXPECT_EQ(world.gathered()[0], EncodeUnits(mine, EncodeCell));
}

TEST(UnitGatherTest, AGarbledBufferIsAnError) {
  const std::string good = EncodeUnits(ShardOf(8, 1, 2), EncodeCell);
  std::vector<Cell> cells;
  DecodeUnits(good, DecodeCell, &cells);
  EXPECT_EQ(cells.size(), 4u);
  for (const std::string& bad : {good + "x", good.substr(0, good.size() - 1), std::string("")}) {
    std::vector<Cell> ignored;
    EXPECT_THROW(DecodeUnits(bad, DecodeCell, &ignored), std::runtime_error);
  }
  test::ScriptedCommunicator world(0, 2, {good + "x"});
  EXPECT_THROW(GatherUnits(world, ShardOf(8, 0, 2), EncodeCell, DecodeCell), std::runtime_error);
}

}  // namespace
}  // namespace lfa
