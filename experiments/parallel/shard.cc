#include "experiments/parallel/shard.h"

#include <algorithm>

#include "framework/errors.h"

namespace lfa {

Shard BlockShard(int64_t count, int rank, int size, int64_t granule) {
  if (count < 0) Fail("shard: unit count must be >= 0, got ", count);
  if (size < 1) Fail("shard: process count must be >= 1, got ", size);
  if (granule < 1) Fail("shard: granule must be >= 1, got ", granule);
  if (rank < 0 || rank >= size) Fail("shard: rank ", rank, " outside [0, ", size, ")");
  const int64_t granules = (count + granule - 1) / granule;
  const int64_t base = granules / size, extra = granules % size;
  const int64_t begin = rank * base + std::min<int64_t>(rank, extra);
  const int64_t end = begin + base + (rank < extra ? 1 : 0);
  return {std::min(count, begin * granule), std::min(count, end * granule)};
}

}  // namespace lfa
