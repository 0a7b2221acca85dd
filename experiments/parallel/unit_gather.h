// Unit gather: the typed results of every rank's shard of units, in the units' order, on rank 0.
//
// A study run by `mpirun -n K` computes rank r's block of its independent units (shard.h): a
// model of `reproduce paper`, a cell of a matrix, a retrain. Rank 0 needs every unit's result, in
// the order one process computes them, to write the outputs. GatherUnits writes each rank's
// results as raw bytes with `encode` (a ByteWriter, tensor_bytes.h: every double and tensor bit
// for bit, no text round trip), gathers the buffers on rank 0 and reads them back with `decode`
// in rank order. The blocks are contiguous and in rank order, so rank 0 gets
//
//   units 0..N-1  =  rank 0's block, then rank 1's, ..., then rank K-1's
//
// the same values, in the same order, as one process computing every unit.
//
//   const Shard mine = BlockShard(units, world.rank(), world.size());
//   std::vector<CellResult> local;
//   RunOnEveryRank(world, [&] {
//     for (int64_t u = mine.begin; u < mine.end; ++u) local.push_back(ComputeCell(u));
//   });
//   std::vector<CellResult> all = GatherUnits(world, local, EncodeCell, DecodeCell);
//
// `encode` is called as encode(ByteWriter&, const Unit&), `decode` as decode(ByteReader&) and
// returns a Unit. With one process the results come back as they are (nothing is encoded); on
// every rank but 0 the result is empty.
//
// WARNING: it is a collective: every rank must call it, and only after RunOnEveryRank
// (rank_failure.h) agreed that every rank's shard succeeded, or rank 0 waits forever for a rank
// that failed. A unit's randomness must be seeded by its global index, never by its index in the
// shard (shard.h), or the gathered results would change with K.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "experiments/parallel/communicator.h"
#include "experiments/parallel/tensor_bytes.h"

namespace lfa {

template <typename Unit, typename Encode>
std::string EncodeUnits(const std::vector<Unit>& units, Encode encode) {
  ByteWriter out;
  out.List(units, [&](const Unit& unit) { encode(out, unit); });
  return out.bytes();
}

// Appends the units of one rank's buffer to `units`; throws std::runtime_error for a buffer that
// is short, garbled or longer than its units.
template <typename Unit, typename Decode>
void DecodeUnits(const std::string& bytes, Decode decode, std::vector<Unit>* units) {
  ByteReader in(bytes);
  const int64_t count = in.Count();
  for (int64_t i = 0; i < count; ++i) units->push_back(decode(in));
  if (!in.done()) throw std::runtime_error("unit gather: trailing bytes after a rank's units");
}

template <typename Unit, typename Encode, typename Decode>
std::vector<Unit> GatherUnits(Communicator& world, const std::vector<Unit>& mine, Encode encode,
                              Decode decode) {
  if (world.size() == 1) return mine;
  const std::vector<std::string> parts = world.GatherBytes(EncodeUnits(mine, encode));
  std::vector<Unit> all;
  for (const std::string& part : parts) DecodeUnits(part, decode, &all);
  return all;
}

}  // namespace lfa
