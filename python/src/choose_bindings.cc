// lfa.choose's types and function (bindings.h): the ranked candidates of every neighbourhood of
// interest with their numbers, each neighbourhood's verdict, the profiles and the answer.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// torch's casters: torch.Tensor <-> at::Tensor without a copy.
#include <torch/csrc/utils/pybind.h>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "experiments/studies/choose/candidate.h"
#include "experiments/studies/choose/neighbourhood_of_interest.h"
#include "experiments/studies/choose/prose.h"
#include "python_choose.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace lfa {
namespace {

std::string VerdictKindName(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kTieAtZero: return "tie_at_zero";
    case VerdictKind::kSharedSolution: return "shared_solution";
    case VerdictKind::kClear: return "clear";
    case VerdictKind::kUndecided: return "undecided";
  }
  return "unknown";
}

void BindScores(py::module_& m) {
  py::class_<PairedDifference>(m, "PairedDifference",
                               "A paired difference of losses over the points, with its interval.")
      .def_readonly("mean", &PairedDifference::mean)
      .def_readonly("sem", &PairedDifference::sem)
      .def_readonly("low", &PairedDifference::low, "the interval at the run's level")
      .def_readonly("high", &PairedDifference::high)
      .def_readonly("points", &PairedDifference::points)
      .def_readonly("points_needed", &PairedDifference::points_needed,
                    "points that would resolve a difference of this size (None: 0 or N < 2)")
      .def_property_readonly("resolved", &PairedDifference::Resolved,
                             "the interval excludes 0")
      .def("__repr__", [](const PairedDifference& d) {
        return Concat("PairedDifference(mean=", Short(d.mean), ", interval=[", Short(d.low), ", ",
                      Short(d.high), "])");
      });

  py::class_<CandidateScore>(m, "CandidateScore",
                             "One candidate's LFA loss over one neighbourhood, ranked.")
      .def_readonly("candidate", &CandidateScore::candidate)
      .def_property_readonly("kind", [](const CandidateScore& s) { return KindName(s.kind); },
                             "own, lfa, classic, image or spec")
      .def_readonly("own", &CandidateScore::own,
                    "the neighbourhood's own composition (the population optimum)")
      .def_readonly("rank", &CandidateScore::rank, "1 + candidates with a smaller mean loss")
      .def_readonly("loss", &CandidateScore::loss, "per-point losses, mean, standard error")
      .def_property_readonly("mean", [](const CandidateScore& s) { return s.loss.mean; })
      .def_property_readonly("sem", [](const CandidateScore& s) { return s.loss.sem; })
      .def_readonly("relative", &CandidateScore::relative,
                    "mean loss / the constant local model's: 0 exact, 1 no better than nothing")
      .def_readonly("to_best", &CandidateScore::to_best,
                    "loss - the best candidate's, paired over the points")
      .def_readonly("win_share", &CandidateScore::win_share,
                    "share of points with the smallest loss (ties shared)")
      .def_readonly("zero", &CandidateScore::zero, "the loss is zero up to rounding")
      .def("__repr__", [](const CandidateScore& s) {
        return Concat("CandidateScore(", std::to_string(s.rank), ". '", s.candidate,
                      "', loss=", Short(s.loss.mean), " +/- ", Short(s.loss.sem), ")");
      });
}

void BindNeighbourhoodChoice(py::module_& m) {
  using C = PythonNeighbourhoodChoice;
  py::class_<C>(m, "NeighbourhoodChoice",
                "Every candidate's score over one neighbourhood of interest, by rank, and the "
                "verdict computed from them.")
      .def_property_readonly("label", [](const C& c) { return c.result.neighbourhood.label; })
      .def_property_readonly("name", [](const C& c) { return c.result.neighbourhood.Name(); },
                             "the label, with the width a profile set")
      .def_property_readonly(
          "spec",
          [](const C& c) {
            return py::module_::import("json").attr("loads")(c.result.neighbourhood.spec.dump());
          },
          "the composition as a spec dict (lfa.compose's schema)")
      .def_property_readonly("width_kind",
                             [](const C& c) -> std::optional<std::string> {
                               const auto& kind = c.result.neighbourhood.width_kind;
                               if (!kind) return std::nullopt;
                               return WidthName(*kind);
                             })
      .def_property_readonly("width", [](const C& c) { return c.result.neighbourhood.width; })
      .def_property_readonly("points", [](const C& c) { return c.result.points; })
      .def_property_readonly("evaluation_samples",
                             [](const C& c) { return c.result.evaluation_samples; })
      .def_property_readonly("samples", [](const C& c) { return c.result.candidate_samples; })
      .def_property_readonly("level", [](const C& c) { return c.result.level; })
      .def_property_readonly("constant_loss", [](const C& c) { return c.result.constant_loss; },
                             "the loss of the constant local model (slope 0)")
      .def_property_readonly("scores", [](const C& c) { return c.result.scores; },
                             "every candidate's score, best first")
      .def_property_readonly("verdict_kind",
                             [](const C& c) { return VerdictKindName(c.verdict.kind); },
                             "tie_at_zero, shared_solution, clear or undecided")
      .def_property_readonly("verdict", [](const C& c) { return VerdictSentence(c.verdict); })
      .def_property_readonly("chosen", [](const C& c) { return c.verdict.Chosen(); },
                             "the candidates the verdict names as the choice, best first")
      .def_property_readonly("best", [](const C& c) { return c.verdict.best; })
      .def_property_readonly("runner_up", [](const C& c) { return c.verdict.runner_up; })
      .def_property_readonly("gap", [](const C& c) { return c.verdict.gap; },
                             "the runner-up's loss minus the best's")
      .def_property_readonly("shared_reason", [](const C& c) { return c.verdict.shared_reason; })
      .def_property_readonly("own", [](const C& c) { return c.verdict.own; },
                             "the own composition's candidate name")
      .def_property_readonly("own_rank", [](const C& c) { return c.verdict.own_rank; })
      .def("__repr__", [](const C& c) {
        return Concat("NeighbourhoodChoice('", c.result.neighbourhood.Name(), "', chosen=",
                      Quoted(c.verdict.Chosen()), ")");
      });
}

