#include "framework/lfa_explainer.h"

#include "framework/errors.h"

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

Explanation LfaExplainer::Explain(Oracle& oracle, const PointBatch& points,
                                  const torch::Tensor& targets,
                                  const ProgressCallback& progress) const {
  const int64_t n = points.size();
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  const int64_t d = neighbourhood_->Dimension(points.input_shape);
  const int64_t per_point = samples_ * std::max<int64_t>(points.flat.size(1), d);
  const int64_t chunk = std::max<int64_t>(1, kMaxChunkValues / std::max<int64_t>(1, per_point));
  std::vector<Explanation> parts;
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t end = std::min(n, begin + chunk);
    const int64_t queries_before = oracle.queries();
    const LocalProblem problem =
        BuildProblem(oracle, points.Slice(begin, end), all_targets.slice(0, begin, end));
    const FitResult fit = solver_->Fit(problem, *surrogate_);
    Explanation part;
    part.method = name_;
    part.input_shape = points.input_shape;
    part.attributions = fit.params.slice(1, 0, d).contiguous();
    part.intercepts = surrogate_->intercept() ? fit.params.select(1, d).contiguous()
                                              : torch::zeros({end - begin}, torch::kDouble);
    part.loss = fit.loss;
    part.r2 = fit.r2;
    part.ridge = fit.ridge;
    part.model_queries = oracle.queries() - queries_before;
    parts.push_back(std::move(part));
    if (progress) progress(end, n);
  }
  if (parts.empty()) {
    return Unfitted(name_, torch::zeros({0, d}, torch::kDouble), points.input_shape, 0);
  }
  return Explanation::Concatenate(parts);
}

nlohmann::json LfaExplainer::ToJson() const {
  return {{"neighbourhood", neighbourhood_->ToJson()},
          {"loss", loss_->ToJson()},
          {"surrogate", surrogate_->ToJson()},
          {"solver", solver_->ToJson()},
          {"samples", samples_}};
}

}  // namespace lfa
