#include "python_choose.h"

#include <utility>

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

#include "experiments/io/spec_file.h"
#include "experiments/studies/choose/candidate.h"
#include "experiments/studies/choose/choose_study.h"
#include "experiments/studies/choose/neighbourhood_of_interest.h"
#include "experiments/studies/choose/plots.h"
#include "experiments/studies/choose/prose.h"
#include "experiments/studies/choose/recipe_defaults.h"
#include "experiments/studies/choose/report.h"
#include "experiments/studies/choose/run.h"
#include "experiments/studies/choose/tables.h"
#include "experiments/studies/common/study_output.h"
#include "framework/errors.h"
#include "framework/explainer.h"

namespace lfa {
namespace {

bool IsJsonText(const std::string& text) { return text.rfind('{', 0) == 0; }

bool IsJsonFile(const std::string& text) {
  return text.size() > 5 && text.substr(text.size() - 5) == ".json";
}

// A spec from JSON text (a Python dict) or a spec file.
nlohmann::json ReadGivenSpec(const GivenComposition& given) {
  if (!IsJsonText(given.text)) return ReadSpecFile(given.text);
  try {
    return nlohmann::json::parse(given.text);
  } catch (const nlohmann::json::parse_error& e) {
    Fail(given.source, " is not valid JSON (", e.what(), ")");
  }
}

std::vector<NeighbourhoodOfInterest> Neighbourhoods(const PythonChooseOptions& options,
                                                    const std::vector<int64_t>& shape) {
  std::vector<NeighbourhoodOfInterest> neighbourhoods;
  for (const GivenComposition& given : options.neighbourhoods) {
    if (IsJsonText(given.text) || IsJsonFile(given.text))
      neighbourhoods.push_back(SpecNeighbourhood(
          ReadGivenSpec(given), IsJsonText(given.text) ? given.source : given.text));
    else
      neighbourhoods.push_back(ParseNamedNeighbourhood(given.text, shape));
  }
  std::optional<WidthProfile> profile;
  if (!options.profile.empty()) profile = ParseWidthProfile(options.profile);
  return ExpandProfile(neighbourhoods, profile, shape);
}

// The explained outputs, described as the report does; `given` unset: see the header.
torch::Tensor ExplainedOutputs(ModelCall& call, const torch::Tensor& inputs,
                               const std::optional<torch::Tensor>& given,
                               std::string* description) {
  if (given) {
    *description = given->dim() == 0 ? Concat("output ", std::to_string(given->item<int64_t>()))
                                     : std::string("the given output of each point");
    return call.targets();
  }
  if (call.outputs() == 1) {
    *description = "output 0";
    return call.targets();
  }
  *description = "the predicted class";
  pybind11::gil_scoped_release release;
  return call.oracle().Outputs(inputs).argmax(1);
}

void WriteCommandFiles(const std::string& out, const ChooseResults& results) {
  StudyDirectory dir(out);
  WriteChooseCsv(dir.File("choose.csv"), results.neighbourhoods);
  const std::vector<ChoosePlot> plots = DrawChoosePlots(dir.path(), results.neighbourhoods);
  WriteChooseReport(dir.File("report.md"), results, plots);
  dir.Keep();
}

}  // namespace

PythonChooseResult ChoosePoints(const PythonModel& model, const torch::Tensor& inputs,
                                const std::optional<torch::Tensor>& targets,
                                const PythonChooseOptions& options,
                                const CallOptions& call_options) {
  const ChooseSettings settings{.samples = options.samples,
                                .evaluation_samples = options.evaluation_samples,
                                .level = options.level,
                                .progress = false};
  std::string error;
  if (!settings.IsValid(&error)) throw InvalidInput(error);
  if (options.neighbourhoods.empty())
    Fail("no neighbourhood of interest: give a name (e.g. 'smoothgrad:sigma=0.2'), a spec dict "
         "or a FILE.json");
  if (!options.profile.empty()) ParseWidthProfile(options.profile);  // fails before the model
  ModelCall call(model, inputs,
                 targets ? targets : std::optional<torch::Tensor>(torch::tensor(int64_t{0})),
                 call_options);
  ChooseResults results{.model = model.model->description(), .data = "a tensor from Python"};
  results.input_shape = call.input_shape();
  const torch::Tensor explained = ExplainedOutputs(call, inputs, targets, &results.targets);
  const auto neighbourhoods = Neighbourhoods(options, results.input_shape);
  std::vector<CandidateSpec> specs;
  for (const GivenComposition& given : options.specs)
    specs.push_back({ReadGivenSpec(given), IsJsonText(given.text) ? given.source : given.text});
  const std::vector<Candidate> candidates =
      ChooseCandidates(options.candidates, specs, results.input_shape, call.oracle().has_layers(),
                       options.samples, &results.skipped);
  ChooseSettings run_settings = settings;
  run_settings.refit_unstated = !IsImageShape(results.input_shape);
  {
    pybind11::gil_scoped_release release;
    results.neighbourhoods = RunChoose(call.oracle(), MakePointBatch(inputs, options.seed),
                                       explained, neighbourhoods, candidates, run_settings);
  }
  if (!options.out.empty()) WriteCommandFiles(options.out, results);

  PythonChooseResult out{.model = results.model,
                         .input_shape = results.input_shape,
                         .targets = results.targets,
                         .skipped = results.skipped,
                         .profiles = JudgeProfiles(results.neighbourhoods),
                         .answer = Answer(results)};
  for (NeighbourhoodResult& result : results.neighbourhoods) {
    NeighbourhoodVerdict verdict = JudgeNeighbourhood(result);
    out.choices.push_back({std::move(result), std::move(verdict)});
  }
  return out;
}

}  // namespace lfa
