// lfa.choose: `lfa choose` (experiments/studies/choose/) on a model and points held by Python.
//
// The question is the command's: over the neighbourhood that matters, which explanation's local
// model is most faithful? Every candidate explains the points once; each neighbourhood of interest
// (a composition Z, loss l, surrogate G) scores every candidate's stated local model by its LFA
// loss E_Z[l] on fresh samples, paired over the points, and a verdict names the choice (verdict.h).
// ChoosePoints runs exactly what RunChooseStudy runs after it has read its files: the same
// neighbourhood names and specs, candidate lists, profiles, settings and seeds, so the same model,
// points and seed give the numbers `lfa choose` writes to choose.csv (points from row 0: point i
// draws the streams of row i of `lfa choose --rows 0:N`).
//
//   explained output (`targets` unset)   output 0 of a one-output model, else each point's
//                                        predicted class (as `lfa choose` without --output-index)
//   out (non-empty)                      also writes choose.csv, report.md and the PNGs there
//
//   PythonChooseOptions options{.neighbourhoods = {{"smoothgrad:sigma=0.2", "neighbourhoods[0]"}}};
//   PythonChooseResult r = ChoosePoints(model, x, std::nullopt, options, {});
//   r.choices.front().verdict.Chosen();   // e.g. {"smoothgrad", "clime"}
//
// WARNING: call it with the GIL held; it releases the GIL around the model queries and checks for
// Ctrl-C before each batch (interrupt.h). The progress line of the command is not printed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/studies/choose/results.h"
#include "experiments/studies/choose/verdict.h"
#include "model_call.h"

namespace lfa {

// A neighbourhood or a candidate composition as Python gave it.
struct GivenComposition {
  // A neighbourhood name with parameters (NAME[:key=value,...]; neighbourhoods only), the path of
  // a JSON spec file (FILE.json), or a spec as JSON text (a Python dict, "{...}").
  std::string text;
  // The argument that held it ("neighbourhoods[1]"): labels a spec that has no "name".
  std::string source;
};

// The options of `lfa choose` that are not files; the defaults are the command's.
struct PythonChooseOptions {
  std::vector<GivenComposition> neighbourhoods;  // >= 1
  std::string candidates = "all";                // all, lfa, classic, image or names
  std::vector<GivenComposition> specs;           // compositions added as candidates
  std::string profile;                           // e.g. sigma:0.01..1:8; empty: none
  int64_t samples = 1000;                        // perturbations per point of the compositions
  int64_t evaluation_samples = 1000;             // fresh samples per point of every loss
  uint64_t seed = 0;
  double level = 0.95;  // of the confidence intervals
  std::string out;      // a directory for the command's files; empty: nothing is written
};

// One neighbourhood of interest (a profile's width counts as one): its scores and their verdict.
struct PythonNeighbourhoodChoice {
  NeighbourhoodResult result;
  NeighbourhoodVerdict verdict;
};

struct PythonChooseResult {
  std::string model;                 // the model's description
  std::vector<int64_t> input_shape;  // of one point
  std::string targets;               // "output 0", "output K", "the predicted class"
  std::vector<std::string> skipped;  // candidates left out, with the reason
  std::vector<PythonNeighbourhoodChoice> choices;  // in the order given, profiles expanded
  std::vector<ProfileVerdict> profiles;            // one per profiled neighbourhood
  std::string answer;                              // the paragraph `lfa choose` prints
};

// Runs `lfa choose` on `inputs` [N, *input_shape] (N >= 2). InvalidInput (ValueError in Python)
// for bad options, names, specs, profiles or targets, before any explanation is computed.
PythonChooseResult ChoosePoints(const PythonModel& model, const torch::Tensor& inputs,
                                const std::optional<torch::Tensor>& targets,
                                const PythonChooseOptions& options, const CallOptions& call);

}  // namespace lfa
