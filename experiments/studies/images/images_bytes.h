// Images bytes: one model's typed results of `lfa study images` (ImageModelResult, results.h) as
// raw bytes, for the gather of `mpirun -n K lfa study images` (experiments/parallel/unit_gather.h).
//
// Under MPI the units of the study are its zoo models: rank r computes its block of them
// (StudyImageModel, run.h) and rank 0 gathers every model's result, draws the montages from the
// maps that came back and writes every file. Every field travels as itself (ByteWriter): names as
// text, counts as 64-bit integers, every mean and standard error as its 8 bytes, the per-point
// values and the montages' maps as tensors, so rank 0 holds the very numbers the computing rank
// held and its CSVs and PNGs are those of one process, byte for byte. Text would round a number
// through its printed digits.
//
//   ByteWriter out;
//   EncodeImageModelResult(out, result);
//   ByteReader in(out.bytes());
//   ImageModelResult back = DecodeImageModelResult(in);     // equal to `result`, field by field
//
//   GatherUnits(world, mine, EncodeImageModelResult, DecodeImageModelResult);   // rank 0: all
//
// WARNING: a field added to ImageModelResult (or to a struct it holds: StudyModel, ExplainerScores,
// MetricSummary, NflMatrix, NflSweepPoint, ExplainedMap) must be added to both functions, in the
// same place; the round-trip test compares every field, so a forgotten one fails there.
#pragma once

#include "experiments/parallel/tensor_bytes.h"
#include "experiments/studies/images/results.h"

namespace lfa {

void EncodeImageModelResult(ByteWriter& out, const ImageModelResult& result);
// Throws std::runtime_error for a short or garbled buffer (ByteReader).
ImageModelResult DecodeImageModelResult(ByteReader& in);

}  // namespace lfa
