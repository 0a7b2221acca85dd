#include "experiments/studies/paper/paper_study.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "experiments/data/paper_data.h"
#include "experiments/io/atomic_file.h"
#include "experiments/report/progress.h"
#include "experiments/studies/common/study_output.h"
#include "experiments/studies/paper/plots.h"
#include "experiments/studies/paper/released.h"
#include "experiments/studies/paper/report.h"
#include "experiments/studies/paper/results.h"
#include "experiments/studies/paper/run.h"
#include "experiments/studies/paper/tables.h"
#include "framework/errors.h"

namespace lfa {
namespace {

// The options with their defaults filled in (data and reference directories), checked.
ReproduceOptions Resolve(const ReproduceOptions& given) {
  ReproduceOptions options = given;
  if (options.data_dir.empty()) {
    const std::optional<std::string> dir = DataDirFromEnvironment();
    if (!dir)
      Fail(
          "reproduce paper: give --data-dir (or set LFA_DATA_DIR) to a directory holding "
          "lfa-paper/");
    options.data_dir = *dir;
  }
  if (!std::filesystem::is_directory(options.data_dir + "/lfa-paper"))
    Fail("reproduce paper: '", options.data_dir, "' does not hold lfa-paper/");
  if (options.samples < 1) Fail("--samples must be > 0, got ", options.samples);
  if (options.reference_dir.empty()) {
    const std::string guess = options.data_dir + "/../reference/lfa-paper";
    if (std::filesystem::is_directory(guess)) options.reference_dir = guess;
  } else if (!std::filesystem::is_directory(options.reference_dir)) {
    Fail("reproduce paper: --reference-dir '", options.reference_dir, "' is not a directory");
  }
  return options;
}

}  // namespace

void RunReproducePaper(const ReproduceOptions& given) {
  const ReproduceOptions options = Resolve(given);
  // Read before the long computation, so that a malformed released table fails at once.
  const ReleasedNumbers released = ReadReleasedNumbers(options.reference_dir);
  StudyDirectory directory(options.out);
  CheckOutputPath(directory.File("exp1.csv"));
  const auto start = std::chrono::steady_clock::now();

  const PaperRunSettings settings{
      .data_dir = options.data_dir, .samples = options.samples, .seed = options.seed};
  PaperResults results{.samples = options.samples,
                       .seed = options.seed,
                       .convergence_points = kConvergencePoints,
                       .max_enumerated_features = kMaxEnumeratedFeatures,
                       .reference_samples = kReferenceSamples};
  Progress progress("lfa reproduce paper", static_cast<int64_t>(PaperModels().size()), 0.0);
  for (const auto& [dataset, model] : PaperModels()) {
    results.models.push_back(RunPaperModel(settings, dataset, model));
    progress.Update(static_cast<int64_t>(results.models.size()));
  }
  progress.Finish();
  results.seconds = SecondsSince(start);
  results.threads = at::get_num_threads();

  WritePaperTables(results, directory.path());
  const std::vector<DrawnPlot> plots = DrawPaperPlots(results, directory.path());
  WriteFileAtomically(directory.File("report.md"), PaperReport(results, released, plots));
  directory.Keep();
  std::fprintf(stderr, "lfa reproduce paper: %.1f s, results in %s\n", results.seconds,
               options.out.c_str());
}

}  // namespace lfa
