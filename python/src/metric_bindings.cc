// Metrics: LFA loss, perturbation tests, PGI/PGU, deletion/insertion, infidelity, localisation,
// distances (bindings.h). Each model-querying metric checks its call with ModelCall and runs with
// the GIL released; options are validated by the metric itself (its IsValid message).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <torch/csrc/utils/pybind.h>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "metrics/distances.h"
#include "metrics/image_metrics.h"
#include "metrics/localisation.h"
#include "metrics/perturbation.h"
#include "metrics/summary.h"
#include "model_call.h"
#include "neighbourhoods/baseline.h"
#include "python_lfa_loss.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace lfa {
namespace {

// Runs `metric(oracle, targets)` for a checked call, the GIL released.
template <typename Metric>
auto WithModel(const PythonModel& model, const torch::Tensor& inputs,
               const std::optional<torch::Tensor>& targets, const CallOptions& options,
               Metric metric) {
  ModelCall call(model, inputs, targets, options);
  py::gil_scoped_release release;
  return metric(call.oracle(), call.targets());
}

void BindResults(py::module_& m) {
  py::class_<MetricSummary>(m, "MetricSummary",
                            "A metric's value at every point, with its mean and standard error.")
      .def_readonly("per_point", &MetricSummary::per_point, "[N] float64")
      .def_readonly("mean", &MetricSummary::mean)
      .def_readonly("sem", &MetricSummary::sem, "sample std (n - 1) / sqrt(N); NaN for N < 2")
      .def("brief_report", &MetricSummary::BriefReport)
      .def("__repr__", [](const MetricSummary& s) { return "MetricSummary(" + s.BriefReport() + ")"; });
  py::class_<PerturbationCurve>(m, "PerturbationCurve", "Gaps for k = 1..K.")
      .def_readonly("ks", &PerturbationCurve::ks)
      .def_readonly("per_point", &PerturbationCurve::per_point, "[N, K] float64")
      .def_readonly("per_k", &PerturbationCurve::per_k)
      .def_readonly("area", &PerturbationCurve::area, "trapezoid over t = (k-1)/(K-1)")
      .def_readonly("mean_over_k", &PerturbationCurve::mean_over_k);
  py::class_<DeletionResult>(m, "DeletionResult", "A deletion or insertion curve per image.")
      .def_readonly("auc", &DeletionResult::auc, "[N] area under the curve")
      .def_readonly("curves", &DeletionResult::curves, "[N, T + 1] f_target after t steps")
      .def_readonly("fractions", &DeletionResult::fractions, "[T + 1] pixels changed / P");
  py::class_<LocalisationScores>(m, "LocalisationScores",
                                 "The three localisation scores of every image.")
      .def_readonly("mass", &LocalisationScores::mass, "[N] relevance mass accuracy")
      .def_readonly("rank", &LocalisationScores::rank, "[N] relevance rank accuracy")
      .def_readonly("pointing", &LocalisationScores::pointing, "[N] pointing game");
  py::class_<ImageBaseline>(m, "ImageBaseline", "What a removed pixel becomes.")
      .def(py::init([](std::string kind, double value, std::optional<torch::Tensor> mean,
                       double sigma) {
             ImageBaseline b{.kind = std::move(kind), .value = value, .sigma = sigma};
             if (mean) b.mean = *mean;
             return b;
           }),
           "kind"_a = "constant", "value"_a = 0.0, "mean"_a = py::none(), "sigma"_a = 5.0)
      .def_readonly("kind", &ImageBaseline::kind)
      .def_readonly("value", &ImageBaseline::value)
      .def_readonly("sigma", &ImageBaseline::sigma);
}

// One k (a MetricSummary) or k = 1..K (a PerturbationCurve).
using GapResult = std::variant<MetricSummary, PerturbationCurve>;

void BindPerturbation(py::module_& m) {
  m.def(
      "perturbation_test",
      [](const PythonModel& model, const torch::Tensor& inputs, const torch::Tensor& attributions,
         std::optional<torch::Tensor> targets, std::string ranking, std::string perturbation,
         int64_t k, double sigma, int64_t draws, const Baseline& baseline,
         const FeatureGroups& groups, uint64_t seed, bool curve, std::optional<std::string> device,
         std::optional<int64_t> batch_size) {
        const PerturbationTestOptions options{
            .ranking = std::move(ranking), .perturbation = std::move(perturbation), .k = k,
            .sigma = sigma, .draws = draws, .baseline = baseline, .groups = groups, .seed = seed};
        return WithModel(model, inputs, targets, {device, batch_size},
                         [&](Oracle& oracle, const torch::Tensor& t) -> GapResult {
                           if (curve) return PerturbationGapCurve(oracle, inputs, attributions, t, options);
                           return PerturbationGap(oracle, inputs, attributions, t, options);
                         });
      },
      "model"_a, "inputs"_a, "attributions"_a, "targets"_a = py::none(), "ranking"_a = "topk",
      "perturbation"_a = "binary", "k"_a = 1, "sigma"_a = 0.1, "draws"_a = 100,
      "baseline"_a = Baseline(0.0), "groups"_a = FeatureGroups(), "seed"_a = 0, "curve"_a = false,
      "device"_a = py::none(), "batch_size"_a = py::none());
  m.def(
      "prediction_gap",
      [](const std::string& kind, const PythonModel& model, const torch::Tensor& inputs,
         const torch::Tensor& attributions, std::optional<torch::Tensor> targets, int64_t k,
         double sigma, int64_t draws, const FeatureGroups& groups, uint64_t seed, bool curve,
         std::optional<std::string> device, std::optional<int64_t> batch_size) {
        if (kind != "pgi" && kind != "pgu")
          Fail("prediction gap must be 'pgi' or 'pgu', got '", kind, "'");
        const PredictionGapOptions options{
            .k = k, .sigma = sigma, .draws = draws, .groups = groups, .seed = seed};
        const bool pgi = kind == "pgi";
        return WithModel(model, inputs, targets, {device, batch_size},
                         [&](Oracle& oracle, const torch::Tensor& t) -> GapResult {
                           const torch::Tensor& a = attributions;
                           if (curve) return pgi ? PgiCurve(oracle, inputs, a, t, options)
                                                 : PguCurve(oracle, inputs, a, t, options);
                           return pgi ? Pgi(oracle, inputs, a, t, options)
                                      : Pgu(oracle, inputs, a, t, options);
                         });
      },
      "kind"_a, "model"_a, "inputs"_a, "attributions"_a, "targets"_a = py::none(), "k"_a = 1,
      "sigma"_a = 0.1, "draws"_a = 100, "groups"_a = FeatureGroups(), "seed"_a = 0,
      "curve"_a = false, "device"_a = py::none(), "batch_size"_a = py::none());
}

void BindImageMetrics(py::module_& m) {
  m.def(
      "deletion_curve",
      [](const std::string& kind, const PythonModel& model, const torch::Tensor& inputs,
         const torch::Tensor& maps, std::optional<torch::Tensor> targets,
         std::optional<int64_t> pixels_per_step, const ImageBaseline& baseline,
         std::optional<std::string> device, std::optional<int64_t> batch_size) {
        if (kind != "deletion" && kind != "insertion")
          Fail("curve must be 'deletion' or 'insertion', got '", kind, "'");
        const DeletionOptions options{.pixels_per_step = pixels_per_step, .baseline = baseline};
        return WithModel(model, inputs, targets, {device, batch_size},
                         [&](Oracle& oracle, const torch::Tensor& t) {
                           return kind == "deletion"
                                      ? DeletionCurve(oracle, inputs, maps, t, options)
                                      : InsertionCurve(oracle, inputs, maps, t, options);
                         });
      },
      "kind"_a, "model"_a, "inputs"_a, "maps"_a, "targets"_a = py::none(),
      "pixels_per_step"_a = py::none(), "baseline"_a = ImageBaseline{}, "device"_a = py::none(),
      "batch_size"_a = py::none());
  m.def(
      "infidelity",
      [](const PythonModel& model, const torch::Tensor& inputs, const torch::Tensor& attributions,
         std::optional<torch::Tensor> targets, std::string perturbation, double sigma,
         int64_t patch_size, double removal_probability, const ImageBaseline& baseline,
         int64_t samples, bool normalise, uint64_t seed, std::optional<std::string> device,
         std::optional<int64_t> batch_size) {
        const InfidelityOptions options{
            .perturbation = std::move(perturbation), .sigma = sigma, .patch_size = patch_size,
            .removal_probability = removal_probability, .baseline = baseline, .samples = samples,
            .normalise = normalise, .seed = seed};
        return WithModel(model, inputs, targets, {device, batch_size},
                         [&](Oracle& oracle, const torch::Tensor& t) {
                           return Infidelity(oracle, inputs, attributions, t, options);
                         });
      },
      "model"_a, "inputs"_a, "attributions"_a, "targets"_a = py::none(),
      "perturbation"_a = "gaussian", "sigma"_a = 0.1, "patch_size"_a = 4,
      "removal_probability"_a = 0.5, "baseline"_a = ImageBaseline{}, "samples"_a = 100,
      "normalise"_a = true, "seed"_a = 0, "device"_a = py::none(), "batch_size"_a = py::none());
}

void BindLocalisationAndDistances(py::module_& m) {
  using Score = torch::Tensor (*)(const torch::Tensor&, const torch::Tensor&,
                                  const LocalisationOptions&);
  const auto bind_score = [&m](const char* name, Score score) {
    m.def(
        name,
        [score](const torch::Tensor& maps, const torch::Tensor& masks, bool absolute,
                double smoothing_sigma, double keep_top_fraction) {
          const LocalisationOptions options{.absolute = absolute,
                                            .smoothing_sigma = smoothing_sigma,
                                            .keep_top_fraction = keep_top_fraction};
          py::gil_scoped_release release;
          return score(maps, masks, options);
        },
        "maps"_a, "masks"_a, "absolute"_a = true, "smoothing_sigma"_a = 0.0,
        "keep_top_fraction"_a = 0.0);
  };
  bind_score("relevance_mass_accuracy", &RelevanceMassAccuracy);
  bind_score("relevance_rank_accuracy", &RelevanceRankAccuracy);
  bind_score("pointing_game", &PointingGame);
  m.def(
      "localisation_scores",
      [](const torch::Tensor& maps, const torch::Tensor& masks, bool absolute,
         double smoothing_sigma, double keep_top_fraction) {
        const LocalisationOptions options{.absolute = absolute,
                                          .smoothing_sigma = smoothing_sigma,
                                          .keep_top_fraction = keep_top_fraction};
        py::gil_scoped_release release;
        return ScoreLocalisation(maps, masks, options);
      },
      "maps"_a, "masks"_a, "absolute"_a = true, "smoothing_sigma"_a = 0.0,
      "keep_top_fraction"_a = 0.0);
  m.def("l1_distance", &L1Distance, "a"_a, "b"_a, "[N, d] x [N, d] -> [N]: sum_j |a_j - b_j|.");
  m.def("cosine_distance", &CosineDistance, "a"_a, "b"_a,
        "[N, d] x [N, d] -> [N]: 1 - a.b / (|a| |b|) (1 for a zero vector).");
}

}  // namespace

void BindMetrics(py::module_& m) {
  BindResults(m);
  m.def(
      "lfa_losses",
      [](const PythonModel& model, const torch::Tensor& inputs,
         const std::vector<PythonExplanation>& explanations, const PythonExplainer& evaluation,
         std::optional<torch::Tensor> targets, uint64_t seed, bool refit_unstated,
         std::optional<std::string> device, std::optional<int64_t> batch_size) {
        return LfaLosses(model, inputs, explanations, evaluation, targets, seed, refit_unstated,
                         {device, batch_size});
      },
      "model"_a, "inputs"_a, "explanations"_a, "evaluation"_a, "targets"_a = py::none(),
      "seed"_a = 0, "refit_unstated"_a = true, "device"_a = py::none(),
      "batch_size"_a = py::none());
  BindPerturbation(m);
  BindImageMetrics(m);
  BindLocalisationAndDistances(m);
}

}  // namespace lfa
