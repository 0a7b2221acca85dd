// `lfa choose`: which explanation should I choose for my model, my data and the neighbourhood
// that matters for my application?
//
// The paper's guiding principle (Han, Srinivas & Lakkaraju 2022): choose the explanation whose
// local approximation is most faithful over the neighbourhood that matters, and know that no
// method wins every neighbourhood. For the user's model (TorchScript, a state-dict MLP, a zoo
// model) and points (a CSV table, an IDX image file), RunChooseStudy
//   1. explains the points with every candidate (candidate.h; default: every explainer that
//      applies to the input),
//   2. scores each over every neighbourhood of interest (neighbourhood_of_interest.h), a width
//      profile swept where asked, with the neighbourhood's own composition always among them
//      (run.h),
//   3. judges each neighbourhood (verdict.h) and writes, each atomically:
//        choose.csv    every candidate's scores per neighbourhood (tables.h)
//        report.md     the answer, the tables, the verdicts, the plots (report.h)
//        loss_<k>.png, profile_<k>.png   (plots.h; when gnuplot is installed)
//      and prints the one-paragraph answer on stderr.
// Bad input (a flag, a file, a name, a spec, a shape) is one InvalidInput before anything is
// written; the output directory is then left as it was (or not created).
//
//   ChooseOptions options;
//   options.model = "heloc_ffnnA.torchscript.pt";
//   options.data = "heloc-clean-test20-normalized-subset.csv";
//   options.label_column = "last";
//   options.neighbourhoods = {"smoothgrad", "lime"};
//   options.out = "out/choose";
//   RunChooseStudy(options);
//
// WARNING: the default output is the model's output 0 for single-output models and the
// predicted class otherwise; pass output_index to explain another.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/studies/choose/candidate.h"
#include "experiments/studies/choose/results.h"

namespace lfa {

struct ChooseOptions {
  std::string model;         // FILE (TorchScript, or a state dict with `activations`) or zoo:ARCH
  std::string activations;   // a state-dict MLP's "hidden:output" activations (models/mlp_model.h)
  std::string data;          // CSV with a header row, or IDX (experiments/data/points_input.h)
  std::string rows;          // BEGIN:END (END exclusive); empty: every row
  std::string label_column;  // CSV column to drop: a name or "last"
  std::vector<int64_t> input_shape;          // of one point; empty: from the data and the model
  std::optional<double> pixel_scale;         // multiplies the data (default 1/255 for uint8 IDX)
  std::vector<std::string> neighbourhoods;   // NAME[:key=value,...] or FILE.json (>= 1)
  std::string candidates = "all";            // names, all, lfa, classic, image (candidate.h)
  std::vector<std::string> candidate_specs;  // JSON compositions, added as candidates
  std::string profile;                       // e.g. sigma:0.01..1:8; empty: none
  int64_t samples = 1000;                    // perturbations per point of the compositions
  int64_t evaluation_samples = 1000;         // fresh samples per point of every loss
  uint64_t seed = 0;
  double level = 0.95;                  // of the confidence intervals
  std::optional<int64_t> output_index;  // the explained output; default: see the WARNING
  std::string device = "cpu";
  int64_t batch_size = 0;      // rows per model call; 0: the Oracle's byte-sized batches
  std::string cache_dir;       // zoo cache (default LFA_CACHE_DIR or ~/.cache/lfa)
  std::string out;             // output directory (required)
  bool progress = true;

  // The checks that need no file. False with `error` set.
  bool IsValid(std::string* error) const;
};

// Runs and writes everything (see above); returns the results it wrote.
ChooseResults RunChooseStudy(const ChooseOptions& options);

// A composition given as a candidate: its spec, and where it came from (a file's path; in Python
// the argument that held it), which labels it when the spec has no "name".
struct CandidateSpec {
  nlohmann::json spec;
  std::string source;
};

// The candidates of a run, on points of `shape`: the names of `list` (ExpandCandidateNames), then
// `specs`, every composition with `samples` perturbations per point. The CAMs that "all" leaves
// out for a model without named layers are noted in `skipped`. InvalidInput when two candidates
// share a name. (RunChooseStudy and the Python binding lfa.choose both build them here.)
std::vector<Candidate> ChooseCandidates(const std::string& list,
                                        const std::vector<CandidateSpec>& specs,
                                        const std::vector<int64_t>& shape, bool has_layers,
                                        int64_t samples, std::vector<std::string>* skipped);

}  // namespace lfa
