// Results bytes: one model's typed results of `lfa reproduce paper` (results.h) as raw bytes, for
// the gather of a run over MPI ranks (experiments/parallel/unit_gather.h).
//
// `mpirun -n K lfa reproduce paper` computes each rank's block of the eight models and gathers
// their PaperModelResults on rank 0, which writes the tables. Every field travels as itself: the
// names as text, the counts as 64-bit integers, every number as its 8 bytes (ByteWriter), so rank
// 0 holds the very doubles the computing rank held and the CSVs, verdicts and plots it writes are
// those of one process, byte for byte. Text would round a number through its printed digits.
//
//   ByteWriter out;
//   EncodePaperModelResults(out, results);
//   ByteReader in(out.bytes());
//   PaperModelResults back = DecodePaperModelResults(in);   // equal to `results`, field by field
//
//   GatherUnits(world, mine, EncodePaperModelResults, DecodePaperModelResults);   // rank 0: all
//
// WARNING: a field added to results.h must be added to both functions, in the same place; the
// round-trip test compares every field, so a forgotten one fails there.
#pragma once

#include "experiments/parallel/tensor_bytes.h"
#include "experiments/studies/paper/results.h"

namespace lfa {

void EncodePaperModelResults(ByteWriter& out, const PaperModelResults& results);
// Throws std::runtime_error for a short or garbled buffer (ByteReader).
PaperModelResults DecodePaperModelResults(ByteReader& in);

}  // namespace lfa
