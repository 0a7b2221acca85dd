#include "experiments/studies/roar/roar_study.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "experiments/parallel/communicator.h"
#include "experiments/parallel/process_group.h"
#include "experiments/parallel/rank_failure.h"
#include "experiments/parallel/shard.h"
#include "experiments/parallel/tensor_bytes.h"
#include "experiments/parallel/unit_gather.h"
#include "experiments/report/markdown.h"
#include "experiments/report/progress.h"
#include "experiments/studies/roar/roar_bytes.h"
#include "experiments/studies/roar/roar_journal.h"
#include "experiments/studies/roar/roar_rankings.h"
#include "experiments/studies/roar/roar_report.h"
#include "experiments/studies/roar/roar_results.h"
#include "experiments/zoo/model_zoo.h"
#include "framework/errors.h"
#include "metrics/mask_leakage.h"
#include "metrics/roar.h"

namespace lfa {
namespace {

// Format of the journal keys (2: Checksum keys); part of CacheKeyText, so a new format never
// resumes an old journal.
constexpr int kFormat = 2;

// The first train_subset training and test_subset test images.
FashionMnist StudySubset(const RoarStudyOptions& options, const FashionMnist& full) {
  if (full.train_images.size(0) < options.train_subset)
    Fail("--train-subset ", options.train_subset, " exceeds the ", full.train_images.size(0),
         " training images");
  const int64_t test_n = options.test_subset > 0
                             ? std::min(options.test_subset, full.test_images.size(0))
                             : full.test_images.size(0);
  FashionMnist data;
  data.train_images = full.train_images.slice(0, 0, options.train_subset).contiguous();
  data.train_labels = full.train_labels.slice(0, 0, options.train_subset).contiguous();
  data.test_images = full.test_images.slice(0, 0, test_n).contiguous();
  data.test_labels = full.test_labels.slice(0, 0, test_n).contiguous();
  return data;
}

// The unmodified reference, then per removal and method every mode and fraction.
std::vector<RoarCell> WorkList(const RoarStudyOptions& options) {
  std::vector<RoarCell> cells = {{"none", "unmodified", 0.0, "none"}};
  for (const auto& removal : options.removals)
    for (const auto& method : options.methods)
      for (const std::string mode : {"roar", "kar"})
        for (double f : options.fractions) cells.push_back({mode, method, f, removal});
  return cells;
}

// The journal cell of the mask-leakage fit of `method` at `fraction`.
RoarCell LeakageCell(const std::string& method, double fraction) {
  return {"mask", method, fraction, "none"};
}

// What one run of the study works on: the subsets, the keys and the journal.
struct StudyRun {
  const RoarStudyOptions& options;
  FashionMnist data;
  std::string study_key;
  std::vector<RoarCell> cells;
  RoarJournal journal;
  int64_t test_first_index = 0;  // the test images' first stream index (after the training set)

