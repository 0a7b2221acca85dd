// LfaExplainer: an explainer composed of a Neighbourhood, a Loss, a Surrogate and a Solver.
//
// Explain() runs the data flow of the design for a batch of points:
//     Neighbourhood.Sample -> xi [N, S, d], pi [N, S]
//     Loss.Build           -> Decode, Oracle queries (batched over points and samples),
//                             per-point LocalProblem
//     Solver.Fit           -> attributions (the surrogate's weights), intercepts, diagnostics
// Points are processed in chunks so that memory stays bounded whatever N and S are; the chunk
// layout does not change results because every point has its own random stream.
//
//   auto explainer = std::make_shared<LfaExplainer>("kernelshap_gm",
//       std::make_unique<BernoulliMaskNeighbourhood>(BernoulliMaskOptions{.kernel = "shapley"}),
//       std::make_unique<GradientMatchingLoss>(), std::make_unique<LinearSurrogate>(false),
//       std::make_unique<AutoSolver>(), /*samples=*/1000);
//
// WARNING: `samples` is per point; a chunk holds chunk_points * samples * D decoded values.
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

  // Most decoded values held at once (bounds memory for large N, S or D).
  static constexpr int64_t kMaxChunkValues = int64_t{1} << 24;

 private:
  std::string name_;
  std::unique_ptr<Neighbourhood> neighbourhood_;
  std::unique_ptr<Loss> loss_;
  std::unique_ptr<Surrogate> surrogate_;
  std::unique_ptr<Solver> solver_;
  int64_t samples_;
};

}  // namespace lfa
