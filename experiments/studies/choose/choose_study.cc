#include "experiments/studies/choose/choose_study.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include <c10/util/Exception.h>

#include "experiments/data/model_source.h"
#include "experiments/data/points_input.h"
#include "experiments/io/spec_file.h"
#include "experiments/io/text.h"
#include "experiments/studies/choose/candidate.h"
#include "experiments/studies/choose/neighbourhood_of_interest.h"
#include "experiments/studies/choose/plots.h"
#include "experiments/studies/choose/prose.h"
#include "experiments/studies/choose/recipe_defaults.h"
#include "experiments/studies/choose/report.h"
#include "experiments/studies/choose/run.h"
#include "experiments/studies/choose/tables.h"
#include "experiments/studies/choose/verdict.h"
#include "experiments/studies/common/study_output.h"
#include "explainers/image_methods.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "models/mlp_model.h"

namespace lfa {
namespace {

bool IsJsonFile(const std::string& text) {
  return text.size() > 5 && text.substr(text.size() - 5) == ".json";
}

std::shared_ptr<Model> LoadModel(const ChooseOptions& options, std::string* description) {
  if (options.activations.empty()) {
    OpenedModel opened = OpenModel(options.model, {.cache_dir = options.cache_dir});
    *description = opened.description;
    return opened.model;
  }
  if (options.model.rfind("zoo:", 0) == 0)
    Fail("--activations describes a state-dict file; '", options.model, "' is a zoo model");
  *description = Concat(options.model, " (state dict, ", options.activations, ")");
  return std::make_shared<MlpModel>(options.model, MlpArchitecture::Parse(options.activations));
}

// The data's points must fit the model; the explained output must exist. Returns the targets.
torch::Tensor ChooseTargets(const ChooseOptions& options, const Points& data, Oracle& oracle,
                            std::string* description) {
  const std::vector<int64_t> model_shape = oracle.model().input_shape();
  if (!model_shape.empty() && NumElements(model_shape) != NumElements(data.shape))
    Fail("data file '", options.data, "' has ", NumElements(data.shape),
         data.from_idx ? " value(s) per row" : " feature column(s)", " but model '", options.model,
         "' expects ", NumElements(model_shape), " input(s)",
         options.label_column.empty() && NumElements(data.shape) == NumElements(model_shape) + 1
             ? " (is the last column the target? pass --label-column last)"
             : "");
  int64_t outputs = 0;
  try {
    outputs = oracle.NumOutputs(data.shape);
  } catch (const c10::Error& e) {
    const std::string what = e.what();
    Fail("model '", options.model, "' cannot evaluate inputs of shape ",
         c10::IntArrayRef(data.shape), ": ", what.substr(0, what.find('\n')));
  }
  const int64_t rows = data.values.size(0);
  if (options.output_index) {
    if (*options.output_index >= outputs)
      Fail("--output-index ", *options.output_index, " is out of range: the model has ", outputs,
           " output(s)");
    *description = Concat("output ", std::to_string(*options.output_index));
    return Targets(*options.output_index, rows);
  }
  if (outputs == 1) {
    *description = "output 0";
    return Targets(0, rows);
  }
  *description = "the predicted class";
  return oracle.Outputs(data.values).argmax(1);
}

std::vector<NeighbourhoodOfInterest> ChooseNeighbourhoods(const ChooseOptions& options,
                                                          const std::vector<int64_t>& shape) {
  std::vector<NeighbourhoodOfInterest> neighbourhoods;
  for (const std::string& text : options.neighbourhoods)
    neighbourhoods.push_back(IsJsonFile(text) ? SpecNeighbourhood(ReadSpecFile(text), text)
                                              : ParseNamedNeighbourhood(text, shape));
  std::optional<WidthProfile> profile;
  if (!options.profile.empty()) profile = ParseWidthProfile(options.profile);
  return ExpandProfile(neighbourhoods, profile, shape);
}

void CheckOutputDirectory(const std::string& out) {
  std::error_code error;
  if (std::filesystem::exists(out, error) && !std::filesystem::is_directory(out, error))
    Fail("--out '", out, "' exists and is not a directory");
}

}  // namespace

std::vector<Candidate> ChooseCandidates(const std::string& list,
                                        const std::vector<CandidateSpec>& specs,
                                        const std::vector<int64_t>& shape, bool has_layers,
                                        int64_t samples, std::vector<std::string>* skipped) {
  std::vector<Candidate> candidates;
  for (const std::string& name : ExpandCandidateNames(list, shape, has_layers))
    candidates.push_back(NamedCandidate(name, shape, samples, has_layers));
  if (IsImageShape(shape) && !has_layers && Split(list).front() == "all") {
    // A named string, not a literal pushed as a temporary: GCC 12 warns falsely on the latter.
    const std::string reason =
        "gradcam, gradcampp, smoothgradcampp: the model has no named layers (a zoo model or a "
        "TorchScript Sequential has them)";
    skipped->push_back(reason);
  }
  for (const CandidateSpec& given : specs)
    candidates.push_back(CompositionCandidate(
        given.spec, SpecNeighbourhood(given.spec, given.source).label, CandidateKind::kSpec,
        samples));
  for (size_t i = 0; i < candidates.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (candidates[i].name == candidates[j].name)
        Fail("two candidates are named '", candidates[i].name,
             "'; give the specs distinct \"name\"s");
  return candidates;
}

bool ChooseOptions::IsValid(std::string* error) const {
  std::ostringstream o;
  if (out.empty()) {
    o << "--out is required (the output directory)";
  } else if (model.empty()) {
    o << "--model is required (a TorchScript file, a state dict with --activations, or zoo:ARCH)";
  } else if (data.empty()) {
    o << "--data is required (a CSV file with a header row, or an IDX file)";
  } else if (neighbourhoods.empty()) {
    o << "no neighbourhood of interest: give --neighbourhood NAME[:key=value,...] or FILE.json";
  } else if (samples < 1) {
    o << "--samples must be >= 1, got " << samples;
  } else if (evaluation_samples < 1) {
    o << "--evaluation-samples must be >= 1, got " << evaluation_samples;
  } else if (!(level > 0 && level < 1)) {
    o << "--level must be in (0, 1), got " << level;
  } else if (batch_size < 0) {
    o << "--batch-size must be >= 0 (0: sized from a byte budget), got " << batch_size;
  } else if (output_index && *output_index < 0) {
    o << "--output-index must be >= 0, got " << *output_index;
  } else if (candidates.empty() && candidate_specs.empty()) {
    o << "no candidates: give --candidates (default all) or --spec FILE.json";
  }
  if (o.str().empty()) return true;
  if (error) *error = o.str();
  return false;
}

ChooseResults RunChooseStudy(const ChooseOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  if (!options.profile.empty()) ParseWidthProfile(options.profile);  // fails before loading
  CheckOutputDirectory(options.out);
  ChooseResults results{.data = options.data};
  const std::shared_ptr<Model> model = LoadModel(options, &results.model);
  const Points data = ReadPoints({.path = options.data,
                                  .rows = options.rows,
                                  .label_column = options.label_column,
                                  .input_shape = options.input_shape,
                                  .scale = options.pixel_scale},
                                 model->input_shape());
  Oracle oracle(model, {.device = options.device, .max_batch_rows = options.batch_size});
  const torch::Tensor targets = ChooseTargets(options, data, oracle, &results.targets);
  results.first_row = data.first_row;
  results.input_shape = data.shape;
  const auto neighbourhoods = ChooseNeighbourhoods(options, data.shape);
  std::vector<CandidateSpec> specs;
  for (const std::string& path : options.candidate_specs)
    specs.push_back({ReadSpecFile(path), path});
  const auto candidates = ChooseCandidates(options.candidates, specs, data.shape,
                                           oracle.has_layers(), options.samples, &results.skipped);

  StudyDirectory dir(options.out);
  const ChooseSettings settings{.samples = options.samples,
                                .evaluation_samples = options.evaluation_samples,
                                .level = options.level,
                                .refit_unstated = !IsImageShape(data.shape),
                                .progress = options.progress};
  results.neighbourhoods =
      RunChoose(oracle, MakePointBatch(data.values, options.seed, data.first_row), targets,
                neighbourhoods, candidates, settings);
  WriteChooseCsv(dir.File("choose.csv"), results.neighbourhoods);
  const std::vector<ChoosePlot> plots = DrawChoosePlots(dir.path(), results.neighbourhoods);
  WriteChooseReport(dir.File("report.md"), results, plots);
  dir.Keep();
  std::fprintf(stderr, "%s\nlfa choose: choose.csv, report.md in %s\n", Answer(results).c_str(),
               options.out.c_str());
  return results;
}

}  // namespace lfa
