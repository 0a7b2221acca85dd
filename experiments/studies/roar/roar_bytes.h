// ROAR bytes: the study's units of work and what travels between the ranks of `mpirun -n K lfa
// study roar`, as raw bytes (experiments/parallel/tensor_bytes.h).
//
// The units of the study are its retrains (cell x retrain: removal, mode, method, fraction,
// retrain) followed by its mask-leakage fits (method x fraction), in the order one process runs
// them. Rank 0 alone reads the journal and decides which units are left (RoarPlan: their indices
// in that order, and the estimator rankings they need); every rank receives the plan, computes
// its block of each round, and rank 0 gathers the finished units (RoarRun, every double as its 8
// bytes) and appends them to the journal. Text would round an accuracy through its digits.
//
//   ByteWriter out;
//   EncodeRoarPlan(out, plan);                           // rank 0
//   std::string bytes = world.BroadcastBytes(out.bytes());
//   ByteReader in(bytes);
//   RoarPlan same = DecodeRoarPlan(in);                  // every rank: rank 0's plan
//   GatherUnits(world, mine, EncodeRoarRun, DecodeRoarRun);  // rank 0: every rank's runs
//
// WARNING: a field added to RoarRun or RoarPlan must be added to both of its functions, in the
// same place; the round-trip test compares every field.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/parallel/tensor_bytes.h"
#include "experiments/studies/roar/roar_journal.h"

namespace lfa {

// What is left of a study: the units to run and the estimator rankings they need.
struct RoarPlan {
  std::vector<int64_t> units;                   // indices into the study's units, increasing
  std::map<std::string, torch::Tensor> orders;  // method -> int16 [train + test, H * W]
};

void EncodeRoarRun(ByteWriter& out, const RoarRun& run);
// Throws std::runtime_error for a short or garbled buffer (ByteReader).
RoarRun DecodeRoarRun(ByteReader& in);

void EncodeRoarPlan(ByteWriter& out, const RoarPlan& plan);
RoarPlan DecodeRoarPlan(ByteReader& in);

}  // namespace lfa