  std::string Key(const RoarCell& cell, int64_t retrain) const {
    if (cell.removal != "road") return RoarRunKey(study_key, cell, retrain);
    return RoarRunKey(study_key + RoarRoadKeyText(), cell, retrain);
  }
  std::string LeakageKey(const RoarCell& cell) const {
    std::string key = study_key;
    key += " mask_leakage logistic steps ";
    key += std::to_string(MaskLeakageOptions{}.steps);
    key += " lr ";
    key += FormatG(MaskLeakageOptions{}.learning_rate);
    key += " l2 ";
    key += FormatG(MaskLeakageOptions{}.l2);
    return RoarRunKey(key, cell, 0);
  }
  bool LeakagePending(const std::string& method) const {
    for (double f : options.fractions)
      if (journal.Find(LeakageKey(LeakageCell(method, f))) == nullptr) return true;
    return false;
  }
  std::vector<int64_t> Pending(const RoarCell& cell) const {
    std::vector<int64_t> pending;
    for (int64_t r = 0; r < options.retrains; ++r)
      if (journal.Find(Key(cell, r)) == nullptr) pending.push_back(r);
    return pending;
  }
};

// The rankings of every method with a retrain or a leakage fit left to run, computed before any
// training so that the training ETA is not skewed by the estimators.
std::map<std::string, torch::Tensor> NeededOrders(const StudyRun& run) {
  RoarRankings rankings({.maps_dir = run.options.out + "/maps",
                         .study_key = run.study_key,
                         .seed = run.options.seed,
                         .epochs = run.options.epochs,
                         .device = run.options.device,
                         .cache_dir = run.options.cache_dir,
                         .test_first_index = run.test_first_index},
                        run.data);
  std::map<std::string, torch::Tensor> orders;
  for (const RoarCell& cell : run.cells)
    if (cell.method != "unmodified" && !orders.count(cell.method) &&
        (!run.Pending(cell).empty() || run.LeakagePending(cell.method)))
      orders[cell.method] = rankings.Order(cell.method);
  return orders;
}

// The training and test images of `cell` with its pixels removed.
FashionMnist ModifiedData(const StudyRun& run, const RoarCell& cell, const torch::Tensor& order,
                          const torch::Tensor& means) {
  const int64_t train_n = run.data.train_images.size(0);
  const RemovalMode mode = cell.mode == "roar" ? RemovalMode::kRoar : RemovalMode::kKar;
  RemovalOptions removal{.fill = ParseRemovalFill(cell.removal),
                         .road = {.noise_std = kRoarRoadNoise, .seed = run.options.seed}};
  FashionMnist modified = run.data;
  modified.train_images = RemoveByOrder(run.data.train_images, order.slice(0, 0, train_n),
                                        cell.fraction, mode, means, removal);
  removal.road.first_index = run.test_first_index;
  modified.test_images = RemoveByOrder(run.data.test_images, order.slice(0, train_n),
                                       cell.fraction, mode, means, removal);
  return modified;
}

// One unit of work: retrain `retrain` of `cell`, or (leakage) the mask-leakage fit of a method at
// a fraction. Its key is its global identity: the seeds derive from the cell and the retrain,
// never from the rank or the position in a shard.
struct RoarUnit {
  RoarCell cell;
  int64_t retrain = 0;
  bool leakage = false;
  std::string key;
};

// Every unit of the study in the order one process runs them: the retrains cell by cell, then the
// mask-leakage fits by method and fraction.
std::vector<RoarUnit> StudyUnits(const StudyRun& run) {
  std::vector<RoarUnit> units;
  for (const RoarCell& cell : run.cells)
    for (int64_t r = 0; r < run.options.retrains; ++r)
      units.push_back({cell, r, false, run.Key(cell, r)});
  for (const auto& method : run.options.methods)
    for (double f : run.options.fractions) {
      const RoarCell cell = LeakageCell(method, f);
      units.push_back({cell, 0, true, run.LeakageKey(cell)});
    }
  return units;
}

// The units the journal lacks (indices into `units`).
std::vector<int64_t> PendingUnits(const StudyRun& run, const std::vector<RoarUnit>& units) {
  std::vector<int64_t> pending;
  for (size_t u = 0; u < units.size(); ++u)
    if (run.journal.Find(units[u].key) == nullptr) pending.push_back(static_cast<int64_t>(u));
  return pending;
}

// What a rank keeps between its units: the pixel means and the last cell's modified data, so
// that consecutive retrains of one cell remove (or impute) its pixels once.
struct UnitWorkspace {
  torch::Tensor means;
  std::string cell_key;
  FashionMnist modified;
};

RoarRun RunRetrain(const StudyRun& run, const RoarUnit& unit, const RoarPlan& plan,
                   const RoarTrainer& trainer, UnitWorkspace& workspace) {
  const RoarCell& cell = unit.cell;
  const std::string cell_key = run.Key(cell, 0);
  if (workspace.cell_key != cell_key) {
    const auto removal_start = std::chrono::steady_clock::now();
    workspace.modified =
        cell.method == "unmodified"
            ? run.data
            : ModifiedData(run, cell, plan.orders.at(cell.method).to(torch::kLong), workspace.means);
    workspace.cell_key = cell_key;
    if (cell.removal == "road")
      std::fprintf(stderr, "study roar: road %s %s t=%s imputed in %.1f s\n", cell.mode.c_str(),
                   cell.method.c_str(), FormatG(cell.fraction).c_str(), SecondsSince(removal_start));
  }
  const auto start = std::chrono::steady_clock::now();
  const uint64_t seed = RoarRetrainSeed(run.options.seed, unit.retrain);
  const double accuracy = trainer(workspace.modified, seed);
  return {unit.key, cell, unit.retrain, seed, accuracy, SecondsSince(start)};
}

RoarRun RunLeakageFit(const StudyRun& run, const RoarUnit& unit, const RoarPlan& plan) {
  const int64_t train_n = run.data.train_images.size(0);
  const int64_t h = run.data.train_images.size(2), w = run.data.train_images.size(3);
  const auto start = std::chrono::steady_clock::now();
  const double f = unit.cell.fraction;
  const torch::Tensor order = plan.orders.at(unit.cell.method).to(torch::kLong);
  const torch::Tensor train = RemovedByOrder(order.slice(0, 0, train_n), h, w, f, RemovalMode::kRoar);
  const torch::Tensor test = RemovedByOrder(order.slice(0, train_n), h, w, f, RemovalMode::kRoar);
  const MaskLeakageResult fit =
      MaskLabelAccuracy(train, run.data.train_labels, test, run.data.test_labels);
  return {unit.key, unit.cell, 0, 0, fit.test_accuracy, SecondsSince(start)};
}

// Rank 0's line for a finished unit.
void ReportUnit(const RoarRun& done, int64_t finished, int64_t pending, double elapsed) {
  if (done.cell.mode == "mask") {
    std::fprintf(stderr, "study roar: [%lld/%lld] mask leakage %s t=%s: test accuracy %.4f (%.1f s)\n",
                 static_cast<long long>(finished), static_cast<long long>(pending),
                 done.cell.method.c_str(), FormatG(done.cell.fraction).c_str(), done.accuracy,
                 done.seconds);
    return;
  }
  std::fprintf(stderr,
               "study roar: [%lld/%lld] %s %s %s t=%s retrain %lld: accuracy %.4f (%.1f s), ~%.0f s left\n",
               static_cast<long long>(finished), static_cast<long long>(pending),
               done.cell.removal.c_str(), done.cell.mode.c_str(), done.cell.method.c_str(),
               FormatG(done.cell.fraction).c_str(), static_cast<long long>(done.retrain),
               done.accuracy, done.seconds, elapsed / finished * (pending - finished));
}

// Runs the plan's units in rounds of one unit per rank: each rank computes its block of the
// round (BlockShard), rank 0 gathers the finished units and alone appends them to the journal,
// so an interrupted job keeps every finished round. Sets how many retrains ran and (rank 0) the
// leakage fits' seconds.
void RunPlannedUnits(StudyRun& run, const std::vector<RoarUnit>& units, const RoarPlan& plan,
                     const RoarTrainer& trainer, Communicator& world, RoarReportFacts* facts) {
  UnitWorkspace workspace{.means = ChannelMeans(run.data.train_images), .cell_key = {}, .modified = {}};
  const int64_t pending = static_cast<int64_t>(plan.units.size());
  const auto start = std::chrono::steady_clock::now();
  for (int64_t begin = 0; begin < pending; begin += world.size()) {
    const int64_t round = std::min<int64_t>(world.size(), pending - begin);
    const Shard mine = BlockShard(round, world.rank(), world.size());
    std::vector<RoarRun> local;
    RunOnEveryRank(world, [&] {
      for (int64_t i = begin + mine.begin; i < begin + mine.end; ++i) {
        const RoarUnit& unit = units[static_cast<size_t>(plan.units[static_cast<size_t>(i)])];
        local.push_back(unit.leakage ? RunLeakageFit(run, unit, plan)
                                     : RunRetrain(run, unit, plan, trainer, workspace));
      }
    });
    const std::vector<RoarRun> finished = GatherUnits(world, local, EncodeRoarRun, DecodeRoarRun);
    RunOnEveryRank(world, [&] {
      for (size_t i = 0; i < finished.size(); ++i) {
        run.journal.Append(finished[i]);
        if (finished[i].cell.mode == "mask") facts->leakage_seconds += finished[i].seconds;
        ReportUnit(finished[i], begin + static_cast<int64_t>(i) + 1, pending, SecondsSince(start));
      }
    });
    for (int64_t i = begin; i < begin + round; ++i)
      if (!units[static_cast<size_t>(plan.units[static_cast<size_t>(i)])].leakage)
        ++facts->trained_now;
  }
}

// Every cell with its runs from the journal, summarised.
RoarResults CollectResults(const StudyRun& run) {
  std::vector<RoarCellResult> cells;
  for (const RoarCell& cell : run.cells) {
    RoarCellResult result{cell, {}, {}};
    for (int64_t r = 0; r < run.options.retrains; ++r) result.runs.push_back(*run.journal.Find(run.Key(cell, r)));
    cells.push_back(std::move(result));
  }
  return SummarizeRoarRuns(std::move(cells));
}

// The mask leakage of every method and fraction, from the journal.
std::vector<MaskLeakage> LeakageResults(const StudyRun& run) {
  std::vector<MaskLeakage> leakage;
  for (const auto& method : run.options.methods)
    for (double f : run.options.fractions)
      leakage.push_back({method, f, run.journal.Find(run.LeakageKey(LeakageCell(method, f)))->accuracy});
  return leakage;
}

// Share of the most frequent test label: the accuracy of always guessing it.
double ChanceLevel(const FashionMnist& data) {
  const torch::Tensor counts = torch::bincount(data.test_labels);
  return counts.max().item<double>() / static_cast<double>(data.test_labels.size(0));
}

// Rank 0's outputs: the tables, the plot and the report, from the journal's results.
void WriteRoarOutputs(const StudyRun& run, RoarResults results, RoarReportFacts facts,
                      std::chrono::steady_clock::time_point start) {
  for (const RoarCellResult& cell : results.cells)
    for (const RoarRun& r : cell.runs) {
      facts.journal_seconds += r.seconds;
      ++facts.journal_runs;
    }
  facts.train_images = run.data.train_images.size(0);
  facts.test_images = run.data.test_images.size(0);
  facts.chance = ChanceLevel(run.data);
  results.chance = facts.chance;
  WriteRoarTables(results, run.options.out);
  facts.plotted = DrawRoarPlot(results, run.options);
  facts.seconds = SecondsSince(start);
  WriteRoarReport(results, run.options, facts);
  std::fprintf(stderr, "study roar: %.0f s; wrote %s/{roar,runs}.csv, %sreport.md\n", facts.seconds,
               run.options.out.c_str(), facts.plotted ? "roar.png, " : "");
}

}  // namespace

const std::vector<std::string>& RoarMethods() {
  static const std::vector<std::string> methods = {
      "gradient", "integrated_gradients", "smoothgrad", "smoothgrad_squared", "vargrad", "random", "sobel"};
  return methods;
}

uint64_t RoarRetrainSeed(uint64_t seed, int64_t retrain) { return seed + static_cast<uint64_t>(retrain); }

std::string RoarRoadKeyText() {
  std::string text = " removal road_noisy_linear_imputation weights 1/6,1/12 noise ";
  text += FormatG(kRoarRoadNoise);
  return text;
}

bool RoarStudyOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& text) {
    if (error) *error = text;
    return false;
  };
  if (out.empty()) return fail("--out is required");
  if (fractions.empty()) return fail("--fractions is empty");
  std::set<double> seen;
  for (double f : fractions) {
    if (!(f > 0 && f < 1)) return fail("--fractions must be in (0, 1), got " + FormatG(f));
    if (!seen.insert(f).second) return fail("--fractions repeats " + FormatG(f));
  }
  if (retrains < 1) return fail("--retrains must be >= 1, got " + std::to_string(retrains));
  if (train_subset < 10 || train_subset > 60000)
    return fail("--train-subset must be in [10, 60000], got " + std::to_string(train_subset));
  if (test_subset < 0 || test_subset > 10000)
    return fail("--test-subset must be in [0, 10000] (0 = all), got " + std::to_string(test_subset));
  if (epochs < 1) return fail("--epochs must be >= 1, got " + std::to_string(epochs));
  if (methods.empty()) return fail("--methods is empty");
  std::set<std::string> unique;
  for (const auto& m : methods) {
    if (std::find(RoarMethods().begin(), RoarMethods().end(), m) == RoarMethods().end()) {
      std::string known;
      for (const auto& k : RoarMethods()) known += (known.empty() ? "" : ", ") + k;
      return fail("--methods: unknown estimator '" + m + "' (" + known + ")");
    }
    if (!unique.insert(m).second) return fail("--methods repeats '" + m + "'");
  }
  if (removals.empty()) return fail("--removal is empty");
  std::set<std::string> removal_set;
  for (const auto& r : removals) {
    if (r != "mean" && r != "road") {
      std::string text = "--removal: unknown removal '";
      text += r;
      text += "' (mean, road)";
      return fail(text);
    }
    if (!removal_set.insert(r).second) {
      std::string text = "--removal repeats '";
      text += r;
      text += "'";
      return fail(text);
    }
  }
  return true;
}

