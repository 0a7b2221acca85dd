// LfaExplainer: an explainer composed of a Neighbourhood, a Loss, a Surrogate and a Solver.
//
// Explain() runs the data flow of the design for a batch of points, on the Oracle's device:
//     Neighbourhood.Sample -> xi [N, S, d], pi [N, S]           (counter-based draws, on device)
//     Loss.Build           -> Decode, Oracle queries (batched over points and samples),
//                             per-point LocalProblem             (on device)
//     Solver.Fit           -> attributions (the surrogate's weights), intercepts, diagnostics
//                             (normal equations on device, p x p solves on the host)
// Points go through in blocks of BlockPoints(): as many points as fill one Oracle batch of this
// model and query kind (the Oracle splits a point's samples when they exceed its batch), so the
// block's samples, inputs and responses stay a bounded working set on the CPU and a bounded share
// of memory on a GPU, whatever N and S are. A block that runs on one unit thread (below) is
// smaller still: at most kUnitBlockValues values per [points, S, D] float64 tensor (1 MiB, about a
// core's L2 cache; 5 HELOC points of 1000 samples), because a block's dozen passes over such
// tensors cost more than its model queries once they stream from memory (tabular LIME 1.51 ->
// 1.25 times its bare queries). Run one after another with every intra-op thread, a block holds at
// least one point per thread while kMaxChunkValues allows: the per-point fits (a 785 x 785 system
// per image for C-LIME) run one point per thread, so a one-point block would leave the other cores
// idle. The block layout does not change which numbers are drawn: every draw is keyed by (seed,
// point, sample) (framework/counter_random.h); only the model's batches, and so its last bits, may
// differ.
//
// Concurrent blocks. On the CPU, with a model that may be called from two threads at once
// (Model::thread_safe: TorchScript modules, zoo models, MLPs), the blocks run as units on the intra-op thread
// budget's worth of threads, each block on ONE intra-op thread (framework/unit_threads.h), instead
// of one after another with all threads each. A tabular model and a block's tensor operations are
// too small for LibTorch's intra-op threads (two threads are slower than one on heloc_ffnnA), so
// this is how an explainer fills the cores. Every block's numbers are those of a one-thread run,
// whatever the budget and however many blocks there are (a single block, too, runs on one thread),
// so explanations do not depend on the thread count or on how a run is split across MPI ranks. The
// progress callback is then called from the workers, one call at a time, with the points done.
//
//   auto explainer = std::make_shared<LfaExplainer>("kernelshap_gm",
//       std::make_unique<BernoulliMaskNeighbourhood>(BernoulliMaskOptions{.kernel = "shapley"}),
//       std::make_unique<GradientMatchingLoss>(), std::make_unique<LinearSurrogate>(false),
//       std::make_unique<AutoSolver>(), /*samples=*/1000);
//
// WARNING: `samples` is per point; a block holds block_points * samples * D decoded values.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "framework/explainer.h"
#include "framework/loss.h"
#include "framework/neighbourhood.h"
#include "framework/solver.h"
#include "framework/surrogate.h"

namespace lfa {

class LfaExplainer : public Explainer {
 public:
  LfaExplainer(std::string name, std::unique_ptr<Neighbourhood> neighbourhood,
               std::unique_ptr<Loss> loss, std::unique_ptr<Surrogate> surrogate,
               std::unique_ptr<Solver> solver, int64_t samples);

  std::string name() const override { return name_; }
  Explanation Explain(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                      const ProgressCallback& progress = {}) const override;

  // The per-point problems for a batch (samples drawn, model queried), without solving: metrics
  // use it to evaluate any surrogate over this explainer's neighbourhood and loss.
  LocalProblem BuildProblem(Oracle& oracle, const PointBatch& points,
                            const torch::Tensor& targets) const;

  const Neighbourhood& neighbourhood() const { return *neighbourhood_; }
  const Loss& loss() const { return *loss_; }
  const Surrogate& surrogate() const { return *surrogate_; }
  const Solver& solver() const { return *solver_; }
  int64_t samples() const { return samples_; }
  nlohmann::json ToJson() const;

  // Points per block for `points` on `oracle` (see above).
  int64_t BlockPoints(Oracle& oracle, const PointBatch& points) const;

  // Whether Explain runs its blocks on unit threads (see "Concurrent blocks" above): a CPU Oracle
  // and a model that may be called from two threads at once.
  static bool BlocksOnUnitThreads(Oracle& oracle);

  // Most decoded values held at once (bounds memory for large N, S or D).
  static constexpr int64_t kMaxChunkValues = int64_t{1} << 24;
  // Values of one [points, S, D] float64 tensor of a block on a unit thread (1 MiB: about a core's
  // L2 cache); see "Concurrent blocks" above.
  static constexpr int64_t kUnitBlockValues = int64_t{1} << 17;

 private:
  std::string name_;
  std::unique_ptr<Neighbourhood> neighbourhood_;
  std::unique_ptr<Loss> loss_;
  std::unique_ptr<Surrogate> surrogate_;
  std::unique_ptr<Solver> solver_;
  int64_t samples_;
};

}  // namespace lfa
