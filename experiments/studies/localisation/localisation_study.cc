#include "experiments/studies/localisation/localisation_study.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>
#include <utility>

#include "experiments/data/fashion_mnist.h"
#include "experiments/data/ground_truth.h"
#include "experiments/io/text.h"
#include "experiments/parallel/communicator.h"
#include "experiments/parallel/process_group.h"
#include "experiments/parallel/rank_failure.h"
#include "experiments/parallel/shard.h"
#include "experiments/parallel/unit_gather.h"
#include "experiments/report/progress.h"
#include "experiments/studies/common/study_output.h"
#include "experiments/studies/localisation/localisation_bytes.h"
#include "experiments/studies/localisation/localisation_methods.h"
#include "experiments/studies/localisation/localisation_report.h"
#include "experiments/studies/localisation/localisation_results.h"
#include "experiments/zoo/model_zoo.h"
#include "framework/errors.h"
#include "framework/oracle.h"
#include "metrics/localisation.h"
#include "metrics/summary.h"

namespace lfa {
namespace {

LocalisationOptions VariantOptions(MapVariant variant) {
  return variant == MapVariant::kAbsolute ? LocalisationOptions{}
                                          : LocalisationOptions{.keep_top_fraction = kTopFraction};
}

// Every metric of every variant of `maps` against `mask`.
MethodScores ScoreMaps(const std::string& method, const torch::Tensor& maps,
                       const torch::Tensor& mask) {
  MethodScores scores;
  scores.method = method;
  for (MapVariant variant : kMapVariants) {
    const LocalisationScores s = ScoreLocalisation(maps, mask, VariantOptions(variant));
    for (const auto& [metric, per_image] :
         {std::pair{LocalisationMetric::kMassAccuracy, s.mass},
          std::pair{LocalisationMetric::kRankAccuracy, s.rank},
          std::pair{LocalisationMetric::kPointingGame, s.pointing}}) {
      const MetricSummary summary = Summarize(per_image);
      scores.at(metric, variant) = {summary.mean, summary.sem};
    }
  }
  return scores;
}

MaskScores EmptyMaskScores(const std::string& name, const std::string& task,
                           const torch::Tensor& mask) {
  MaskScores scores;
  scores.name = name;
  scores.task = task;
  scores.mask_pixels = mask.sum().item<int64_t>();
  scores.area = mask.to(torch::kDouble).mean().item<double>();
  return scores;
}

// The zoo training of the task's cnn.
ZooTrainingOptions TaskTraining(const GroundTruthTask& task, const LocalisationStudyOptions& options) {
  ZooTrainingOptions training;
  training.architecture = "cnn";
  training.classes = task.classes;
  training.epochs = options.epochs;
  training.seed = options.seed;
  return training;
}

// The task's cnn from the zoo (trained on the task's labels, or from the cache).
ZooEntry TaskModelEntry(const GroundTruthTask& task, const LocalisationStudyOptions& options,
                        TaskModel* model) {
  ZooTrainingOptions training = TaskTraining(task, options);
  training.progress = true;
  std::fprintf(stderr, "study localisation: task %s: %s\n", task.name.c_str(),
               task.description.c_str());
  ZooEntry entry = LoadOrTrain(training, task.data, options.cache_dir);
  std::fprintf(stderr, "study localisation: %s cnn test accuracy %.4f (%s)\n", task.name.c_str(),
               entry.test_accuracy, entry.from_cache ? "cached" : "trained");
  model->task = task.name;
  model->description = task.description;
  model->classes = task.classes;
  model->test_accuracy = entry.test_accuracy;
  model->train_seconds = entry.train_seconds;
  model->from_cache = entry.from_cache;
  if (task.classes == 2)
    model->positive_fraction = task.data.test_labels.to(torch::kDouble).mean().item<double>();
  return entry;
}

// The masks a task's maps are scored against, each with its (still empty) scores: its own, and
// for the control the two-block mask as well.
std::vector<std::pair<MaskScores, torch::Tensor>> TaskMasks(const GroundTruthTask& task) {
  std::vector<std::pair<MaskScores, torch::Tensor>> masks;
  masks.emplace_back(EmptyMaskScores(task.name, task.name, task.mask), task.mask);
  if (task.name == "control") {
    const torch::Tensor two_blocks = BlockMask({UpperLeftBlock(), LowerRightBlock()});
    masks.emplace_back(EmptyMaskScores("control_two_blocks", task.name, two_blocks), two_blocks);
  }
  return masks;
}

// Explains `images` with the methods of `mine` (indices into LocalisationMethods()) on the task's
// model and scores each method's maps against every mask of the task: one MethodScores per mask
// for each method, in method order. A method's maps depend on the options and the images only,
// never on the rank that computes them.
std::vector<std::vector<MethodScores>> ScoreTaskMethods(
    const GroundTruthTask& task, const ZooEntry& entry, const torch::Tensor& images,
    const LocalisationStudyOptions& options, const Shard& mine, bool show_progress) {
  const auto masks = TaskMasks(task);
  Oracle oracle(entry.model, {.device = options.device});
  const torch::Tensor targets = oracle.Outputs(images).argmax(1);
  const auto& methods = LocalisationMethods();
  Progress progress("study localisation " + task.name + ": explain", mine.size(),
                    show_progress ? 0.0 : std::numeric_limits<double>::infinity());
  std::vector<std::vector<MethodScores>> scored;
  for (int64_t m = mine.begin; m < mine.end; ++m) {
    const std::string& method = methods[static_cast<size_t>(m)];
    const torch::Tensor maps = LocalisationMaps(method, oracle, images, targets,
                                                {.samples = options.samples, .seed = options.seed});
    std::vector<MethodScores>& per_mask = scored.emplace_back();
    for (const auto& [scores, mask] : masks) per_mask.push_back(ScoreMaps(method, maps, mask));
    progress.Update(m + 1 - mine.begin);
  }
  progress.Finish();
  return scored;
}

// One task under `world`: rank 0 trains the task's cnn (or loads it from the zoo cache) and
// rewrites models.csv, then every other rank loads it from the cache; each rank scores its block
// of the methods, and rank 0 gathers them in method order and rewrites localisation.csv.
void RunLocalisationTask(const std::string& name, const FashionMnist& data,
                         const torch::Tensor& images, const LocalisationStudyOptions& options,
                         Communicator& world, LocalisationResults* results) {
  const bool writer = world.rank() == 0;
  const GroundTruthTask task = MakeGroundTruthTask(name, data);
  ZooEntry entry;
  RunOnEveryRank(world, [&] {
    if (!writer) return;
    results->models.emplace_back();
    entry = TaskModelEntry(task, options, &results->models.back());
    WriteModelsTable(*results, options.out);
  });
  RunOnEveryRank(world, [&] {
    if (!writer) entry = LoadOrTrain(TaskTraining(task, options), task.data, options.cache_dir);
  });
  const Shard mine =
      BlockShard(static_cast<int64_t>(LocalisationMethods().size()), world.rank(), world.size());
  std::vector<std::vector<MethodScores>> local;
  RunOnEveryRank(world, [&] {
    local = ScoreTaskMethods(task, entry, images, options, mine, writer);
  });
  const std::vector<std::vector<MethodScores>> all =
      GatherUnits(world, local, EncodeMethodMaskScores, DecodeMethodMaskScores);
  RunOnEveryRank(world, [&] {
    if (!writer) return;
    auto masks = TaskMasks(task);
    for (const std::vector<MethodScores>& per_mask : all)
      for (size_t k = 0; k < masks.size(); ++k) masks[k].first.methods.push_back(per_mask[k]);
    for (auto& [scores, mask] : masks) results->masks.push_back(std::move(scores));
    WriteScoresTable(*results, options.out);
  });
}

}  // namespace

bool LocalisationStudyOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& text) {
    if (error) *error = text;
    return false;
  };
  if (!CheckStudyOutAndPoints(out, points, error)) return false;
  if (samples < 2) return fail("--samples must be >= 2, got " + std::to_string(samples));
  if (epochs < 1) return fail("--epochs must be >= 1, got " + std::to_string(epochs));
  if (tasks.empty()) return fail("--tasks is empty");
  const auto& known = GroundTruthTaskNames();
  for (const auto& t : tasks)
    if (std::find(known.begin(), known.end(), t) == known.end())
      return fail("--tasks: unknown task '" + t + "' (" + Join(known, ", ") + ")");
  return true;
}

