#include "experiments/studies/roar/roar_study.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "experiments/report/markdown.h"
#include "experiments/report/progress.h"
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

// Runs every retrain the journal lacks, appending each as it finishes; returns how many ran.
int64_t RunPendingRetrains(StudyRun& run, const std::map<std::string, torch::Tensor>& orders,
                           const RoarTrainer& trainer, int64_t pending) {
  const torch::Tensor means = ChannelMeans(run.data.train_images);
  int64_t finished = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const RoarCell& cell : run.cells) {
    const std::vector<int64_t> todo = run.Pending(cell);
    if (todo.empty()) continue;
    const auto removal_start = std::chrono::steady_clock::now();
    const FashionMnist modified =
        cell.method == "unmodified"
            ? run.data
            : ModifiedData(run, cell, orders.at(cell.method).to(torch::kLong), means);
    if (cell.removal == "road")
      std::fprintf(stderr, "study roar: road %s %s t=%s imputed in %.1f s\n", cell.mode.c_str(),
                   cell.method.c_str(), FormatG(cell.fraction).c_str(), SecondsSince(removal_start));
    for (int64_t r : todo) {
      const auto cell_start = std::chrono::steady_clock::now();
      const uint64_t seed = RoarRetrainSeed(run.options.seed, r);
      const double accuracy = trainer(modified, seed);
      run.journal.Append({run.Key(cell, r), cell, r, seed, accuracy, SecondsSince(cell_start)});
      ++finished;
      const double elapsed = SecondsSince(start);
      std::fprintf(stderr,
                   "study roar: [%lld/%lld] %s %s %s t=%s retrain %lld: accuracy %.4f (%.1f s), ~%.0f s left\n",
                   static_cast<long long>(finished), static_cast<long long>(pending),
                   cell.removal.c_str(), cell.mode.c_str(), cell.method.c_str(),
                   FormatG(cell.fraction).c_str(),
                   static_cast<long long>(r), accuracy, SecondsSince(cell_start),
                   elapsed / finished * (pending - finished));
    }
  }
  return finished;
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

// The mask leakage of every method and fraction: from the journal, or fitted and appended.
std::vector<MaskLeakage> LeakageResults(StudyRun& run,
                                        const std::map<std::string, torch::Tensor>& orders) {
  const int64_t train_n = run.data.train_images.size(0);
  const int64_t h = run.data.train_images.size(2), w = run.data.train_images.size(3);
  std::vector<MaskLeakage> leakage;
  for (const auto& method : run.options.methods) {
    for (double f : run.options.fractions) {
      const RoarCell cell = LeakageCell(method, f);
      const std::string key = run.LeakageKey(cell);
      if (const RoarRun* done = run.journal.Find(key)) {
        leakage.push_back({method, f, done->accuracy});
        continue;
      }
      const auto start = std::chrono::steady_clock::now();
      const torch::Tensor order = orders.at(method).to(torch::kLong);
      const torch::Tensor train = RemovedByOrder(order.slice(0, 0, train_n), h, w, f, RemovalMode::kRoar);
      const torch::Tensor test = RemovedByOrder(order.slice(0, train_n), h, w, f, RemovalMode::kRoar);
      const MaskLeakageResult fit =
          MaskLabelAccuracy(train, run.data.train_labels, test, run.data.test_labels);
      run.journal.Append({key, cell, 0, 0, fit.test_accuracy, SecondsSince(start)});
      std::fprintf(stderr, "study roar: mask leakage %s t=%s: test accuracy %.4f (train %.4f, %.1f s)\n",
                   method.c_str(), FormatG(f).c_str(), fit.test_accuracy, fit.train_accuracy,
                   SecondsSince(start));
      leakage.push_back({method, f, fit.test_accuracy});
    }
  }
  return leakage;
}

// Share of the most frequent test label: the accuracy of always guessing it.
double ChanceLevel(const FashionMnist& data) {
  const torch::Tensor counts = torch::bincount(data.test_labels);
  return counts.max().item<double>() / static_cast<double>(data.test_labels.size(0));
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
  const FashionMnist data = LoadFashionMnist(options.fashion_mnist);
  RunRoarStudy(options, data, [&](const FashionMnist& d, uint64_t seed) {
    ZooTrainingOptions training;
    training.architecture = kRoarArchitecture;
    training.epochs = options.epochs;
    training.seed = seed;
    return LoadOrTrain(training, d, options.cache_dir).test_accuracy;
  });
}

void RunRoarStudy(const RoarStudyOptions& options, const FashionMnist& full,
                  const RoarTrainer& trainer) {
  std::string error;
  if (!options.IsValid(&error)) Fail("lfa study roar: ", error);
  const auto start = std::chrono::steady_clock::now();
  std::error_code fs_error;
  std::filesystem::create_directories(options.out + "/maps", fs_error);
  if (fs_error) Fail("--out '", options.out, "' cannot be created: ", fs_error.message());
  FashionMnist data = StudySubset(options, full);
  std::string study_key = options.CacheKeyText();
  study_key += " data ";
  study_key += FashionMnistFingerprint(data);
  // Test images get their own per-image streams after all the training images.
  StudyRun run{options, std::move(data), std::move(study_key), WorkList(options),
               RoarJournal(options.out + "/state.csv"), full.train_images.size(0)};

  int64_t pending = 0;
  for (const RoarCell& cell : run.cells) pending += static_cast<int64_t>(run.Pending(cell).size());
  const int64_t total = static_cast<int64_t>(run.cells.size()) * options.retrains;
  std::fprintf(stderr, "study roar: %lld of %lld trainings to run (%lld done in %s)\n",
               static_cast<long long>(pending), static_cast<long long>(total),
               static_cast<long long>(total - pending), run.journal.path().c_str());

  const auto maps_start = std::chrono::steady_clock::now();
  const auto orders = NeededOrders(run);
  RoarReportFacts facts;
  facts.maps_seconds = SecondsSince(maps_start);
  facts.trained_now = RunPendingRetrains(run, orders, trainer, pending);

  const auto leakage_start = std::chrono::steady_clock::now();
  RoarResults results = CollectResults(run);
  results.leakage = LeakageResults(run, orders);
  facts.leakage_seconds = SecondsSince(leakage_start);
  for (const RoarCellResult& cell : results.cells)
    for (const RoarRun& r : cell.runs) {
      facts.journal_seconds += r.seconds;
      ++facts.journal_runs;
    }
  facts.train_images = run.data.train_images.size(0);
  facts.test_images = run.data.test_images.size(0);
  facts.chance = ChanceLevel(run.data);
  results.chance = facts.chance;
  WriteRoarTables(results, options.out);
  facts.plotted = DrawRoarPlot(results, options);
  facts.seconds = SecondsSince(start);
  WriteRoarReport(results, options, facts);
  std::fprintf(stderr, "study roar: %.0f s; wrote %s/{roar,runs}.csv, %sreport.md\n", facts.seconds,
               options.out.c_str(), facts.plotted ? "roar.png, " : "");
}

}  // namespace lfa
