#include "experiments/studies/paper/paper_study.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "experiments/data/paper_data.h"
#include "experiments/io/atomic_file.h"
#include "experiments/parallel/communicator.h"
#include "experiments/parallel/process_group.h"
#include "experiments/parallel/rank_failure.h"
#include "experiments/parallel/shard.h"
#include "experiments/parallel/unit_gather.h"
#include "experiments/report/progress.h"
#include "experiments/studies/common/study_output.h"
#include "framework/unit_threads.h"
#include "experiments/studies/paper/plots.h"
#include "experiments/studies/paper/released.h"
#include "experiments/studies/paper/report.h"
#include "experiments/studies/paper/results.h"
#include "experiments/studies/paper/results_bytes.h"
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

// Fails before the long computation when the output directory cannot be made or written. The
// directory is made for good only when the results are in (WritePaperOutputs): a run killed on
// the way (SIGKILL runs no destructor) leaves no directory behind.
void CheckOutputDirectory(const std::string& out) {
  StudyDirectory probe(out);  // removed again on leaving, when this probe created it
  CheckOutputPath(probe.File("exp1.csv"));
}

// This rank's block of the paper's models (progress on stderr from rank 0), computed
// concurrently on this process's intra-op thread budget, one model per worker, each on one
// LibTorch thread (unit_threads.h). A model's computation depends on the settings and its names
// only, never on the rank or on the threads; the results come back in model order.
std::vector<PaperModelResults> RunModelShard(const PaperRunSettings& settings, const Shard& mine,
                                             const Communicator& world) {
  const auto& models = PaperModels();
  std::string label = "lfa reproduce paper";
  if (world.size() > 1) {
    label += " (rank 0 of ";
    label += std::to_string(world.size());
    label += ")";
  }
  Progress progress(label, mine.size(),
                    world.rank() == 0 ? 0.0 : std::numeric_limits<double>::infinity());
  std::vector<PaperModelResults> results(static_cast<size_t>(mine.size()));
  RunUnitsOnThreads(
      mine.size(),
      [&](int64_t u) {
        const auto& [dataset, model] = models[static_cast<size_t>(mine.begin + u)];
        results[static_cast<size_t>(u)] = RunPaperModel(settings, dataset, model);
      },
      [&](int64_t done) { progress.Update(done); });
  progress.Finish();
  return results;
}

// Rank 0's outputs: the six tables, the plots and the report, each file atomically.
void WritePaperOutputs(const ReproduceOptions& options, const ReleasedNumbers& released,
                       const PaperResults& results) {
  StudyDirectory directory(options.out);
  WritePaperTables(results, directory.path());
  const std::vector<DrawnPlot> plots = DrawPaperPlots(results, directory.path());
  WriteFileAtomically(directory.File("report.md"), PaperReport(results, released, plots));
  directory.Keep();
  std::fprintf(stderr, "lfa reproduce paper: %.1f s, results in %s\n", results.seconds,
               options.out.c_str());
}

}  // namespace

// Under `mpirun -n K` the units are the eight models: rank r computes its block of them
// (BlockShard), each exactly as one process does (a model's points are explained in one batch and
// seeded by the run's seed and their index, so no number depends on K), and rank 0 gathers the
// typed results as raw bytes (results_bytes.h) and writes every output. A failure on any rank
// ends every rank with one message from rank 0 and no output (rank_failure.h).
void RunReproducePaper(const ReproduceOptions& given) {
  Communicator& world = World();
  ReproduceOptions options;
  ReleasedNumbers released;
  const Shard mine =
      BlockShard(static_cast<int64_t>(PaperModels().size()), world.rank(), world.size());
  PaperRunSettings settings;
  RunOnEveryRank(world, [&] {
    options = Resolve(given);
    settings = {.data_dir = options.data_dir, .samples = options.samples, .seed = options.seed};
    if (world.rank() == 0) {
      // Read before the long computation, so that a malformed released table fails at once.
      released = ReadReleasedNumbers(options.reference_dir);
      CheckOutputDirectory(options.out);
    }
    for (int64_t m = mine.begin; m < mine.end; ++m) {
      const auto& [dataset, model] = PaperModels()[static_cast<size_t>(m)];
      CheckPaperModelInputs(settings, dataset, model);
    }
  });
  const auto start = std::chrono::steady_clock::now();
  std::vector<PaperModelResults> local;
  RunOnEveryRank(world, [&] { local = RunModelShard(settings, mine, world); });
  PaperResults results{.samples = options.samples,
                       .seed = options.seed,
                       .convergence_points = kConvergencePoints,
                       .max_enumerated_features = kMaxEnumeratedFeatures,
                       .reference_samples = kReferenceSamples,
                       .processes = world.size()};
  results.models = GatherUnits(world, local, EncodePaperModelResults, DecodePaperModelResults);
  results.seconds = SecondsSince(start);
  results.threads = at::get_num_threads();
  RunOnEveryRank(world, [&] {
    if (world.rank() == 0) WritePaperOutputs(options, released, results);
  });
}

}  // namespace lfa