std::string RoarStudyOptions::CacheKeyText() const {
  std::ostringstream key;
  key << "{\"format\":" << kFormat << ",\"architecture\":\"" << kRoarArchitecture
      << "\",\"train_subset\":" << train_subset << ",\"test_subset\":" << test_subset
      << ",\"epochs\":" << epochs << ",\"seed\":" << seed << ",\"ig_steps\":" << kRoarIgSteps
      << ",\"noisy_copies\":" << kRoarNoisyCopies << ",\"noise_fraction\":" << FormatG(kRoarNoiseFraction)
      << ",\"ranking\":\"sum_abs_channels\",\"targets\":\"predicted\",\"fill\":\"channel_mean\"}";
  return key.str();
}

void RunRoarStudy(const RoarStudyOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) Fail("lfa study roar: ", error);
  FashionMnist data;
  RunOnEveryRank(World(), [&] { data = LoadFashionMnist(options.fashion_mnist); });
  RunRoarStudy(options, data, [&](const FashionMnist& d, uint64_t seed) {
    ZooTrainingOptions training;
    training.architecture = kRoarArchitecture;
    training.epochs = options.epochs;
    training.seed = seed;
    return LoadOrTrain(training, d, options.cache_dir).test_accuracy;
  });
}

// Under `mpirun -n K` every rank takes the subsets and keys; rank 0 alone reads the journal,
// computes (or reads from maps/) the rankings the remaining units need and broadcasts that plan;
// the units run in rounds (RunPlannedUnits) and rank 0 alone appends the journal and writes the
// outputs, from the journal, so they are the bytes of one process whatever K and however often
// the study was interrupted and resumed.
void RunRoarStudy(const RoarStudyOptions& options, const FashionMnist& full,
                  const RoarTrainer& trainer) {
  Communicator& world = World();
  const bool writer = world.rank() == 0;
  std::string error;
  if (!options.IsValid(&error)) Fail("lfa study roar: ", error);
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<StudyRun> run;
  std::vector<RoarUnit> units;
  RoarPlan plan;
  RoarReportFacts facts;
  RunOnEveryRank(world, [&] {
    if (writer) {
      std::error_code fs_error;
      std::filesystem::create_directories(options.out + "/maps", fs_error);
      if (fs_error) Fail("--out '", options.out, "' cannot be created: ", fs_error.message());
    }
    FashionMnist data = StudySubset(options, full);
    std::string study_key = options.CacheKeyText();
    study_key += " data ";
    study_key += FashionMnistFingerprint(data);
    // Test images get their own per-image streams after all the training images. Only rank 0
    // reads the journal: the one writer decides what is left.
    run.reset(new StudyRun{options, std::move(data), std::move(study_key), WorkList(options),
                           RoarJournal(writer ? options.out + "/state.csv" : std::string()),
                           full.train_images.size(0)});
    units = StudyUnits(*run);
    if (!writer) return;
    plan.units = PendingUnits(*run, units);
    const int64_t total = static_cast<int64_t>(run->cells.size()) * options.retrains;
    int64_t pending = 0;
    for (const int64_t u : plan.units) pending += units[static_cast<size_t>(u)].leakage ? 0 : 1;
    std::fprintf(stderr, "study roar: %lld of %lld trainings to run (%lld done in %s)\n",
                 static_cast<long long>(pending), static_cast<long long>(total),
                 static_cast<long long>(total - pending), run->journal.path().c_str());
    if (world.size() > 1)
      std::fprintf(stderr, "study roar: %zu units left, in rounds of one per rank on %d ranks\n",
                   plan.units.size(), world.size());
    const auto maps_start = std::chrono::steady_clock::now();
    plan.orders = NeededOrders(*run);
    facts.maps_seconds = SecondsSince(maps_start);
  });
  if (world.size() > 1) {
    ByteWriter out;
    if (writer) EncodeRoarPlan(out, plan);
    const std::string bytes = world.BroadcastBytes(out.bytes());
    ByteReader in(bytes);
    if (!writer) plan = DecodeRoarPlan(in);
  }
  RunPlannedUnits(*run, units, plan, trainer, world, &facts);
  RunOnEveryRank(world, [&] {
    if (!writer) return;
    RoarResults results = CollectResults(*run);
    results.leakage = LeakageResults(*run);
    WriteRoarOutputs(*run, std::move(results), facts, start);
  });
}

}  // namespace lfa
