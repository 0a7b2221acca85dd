// Explainer and Explanation: what every method, composed or classic, returns.
//
// An Explainer explains a batch of points in one call: it never loops over points to query the
// model (the Oracle batches across points and samples). An Explanation holds, per point, the
// attributions (d numbers: one per input element, or per feature group for mask methods), the
// surrogate's intercept, fit diagnostics (achieved loss, weighted R², ridge strength added) and the
// number of model queries the batch cost.
//
//   Oracle oracle(LoadModel("heloc_ffnnA.torchscript.pt"));
//   auto lime = MakeExplainer("lime");                       // explainers/recipes.h
//   Explanation e = lime->Explain(oracle, MakePointBatch(x, /*seed=*/0), Targets(0, x.size(0)));
//   std::cout << e.BriefReport();
//
// Methods without a fit (classic gradients, occlusion) report NaN diagnostics.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "framework/neighbourhood.h"
#include "framework/oracle.h"

namespace lfa {

struct Explanation {
  std::string method;
  torch::Tensor attributions;  // [N, d] float64
  torch::Tensor intercepts;    // [N]
  torch::Tensor loss;          // [N] achieved empirical loss (NaN: no fit)
  torch::Tensor r2;            // [N] weighted R² (NaN: no fit)
  torch::Tensor ridge;         // [N] ridge strength the solver had to add (0: none)
  int64_t model_queries = 0;   // rows sent to the model for this batch
  std::vector<int64_t> input_shape;

  // Attributions reshaped to [N, *input_shape] when there is one per input element.
  torch::Tensor AttributionMaps() const;
  // One line: method, points, queries, mean loss and R2. A mean over only some of the points (the
  // others' loss is NaN or inf) says over how many it was taken.
  std::string BriefReport() const;
  // Stacks explanations of consecutive batches.
  static Explanation Concatenate(const std::vector<Explanation>& parts);
};

// Called with (points done, points total) as a batch progresses.
using ProgressCallback = std::function<void(int64_t, int64_t)>;

class Explainer {
 public:
  virtual ~Explainer() = default;
  virtual std::string name() const = 0;
  // targets: int64 [N] (or a scalar), the model output explained for each point.
  virtual Explanation Explain(Oracle& oracle, const PointBatch& points,
                              const torch::Tensor& targets,
                              const ProgressCallback& progress = {}) const = 0;
};

// points [N, *input_shape] (any dtype) -> a PointBatch of float64 rows.
PointBatch MakePointBatch(const torch::Tensor& points, uint64_t seed, int64_t first_index = 0);
// int64 [n] filled with `output`.
torch::Tensor Targets(int64_t output, int64_t n);
// An Explanation with NaN diagnostics, for methods that fit nothing.
Explanation Unfitted(std::string method, torch::Tensor attributions,
                     const std::vector<int64_t>& input_shape, int64_t queries);

}  // namespace lfa
