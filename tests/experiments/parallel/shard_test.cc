// BlockShard: contiguous blocks in rank order that cover every unit once, sizes differing by at
// most one unit (granule counts by at most one), boundaries on granule multiples, and errors naming the value.

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/parallel/shard.h"
#include "framework/errors.h"

namespace lfa {
namespace {

TEST(BlockShardTest, TenUnitsOverThreeRanksAsDocumented) {
  EXPECT_EQ(BlockShard(10, 0, 3).begin, 0);
  EXPECT_EQ(BlockShard(10, 0, 3).end, 4);
  EXPECT_EQ(BlockShard(10, 1, 3).begin, 4);
  EXPECT_EQ(BlockShard(10, 1, 3).end, 7);
  EXPECT_EQ(BlockShard(10, 2, 3).begin, 7);
  EXPECT_EQ(BlockShard(10, 2, 3).end, 10);
}

TEST(BlockShardTest, StepsOfPointsAsDocumented) {
  const Shard a = BlockShard(1000, 0, 3, 256), b = BlockShard(1000, 1, 3, 256),
              c = BlockShard(1000, 2, 3, 256);
  EXPECT_EQ(a.begin, 0);
  EXPECT_EQ(a.end, 512);
  EXPECT_EQ(b.begin, 512);
  EXPECT_EQ(b.end, 768);
  EXPECT_EQ(c.begin, 768);
  EXPECT_EQ(c.end, 1000);
}

TEST(BlockShardTest, BlocksTileTheUnitsInRankOrder) {
  for (const int64_t granule : {1, 3, 256}) {
    for (const int64_t count : {0, 1, 2, 5, 255, 256, 257, 1000, 4099}) {
      for (int size = 1; size <= 9; ++size) {
        int64_t next = 0, smallest = count, largest = 0;
        for (int rank = 0; rank < size; ++rank) {
          const Shard shard = BlockShard(count, rank, size, granule);
          ASSERT_EQ(shard.begin, next) << count << " units, rank " << rank << " of " << size;
          ASSERT_LE(shard.begin, shard.end);
          if (shard.end < count) {
            ASSERT_EQ(shard.end % granule, 0);
          }
          next = shard.end;
          smallest = std::min(smallest, shard.size());
          largest = std::max(largest, shard.size());
        }
        EXPECT_EQ(next, count) << count << " units over " << size << " ranks";
        // Granule counts differ by at most one; the last granule may be short.
        EXPECT_LE(largest - smallest, granule == 1 ? 1 : 2 * granule - 1)
            << count << " units over " << size << " ranks";
        // Rank 0 explains something whenever there is something (explanation_gather.h).
        if (count > 0) {
          EXPECT_GT(BlockShard(count, 0, size, granule).size(), 0);
        }
      }
    }
  }
}

TEST(BlockShardTest, RejectsImpossibleJobs) {
  using ::testing::HasSubstr;
  EXPECT_THAT([] { BlockShard(-1, 0, 1); },
              ::testing::ThrowsMessage<InvalidInput>(HasSubstr("got -1")));
  EXPECT_THAT([] { BlockShard(5, 0, 0); },
              ::testing::ThrowsMessage<InvalidInput>(HasSubstr("process count must be >= 1, got 0")));
  EXPECT_THAT([] { BlockShard(5, 3, 3); },
              ::testing::ThrowsMessage<InvalidInput>(HasSubstr("rank 3 outside [0, 3)")));
  EXPECT_THAT([] { BlockShard(5, 0, 2, 0); },
              ::testing::ThrowsMessage<InvalidInput>(HasSubstr("granule must be >= 1, got 0")));
}

}  // namespace
}  // namespace lfa
