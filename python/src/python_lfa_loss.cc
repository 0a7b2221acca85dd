#include "python_lfa_loss.h"

#include <string>
#include <utility>

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

#include "framework/errors.h"
#include "framework/lfa_explainer.h"
#include "metrics/lfa_loss.h"

namespace lfa {
namespace {

struct StatedSlope {
  torch::Tensor slope;     // [N, D]
  torch::Tensor unstated;  // bool [N, D], or undefined: every slope is stated
};

// Checks that `e` explains the points of `batch` and has a known meaning; returns its scalar
// baseline.
double CheckExplanation(const PythonExplanation& e, size_t index, const PointBatch& batch) {
  const std::string what = "lfa_loss: explanation " + std::to_string(index) + " ('" +
                           e.explanation.method + "')";
  if (e.explanation.attributions.size(0) != batch.size() ||
      NumElements(e.explanation.input_shape) != batch.flat.size(1))
    Fail(what, " explains ", e.explanation.attributions.size(0), " point(s) of shape ",
         c10::IntArrayRef(e.explanation.input_shape), ", but the inputs are ", batch.size(),
         " point(s) of shape ", c10::IntArrayRef(batch.input_shape));
  if (!e.meaning.multiplicative)
    Fail(what, " does not say whether its attributions carry the (x - b) factor: pass "
         "multiplicative=True (mask methods, integrated gradients) or False (gradients, C-LIME)");
  const nlohmann::json baseline = e.meaning.baseline.ToJson();
  if (!baseline.is_number())
    Fail(what, " has baseline ", baseline.dump(),
         "; its input-space slope needs one number as the baseline");
  return baseline.get<double>();
}

StatedSlope SlopeOf(const PythonExplanation& e, const PointBatch& batch, double baseline,
                    bool refit_unstated) {
  const torch::Tensor& a = e.explanation.attributions;
  if (e.grouped) return {GroupedSlope(a, batch, e.meaning.groups, baseline), torch::Tensor()};
  const bool multiplicative = *e.meaning.multiplicative;
  return {InputSpaceSlope(a, batch, multiplicative, baseline),
          refit_unstated ? UnstatedSlopes(batch, multiplicative, baseline) : torch::Tensor()};
}

}  // namespace

std::vector<torch::Tensor> LfaLosses(const PythonModel& model, const torch::Tensor& inputs,
                                     const std::vector<PythonExplanation>& explanations,
                                     const PythonExplainer& evaluation,
                                     const std::optional<torch::Tensor>& targets, uint64_t seed,
                                     bool refit_unstated, const CallOptions& options) {
  const auto* composition = dynamic_cast<const LfaExplainer*>(evaluation.explainer.get());
  if (composition == nullptr)
    Fail("lfa_loss: the neighbourhood must be an LFA composition (a recipe with implementation "
         "'lfa', or a spec), not the classic '", evaluation.explainer->name(), "'");
  ModelCall call(model, inputs, targets, options);
  const PointBatch batch = MakePointBatch(inputs, seed);
  std::vector<double> baselines;
  for (size_t i = 0; i < explanations.size(); ++i)
    baselines.push_back(CheckExplanation(explanations[i], i, batch));
  std::vector<torch::Tensor> losses;
  pybind11::gil_scoped_release release;
  const LfaLossEvaluator evaluator(call.oracle(), *composition, batch, call.targets());
  for (size_t i = 0; i < explanations.size(); ++i) {
    const StatedSlope s = SlopeOf(explanations[i], batch, baselines[i], refit_unstated);
    losses.push_back(evaluator.Evaluate(s.slope, s.unstated));
  }
  return losses;
}

}  // namespace lfa