void BindProfileChoice(py::module_& m) {
  py::class_<ProfileVerdict>(m, "ProfileChoice",
                             "A profiled neighbourhood: the best named candidate at each width.")
      .def_readonly("neighbourhood", &ProfileVerdict::neighbourhood)
      .def_readonly("width_name", &ProfileVerdict::width_name)
      .def_property_readonly("widths",
                             [](const ProfileVerdict& p) {
                               std::vector<double> widths;
                               for (const ProfileStep& s : p.steps) widths.push_back(s.width);
                               return widths;
                             })
      .def_property_readonly("best",
                             [](const ProfileVerdict& p) {
                               std::vector<std::string> best;
                               for (const ProfileStep& s : p.steps) best.push_back(s.best_named);
                               return best;
                             },
                             "per width, the best candidate a user can run by name")
      .def_readonly("changes", &ProfileVerdict::changes,
                    "indices of the widths where the best choice changes")
      .def_property_readonly("sentence", &ProfileSentence);
}

}  // namespace

void BindChoose(py::module_& m) {
  BindScores(m);
  BindNeighbourhoodChoice(m);
  BindProfileChoice(m);
  py::class_<PythonChooseResult>(m, "ChooseResult",
                                 "What lfa.choose measured and its answer.")
      .def_readonly("model", &PythonChooseResult::model)
      .def_readonly("input_shape", &PythonChooseResult::input_shape)
      .def_readonly("targets", &PythonChooseResult::targets, "the explained output, in words")
      .def_readonly("skipped", &PythonChooseResult::skipped,
                    "candidates left out, with the reason")
      .def_readonly("neighbourhoods", &PythonChooseResult::choices,
                    "one NeighbourhoodChoice per neighbourhood (profiles expanded), as given")
      .def_readonly("profiles", &PythonChooseResult::profiles)
      .def_readonly("answer", &PythonChooseResult::answer, "the paragraph `lfa choose` prints")
      .def_property_readonly(
          "recommendation",
          [](const PythonChooseResult& r) {
            py::dict chosen;
            for (const PythonNeighbourhoodChoice& c : r.choices)
              chosen[py::str(c.result.neighbourhood.Name())] = py::cast(c.verdict.Chosen());
            return chosen;
          },
          "{neighbourhood name: the candidates its verdict chooses, best first}")
      .def("__repr__", [](const PythonChooseResult& r) {
        return Concat("ChooseResult(", std::to_string(r.choices.size()), " neighbourhood(s))");
      });

  py::class_<GivenComposition>(m, "GivenComposition")
      .def(py::init<std::string, std::string>(), "text"_a, "source"_a);
  m.def(
      "choose",
      [](const PythonModel& model, const torch::Tensor& inputs,
         std::optional<torch::Tensor> targets, std::vector<GivenComposition> neighbourhoods,
         std::string candidates, std::vector<GivenComposition> specs, std::string profile,
         int64_t samples, int64_t evaluation_samples, uint64_t seed, double level,
         std::optional<std::string> device, std::optional<int64_t> batch_size, std::string out) {
        PythonChooseOptions options{.neighbourhoods = std::move(neighbourhoods),
                                    .candidates = std::move(candidates),
                                    .specs = std::move(specs),
                                    .profile = std::move(profile),
                                    .samples = samples,
                                    .evaluation_samples = evaluation_samples,
                                    .seed = seed,
                                    .level = level,
                                    .out = std::move(out)};
        return ChoosePoints(model, inputs, targets, options, {device, batch_size});
      },
      "model"_a, "inputs"_a, "targets"_a, "neighbourhoods"_a, "candidates"_a, "specs"_a,
      "profile"_a, "samples"_a, "evaluation_samples"_a, "seed"_a, "level"_a, "device"_a,
      "batch_size"_a, "out"_a);
}

}  // namespace lfa
