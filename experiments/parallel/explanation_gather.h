// Explanation gather: every rank's Explanation of its shard of points, stacked on rank 0.
//
// `mpirun -n K lfa explain` explains rank r's block of points (shard.h) on rank r; rank 0 needs
// every point's attributions, intercept, loss, R², ridge and the model query count to write the
// one output. GatherExplanation sends each rank's typed Explanation (tensor_bytes.h, bit for
// bit) and returns, on rank 0, Explanation::Concatenate of the ranks' parts in rank order: the
// same rows, in the same order, with the same bits as one process explaining every point; the
// model query count is the job's total. Other ranks get their own part back unchanged.
//
//   const Shard mine = BlockShard(points, world.rank(), world.size());
//   Explanation local = explainer.Explain(oracle, MakePointBatch(x_mine, seed, mine.begin), t);
//   Explanation all = GatherExplanation(world, local);    // rank 0: every point
//
// A rank with an empty shard (fewer units than ranks) sends an Explanation without attributions
// (undefined tensors); rank 0 leaves it out of the stack.
//
// WARNING: it is a collective (every rank must call it) and must come after every rank's
// explaining succeeded (rank_failure.h), or a failed rank leaves rank 0 waiting for its part.
#pragma once

#include <string>

#include "experiments/parallel/communicator.h"
#include "framework/explainer.h"

namespace lfa {

Explanation GatherExplanation(Communicator& world, const Explanation& local);

// The encoding GatherExplanation sends, exposed for its tests.
std::string EncodeExplanation(const Explanation& explanation);
Explanation DecodeExplanation(const std::string& bytes);

}  // namespace lfa
