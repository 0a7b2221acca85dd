// Localisation bytes: one method's scores on a task's masks (localisation_results.h) as raw bytes,
// for the gather of `mpirun -n K lfa study localisation` (experiments/parallel/unit_gather.h).
//
// Under MPI the units of a task are its methods: rank r explains and scores its block of them
// and rank 0 gathers, per method, one MethodScores per mask of the task (the task's own mask, and
// for the control the two-block mask as well). Every mean and standard error travels as its 8
// bytes (ByteWriter), so rank 0's tables are those of one process, byte for byte.
//
//   ByteWriter out;
//   EncodeMethodMaskScores(out, scores);
//   ByteReader in(out.bytes());
//   std::vector<MethodScores> back = DecodeMethodMaskScores(in);   // equal, bit for bit
//
// WARNING: a field added to MethodScores must be added to both functions, in the same place.
#pragma once

#include <vector>

#include "experiments/parallel/tensor_bytes.h"
#include "experiments/studies/localisation/localisation_results.h"

namespace lfa {

// One method's scores, one MethodScores per mask of the task, in the task's mask order.
void EncodeMethodMaskScores(ByteWriter& out, const std::vector<MethodScores>& scores);
// Throws std::runtime_error for a short or garbled buffer (ByteReader).
std::vector<MethodScores> DecodeMethodMaskScores(ByteReader& in);

}  // namespace lfa
