#include "framework/lfa_explainer.h"

#include <algorithm>
#include <atomic>

#include <ATen/Parallel.h>

#include "framework/errors.h"
#include "framework/unit_threads.h"

namespace lfa {

LfaExplainer::LfaExplainer(std::string name, std::unique_ptr<Neighbourhood> neighbourhood,
                           std::unique_ptr<Loss> loss, std::unique_ptr<Surrogate> surrogate,
                           std::unique_ptr<Solver> solver, int64_t samples)
    : name_(std::move(name)), neighbourhood_(std::move(neighbourhood)), loss_(std::move(loss)),
      surrogate_(std::move(surrogate)), solver_(std::move(solver)), samples_(samples) {
  if (!neighbourhood_ || !loss_ || !surrogate_ || !solver_)
    Fail("explainer '", name_, "': neighbourhood, loss, surrogate and solver are all required");
  if (samples_ < 1) Fail("explainer '", name_, "': samples must be >= 1, got ", samples_);
}

LocalProblem LfaExplainer::BuildProblem(Oracle& oracle, const PointBatch& points,
                                        const torch::Tensor& targets) const {
  const NeighbourhoodSample sample = neighbourhood_->Sample(points, samples_);
  return loss_->Build(oracle, *neighbourhood_, points, sample,
                      ExpandTargets(targets, points.size()));
}

int64_t LfaExplainer::BlockPoints(Oracle& oracle, const PointBatch& points) const {
  const QueryKind kind = loss_->queries_gradients() ? QueryKind::kGradients : QueryKind::kValues;
  const int64_t rows = oracle.BatchRows(points.input_shape, kind);
  const int64_t d = neighbourhood_->Dimension(points.input_shape);
  const int64_t values = samples_ * std::max<int64_t>({points.flat.size(1), d, 1});
  // On unit threads one thread takes a block: a working set its cache holds. Otherwise every
  // intra-op thread works on the block: at least a point each.
  const int64_t wanted = BlocksOnUnitThreads(oracle)
                             ? std::min(rows / samples_, kUnitBlockValues / values)
                             : std::max<int64_t>(rows / samples_, at::get_num_threads());
  return std::max<int64_t>(1, std::min(wanted, kMaxChunkValues / values));
}

bool LfaExplainer::BlocksOnUnitThreads(Oracle& oracle) {
  return oracle.device().is_cpu() && oracle.model().thread_safe();
}

Explanation LfaExplainer::Explain(Oracle& oracle, const PointBatch& points,
                                  const torch::Tensor& targets,
                                  const ProgressCallback& progress) const {
  const int64_t n = points.size();
  const int64_t d = neighbourhood_->Dimension(points.input_shape);
  if (n == 0) return Unfitted(name_, torch::zeros({0, d}, torch::kDouble), points.input_shape, 0);
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  const auto cpu = torch::TensorOptions(torch::kDouble);
  Explanation result{name_, torch::empty({n, d}, cpu), torch::zeros({n}, cpu),
                     torch::empty({n}, cpu),  torch::empty({n}, cpu),
                     torch::empty({n}, cpu),  0, points.input_shape};
  const int64_t block = BlockPoints(oracle, points);
  const int64_t blocks = (n + block - 1) / block;
  const int64_t queries_before = oracle.queries();
  // Explains block b into its rows of `result` (disjoint rows: blocks may run at once); returns
  // the end of its points.
  auto explain_block = [&](int64_t b) {
    const int64_t begin = b * block, end = std::min(n, begin + block);
    const PointBatch part = points.Slice(begin, end).To(oracle.device());
    const FitResult fit =
        solver_->Fit(BuildProblem(oracle, part, all_targets.slice(0, begin, end)), *surrogate_);
    result.attributions.slice(0, begin, end).copy_(fit.params.slice(1, 0, d));
    if (surrogate_->intercept())
      result.intercepts.slice(0, begin, end).copy_(fit.params.select(1, d));
    result.loss.slice(0, begin, end).copy_(fit.loss);
    result.r2.slice(0, begin, end).copy_(fit.r2);
    result.ridge.slice(0, begin, end).copy_(fit.ridge);
    return end;
  };
  if (BlocksOnUnitThreads(oracle)) {
    std::atomic<int64_t> explained{0};
    RunUnitsOnThreads(
        blocks, [&](int64_t b) { explained += explain_block(b) - b * block; },
        [&](int64_t) {
          if (progress) progress(explained.load(), n);
        });
  } else {
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t end = explain_block(b);
      if (progress) progress(end, n);
    }
  }
  result.model_queries = oracle.queries() - queries_before;
  return result;
}

nlohmann::json LfaExplainer::ToJson() const {
  return {{"neighbourhood", neighbourhood_->ToJson()},
          {"loss", loss_->ToJson()},
          {"surrogate", surrogate_->ToJson()},
          {"solver", solver_->ToJson()},
          {"samples", samples_}};
}

}  // namespace lfa
