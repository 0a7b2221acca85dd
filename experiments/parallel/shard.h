// Shard: the contiguous block of units (points, cells, retrains) one rank of a job computes.
//
// N units over K ranks: rank r gets [begin_r, end_r), the first N mod K ranks one unit more than
// the others, in rank order, so that concatenating the ranks' results in rank order gives the
// units in their original order:
//
//   BlockShard(10, r, 3)   ->  r = 0: [0, 4)   r = 1: [4, 7)   r = 2: [7, 10)
//
// A rank may get an empty block (N < K). Contiguous blocks keep each rank's points together
// (one data slice, one sequence of batches) and make the gather a concatenation.
//
// With a `granule` g > 1 the blocks are made of whole granules (every boundary a multiple of g,
// the last granule possibly short): `lfa explain` shards whole steps of points, so that each
// batch of points, and so each model call, is the very batch one process would make. (Model
// calls of a different number of rows can round a row's outputs differently in the last bit; see
// docs/scaling.md.)
//
//   BlockShard(1000, r, 3, 256)  ->  [0, 512)  [512, 768)  [768, 1000)
//
// WARNING: a unit's random stream must be seeded by its global index (begin + i), never by its
// index within the shard, or results would change with K (framework/random.h).
#pragma once

#include <cstdint>

namespace lfa {

struct Shard {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
};

// Throws InvalidInput for count < 0, size < 1, granule < 1 or a rank outside [0, size).
Shard BlockShard(int64_t count, int rank, int size, int64_t granule = 1);

}  // namespace lfa