// Under `mpirun -n K` the units are each task's methods (RunLocalisationTask); rank 0 alone writes
// every file. A failure on any rank ends every rank with one message from rank 0.
void RunLocalisationStudy(const LocalisationStudyOptions& options) {
  Communicator& world = World();
  const bool writer = world.rank() == 0;
  std::string error;
  if (!options.IsValid(&error)) Fail("lfa study localisation: ", error);
  const auto start = std::chrono::steady_clock::now();
  FashionMnist data;
  torch::Tensor images;
  RunOnEveryRank(world, [&] {
    if (writer) {
      std::error_code fs_error;
      std::filesystem::create_directories(options.out, fs_error);
      if (fs_error) Fail("--out '", options.out, "' cannot be created: ", fs_error.message());
    }
    data = LoadFashionMnist(options.fashion_mnist);
    if (options.points > data.test_images.size(0))
      Fail("lfa study localisation: --points ", options.points, " exceeds the ",
           data.test_images.size(0), " test images");
    images = data.test_images.slice(0, 0, options.points).to(torch::kDouble).contiguous();
  });

  // Each table is rewritten as soon as its part is done, so an interrupted run keeps them.
  LocalisationResults results;
  for (const std::string& name : options.tasks)
    RunLocalisationTask(name, data, images, options, world, &results);

  RunOnEveryRank(world, [&] {
    if (!writer) return;
    const std::string plot = DrawLocalisationPlot(results, options);
    const double seconds = SecondsSince(start);
    WriteLocalisationReport(results, options, seconds, plot);
    std::fprintf(stderr,
                 "study localisation: %.0f s; wrote %s/{models,localisation}.csv, %sreport.md\n",
                 seconds, options.out.c_str(), plot.empty() ? "" : "localisation.png, ");
  });
}

}  // namespace lfa
