#include "experiments/parallel/shard.h"

#include <algorithm>

#include "framework/errors.h"

namespace lfa {

Shard BlockShard(int64_t count, int rank, int size) {
  if (count < 0) Fail("shard: unit count must be >= 0, got ", count);
  if (size < 1) Fail("shard: process count must be >= 1, got ", size);
  if (rank < 0 || rank >= size) Fail("shard: rank ", rank, " outside [0, ", size, ")");
  const int64_t base = count / size, extra = count % size;
  const int64_t begin = rank * base + std::min<int64_t>(rank, extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

}  // namespace lfa
