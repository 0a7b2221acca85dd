#include "experiments/studies/images/image_study.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "experiments/data/fashion_mnist.h"
#include "experiments/io/atomic_file.h"
#include "experiments/io/text.h"
#include "experiments/parallel/communicator.h"
#include "experiments/parallel/process_group.h"
#include "experiments/parallel/rank_failure.h"
#include "experiments/parallel/shard.h"
#include "experiments/parallel/unit_gather.h"
#include "experiments/report/progress.h"
#include "experiments/studies/common/study_models.h"
#include "experiments/studies/common/study_output.h"
#include "experiments/studies/images/heatmaps.h"
#include "experiments/studies/images/images_bytes.h"
#include "experiments/studies/images/nfl.h"
#include "experiments/studies/images/report.h"
#include "experiments/studies/images/results.h"
#include "experiments/studies/images/run.h"
#include "experiments/studies/images/tables.h"
#include "experiments/zoo/model_zoo.h"
#include "framework/errors.h"

namespace lfa {
namespace {

template <typename... Parts>
bool Reject(std::string* error, const Parts&... parts) {
  std::ostringstream message;
  (message << ... << parts);
  if (error) *error = message.str();
  return false;
}

}  // namespace

bool ImageStudyOptions::IsValid(std::string* error) const {
  if (!CheckStudyOutAndPoints(out, points, error)) return false;
  if (samples < 10) return Reject(error, "--samples must be >= 10, got ", samples);
  if (patch < 1 || 28 % patch != 0)
    return Reject(error, "--patch must divide 28 (1, 2, 4, 7, 14, 28), got ", patch);
  if (heatmap_images < 0) return Reject(error, "--heatmap-images must be >= 0, got ", heatmap_images);
  if (noisy_copies < 1) return Reject(error, "--noisy-copies must be >= 1, got ", noisy_copies);
  if (models.empty()) return Reject(error, "--models is empty");
  const auto known = ZooArchitectures();
  for (const auto& m : models)
    if (std::find(known.begin(), known.end(), m) == known.end())
      return Reject(error, "--models: unknown zoo architecture '", m, "' (", Join(known, ", "), ")");
  return NflSweepIsValid(error);
}

bool ImageStudyOptions::NflSweepIsValid(std::string* error) const {
  for (size_t i = 0; i < nfl_samples.size(); ++i) {
    if (nfl_samples[i] < 10) return Reject(error, "--nfl-samples: each count must be >= 10, got ", nfl_samples[i]);
    if (i > 0 && nfl_samples[i] <= nfl_samples[i - 1])
      return Reject(error, "--nfl-samples must be ascending without repeats, got ", nfl_samples[i - 1],
                    " then ", nfl_samples[i]);
  }
  if (!nfl_samples.empty() && nfl_sweep_methods.empty())
    return Reject(error, "--nfl-sweep-methods is empty");
  for (const auto& m : nfl_sweep_methods)
    if (!IsSampledNflMethod(m))
      return Reject(error, "--nfl-sweep-methods: '", m,
                    "' is not a sampled method of the matrix (lime, clime, smoothgrad, integrated_gradients)");
  return true;
}

namespace {

// The models' records as one process would state them: under several ranks, rank 0 loads (or
// trains, into the shared zoo cache) every model first, so that the others load theirs from the
// cache and models.csv says how each model was first obtained; with one process, empty (each
// model's record comes from StudyImageModel itself).
std::vector<StudyModel> ImageStudyRecords(const ImageStudyOptions& options, const FashionMnist& data,
                                          Communicator& world) {
  std::vector<StudyModel> records;
  if (world.size() == 1) return records;
  RunOnEveryRank(world, [&] {
    if (world.rank() != 0) return;
    for (const std::string& architecture : options.models) {
      // The training StudyImageModel asks the zoo for (run.cc), so both find the same cache entry.
      const ZooTrainingOptions training{.architecture = architecture, .progress = true};
      LoadStudyModel("study images", architecture, training, data, options.cache_dir,
                     &records.emplace_back());
    }
  });
  return records;
}

// Fails before the long computation when the output directory cannot be made or written, and
// removes it again when it made it (as `reproduce paper` does): a job killed on the way leaves
// no directory behind (SIGKILL runs no destructor).
void ProbeImageStudyOutput(const std::string& out) {
  StudyDirectory probe(out);
  CheckOutputPath(probe.File("models.csv"));
}

// Draws a computed model's montages from its maps and adds it to the results; rewrites the tables
// so far (a long run shows progress).
void AddImageModel(const ImageStudyOptions& options, const std::string& architecture,
                   const torch::Tensor& images, ImageModelResult model, ImageStudyResults* results) {
  model.montages = WriteImageStudyMontages(options.out, architecture, images, model.montage_maps,
                                           options.heatmap_images);
  results->models.push_back(std::move(model));
  WriteImageStudyTables(options.out, *results);
}

}  // namespace

// Under `mpirun -n K` the units are the models: rank r computes its block of options.models and
// rank 0 gathers them (images_bytes.h) and alone writes every file. A failure on any rank ends
// every rank with one message from rank 0 and leaves no output directory (rank 0 makes it only to
// write). One process adds each model's files as soon as it is done, as it always did.
void RunImageStudy(const ImageStudyOptions& options) {
  Communicator& world = World();
  const bool writer = world.rank() == 0;
  const bool alone = world.size() == 1;
  const auto start = std::chrono::steady_clock::now();
  std::optional<StudyDirectory> out;
  std::optional<StudyDirectory> heatmaps;
  // Several ranks make the directory only to write the results: a failure leaves none.
  const auto open_output = [&] {
    out.emplace(options.out);
    heatmaps.emplace(out->File("heatmaps"));
  };
  FashionMnist data;
  torch::Tensor images;
  RunOnEveryRank(world, [&] {
    std::string error;
    if (!options.IsValid(&error)) Fail("lfa study images: ", error);
    if (alone) open_output();
    else if (writer) ProbeImageStudyOutput(options.out);
    data = LoadFashionMnist(options.fashion_mnist);
    images = FirstTestImages(data, options.points);
  });
  ImageStudyResults results = NewImageStudyResults(options, images);
  const std::vector<StudyModel> records = ImageStudyRecords(options, data, world);
  const Shard mine = BlockShard(static_cast<int64_t>(options.models.size()), world.rank(), world.size());
  std::vector<ImageModelResult> local;
  RunOnEveryRank(world, [&] {
    for (int64_t u = mine.begin; u < mine.end; ++u) {
      const std::string& architecture = options.models[static_cast<size_t>(u)];
      ImageModelResult model = StudyImageModel(options, data, images, architecture);
      if (alone) AddImageModel(options, architecture, images, std::move(model), &results);
      else local.push_back(std::move(model));
    }
  });
  std::vector<ImageModelResult> gathered =
      GatherUnits(world, local, EncodeImageModelResult, DecodeImageModelResult);  // alone: none
  RunOnEveryRank(world, [&] {
    if (!writer) return;
    if (!alone) open_output();
    for (size_t u = 0; u < gathered.size(); ++u) {
      gathered[u].model = records[u];
      AddImageModel(options, options.models[u], images, std::move(gathered[u]), &results);
    }
    results.seconds = SecondsSince(start);
    WriteImageStudyReport(out->File("report.md"), results);
    heatmaps->Keep();
    out->Keep();
    std::fprintf(stderr, "study images: %.0f s; wrote %s/{models,metrics,nfl}.csv, heatmaps/, report.md\n",
                 results.seconds, options.out.c_str());
  });
}

}  // namespace lfa
