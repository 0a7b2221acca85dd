#include "experiments/studies/roar/roar_study.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "experiments/io/atomic_file.h"
#include "experiments/io/checksum.h"
#include "experiments/io/csv.h"
#include "experiments/io/text.h"
#include "experiments/report/markdown.h"
#include "experiments/report/plot.h"
#include "experiments/report/progress.h"
#include "experiments/zoo/model_zoo.h"
#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "metrics/roar.h"
#include "metrics/summary.h"

namespace lfa {
namespace {

// Estimator settings (Hooker et al.: 15 noisy copies, noise 15% of the input range).
constexpr int64_t kIgSteps = 16;
constexpr int64_t kNoisyCopies = 15;
constexpr double kNoiseFraction = 0.15;
constexpr int64_t kChunk = 500;  // images per estimator call
constexpr const char* kArchitecture = "cnn";
constexpr int kFormat = 2;       // of state.csv keys and map files (2: Checksum keys)

uint64_t BytesChecksum(const void* bytes, size_t size) {
  Checksum sum;
  sum.Add(bytes, size);
  return sum.value();
}

std::string Title(const std::string& method) {
  static const std::map<std::string, std::string> titles = {
      {"integrated_gradients", "IG"}, {"smoothgrad_squared", "SG-SQ"}, {"smoothgrad", "SmoothGrad"},
      {"vargrad", "VarGrad"}, {"gradient", "gradient"}, {"random", "random"}, {"sobel", "Sobel"}};
  const auto it = titles.find(method);
  return it == titles.end() ? method : it->second;
}

// One finished retrain, as a line of state.csv.
struct Run {
  std::string key, mode, method;
  double fraction = 0;
  int64_t retrain = 0;
  uint64_t seed = 0;
  double accuracy = 0, seconds = 0;
};

constexpr const char* kStateHeader = "key,mode,fraction,method,retrain,seed,test_accuracy,seconds,end";

std::string StateLine(const Run& r) {
  char text[512];
  std::snprintf(text, sizeof(text), "%s,%s,%s,%s,%lld,%llu,%.17g,%.3f,ok\n", r.key.c_str(),
                r.mode.c_str(), FormatG(r.fraction).c_str(), r.method.c_str(),
                static_cast<long long>(r.retrain), static_cast<unsigned long long>(r.seed),
                r.accuracy, r.seconds);
  return text;
}

// The finished runs of state.csv by key; lines that do not parse (a torn last line) are skipped.
std::map<std::string, Run> ReadState(const std::string& path) {
  std::map<std::string, Run> runs;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    const auto f = Split(line, ',');
    if (f.size() != 9 || f[8] != "ok" || f[0] == "key") continue;
    try {
      Run r{f[0], f[1], f[3], std::stod(f[2]), std::stoll(f[4]), std::stoull(f[5]),
            std::stod(f[6]), std::stod(f[7])};
      runs[r.key] = r;
    } catch (const std::exception&) {
    }
  }
  return runs;
}

// Appends one line with a single write on an O_APPEND descriptor, then fsyncs: a kill leaves at
// most a torn last line, which ReadState skips.
void AppendState(const std::string& path, const std::string& line) {
  const bool fresh = !std::filesystem::exists(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) Fail("cannot open '", path, "': ", std::strerror(errno));
  // A torn last line from a killed run must not swallow this one: start on a fresh line.
  std::string text = fresh ? std::string(kStateHeader) + "\n" : "";
  if (!fresh) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (in.tellg() > 0) {
      in.seekg(-1, std::ios::end);
      if (in.get() != '\n') text = "\n";
    }
  }
  text += line;
  const ssize_t written = ::write(fd, text.data(), text.size());
  ::fsync(fd);
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size())) Fail("cannot append to '", path, "'");
}

// Rankings on disk: "lfa-roar-order <format>\n<key>\n<rows> <pixels>\n", rows*pixels int16, then
// the FNV-1a hash of those bytes (8 bytes). Undefined when missing, corrupt or for another key.
torch::Tensor ReadOrder(const std::string& path, const std::string& key) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return {};
  std::string magic, stored_key, shape;
  std::getline(file, magic);
  std::getline(file, stored_key);
  std::getline(file, shape);
  if (magic != "lfa-roar-order " + std::to_string(kFormat) || stored_key != key) {
    std::fprintf(stderr, "study roar: %s is stale, recomputing\n", path.c_str());
    return {};
  }
  int64_t rows = 0, pixels = 0;
  if (std::sscanf(shape.c_str(), "%lld %lld", reinterpret_cast<long long*>(&rows),
                  reinterpret_cast<long long*>(&pixels)) != 2 || rows <= 0 || pixels <= 0)
    return {};
  torch::Tensor order = torch::empty({rows, pixels}, torch::kShort);
  uint64_t checksum = 0;
  file.read(static_cast<char*>(order.data_ptr()), rows * pixels * 2);
  file.read(reinterpret_cast<char*>(&checksum), sizeof(checksum));
  if (!file || checksum != BytesChecksum(order.data_ptr(), rows * pixels * 2)) {
    std::fprintf(stderr, "study roar: %s is corrupt, recomputing\n", path.c_str());
    return {};
  }
  return order;
}

void WriteOrder(const std::string& path, const std::string& key, const torch::Tensor& order) {
  const torch::Tensor o = order.contiguous();
  {
    std::ofstream file(path + ".tmp", std::ios::binary);
    file << "lfa-roar-order " << kFormat << "\n" << key << "\n" << o.size(0) << " " << o.size(1) << "\n";
    const size_t bytes = o.numel() * 2;
    file.write(static_cast<const char*>(o.data_ptr()), bytes);
    const uint64_t checksum = BytesChecksum(o.data_ptr(), bytes);
    file.write(reinterpret_cast<const char*>(&checksum), sizeof(checksum));
    if (!file) Fail("cannot write '", path, ".tmp'");
  }
  std::filesystem::rename(path + ".tmp", path);
}

// The relevance maps [n, H, W] of a model-based estimator for `images`, in chunks.
torch::Tensor ModelMaps(const std::string& method, Oracle& oracle, const torch::Tensor& images,
                        uint64_t seed, int64_t first_index, Progress& progress, int64_t* done) {
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < images.size(0); begin += kChunk) {
    const torch::Tensor chunk =
        images.slice(0, begin, std::min(begin + kChunk, images.size(0))).to(torch::kDouble);
    const torch::Tensor targets = oracle.Outputs(chunk).argmax(1);
    torch::Tensor maps;
    if (IsImageMethod(method)) {
      ImageMethodOptions o;
      o.samples = kNoisyCopies;
      o.noise_fraction = kNoiseFraction;
      o.seed = seed;
      o.first_index = first_index + begin;
      maps = ComputeImageMap(method, oracle, nullptr, chunk, targets, o);
    } else {
      RecipeOptions o;
      if (method == "integrated_gradients") o.samples = kIgSteps;
      if (method == "smoothgrad") {
        o.samples = kNoisyCopies;
        o.noise_fraction = kNoiseFraction;
      }
      maps = MakeExplainer(method, o, Implementation::kClassic)
                 ->Explain(oracle, MakePointBatch(chunk, seed, first_index + begin), targets)
                 .attributions.reshape(chunk.sizes());
    }
    parts.push_back(PixelRelevance(maps));
    *done += chunk.size(0);
    progress.Update(*done);
  }
  return torch::cat(parts, 0);
}

struct Cell {
  std::string mode, method;
  double fraction = 0;
};

struct Aggregate {
  double mean = NAN, sem = NAN;
  int64_t n = 0;
};

void WritePlot(const std::string& out, const RoarStudyOptions& options,
               const std::map<std::string, std::map<std::string, std::map<double, Aggregate>>>& table,
               const Aggregate& unmodified, bool* drawn) {
  *drawn = false;
  if (!GnuplotFound("study roar")) return;
  const std::string dir = out + "/plots";
  std::filesystem::create_directories(dir);
  std::string script = "set terminal pngcairo noenhanced size 1400,600 font ',10'\nset output '" +
                       out + "/roar.png'\nset multiplot layout 1,2 title 'Test accuracy after " +
                       "retraining (mean +- sem over " + std::to_string(options.retrains) +
                       " retrains); dashed: unmodified'\nset xlabel 'fraction of pixels ranked top'\n"
                       "set ylabel 'test accuracy'\nset xrange [0:1]\nset key bottom left font ',8'\n";
  for (const std::string mode : {"roar", "kar"}) {
    const std::string file = dir + "/" + mode + ".dat";
    std::ofstream data(file);
    std::string plot = "set title '" + std::string(mode == "roar" ? "ROAR: top-t replaced (lower = better estimator)"
                                                                  : "KAR: only top-t kept (higher = better estimator)") +
                       "'\nplot ";
    int block = 0;
    for (const auto& method : options.methods) {
      if (!table.count(mode) || !table.at(mode).count(method)) continue;
      for (const auto& [fraction, a] : table.at(mode).at(method))
        data << fraction << " " << a.mean << " " << (std::isnan(a.sem) ? 0.0 : a.sem) << "\n";
      data << "\n\n";
      plot += std::string(block ? ", " : "") + "'" + file + "' index " + std::to_string(block) +
              " with yerrorlines title '" + Title(method) + "'";
      ++block;
    }
    if (block == 0) continue;
    plot += ", " + std::to_string(unmodified.mean) + " with lines dashtype 2 lc rgb 'black' title 'unmodified'";
    script += plot + "\n";
  }
  script += "unset multiplot\n";
  *drawn = RunGnuplot(dir + "/roar.gp", script, dir + "/roar.log", "study roar");
}

// Whether `method` beats random in `mode`: +1 (better by more than 2 combined sem at a majority of
// the fractions), -1 (worse likewise), 0 otherwise; with the per-fraction differences.
int VersusRandom(const std::map<double, Aggregate>& m, const std::map<double, Aggregate>& random,
                 bool lower_is_better, std::string* differences) {
  int better = 0, worse = 0, count = 0;
  for (const auto& [fraction, a] : m) {
    if (!random.count(fraction)) continue;
    const Aggregate& r = random.at(fraction);
    const double d = a.mean - r.mean;
    const double se = std::sqrt((std::isnan(a.sem) ? 0 : a.sem * a.sem) + (std::isnan(r.sem) ? 0 : r.sem * r.sem));
    const double gain = lower_is_better ? -d : d;
    if (gain > 2 * se && gain > 0) ++better;
    if (-gain > 2 * se && gain < 0) ++worse;
    ++count;
    *differences += (differences->empty() ? "" : ", ") + (d >= 0 ? std::string("+") : std::string("")) + Format(d, 3);
  }
  if (count == 0) return 0;
  if (2 * better > count) return 1;
  if (2 * worse > count) return -1;
  return 0;
}

void WriteReport(const RoarStudyOptions& options, const FashionMnist& data, double seconds,
                 double maps_seconds, double journal_seconds, int64_t journal_runs, int64_t trained,
                 const std::map<std::string, std::map<std::string, std::map<double, Aggregate>>>& table,
                 const Aggregate& unmodified, bool plotted) {
  std::ostringstream md;
  std::string fractions;
  for (double f : options.fractions) fractions += (fractions.empty() ? "" : ",") + FormatG(f);
  md << "# ROAR and KAR on Fashion-MNIST\n\n"
     << "`lfa study roar --fractions " << fractions << " --retrains " << options.retrains
     << " --train-subset " << options.train_subset << " --test-subset " << options.test_subset
     << " --epochs " << options.epochs << " --seed " << options.seed << "`\n\n"
     << "**Scale.** Every model is the zoo `cnn` trained from scratch on the first "
     << data.train_images.size(0) << " training images for " << options.epochs
     << " epoch(s) (Adam, lr 1e-3, batch 64) and tested on the first " << data.test_images.size(0)
     << " test images; " << options.retrains << " retrain(s) per cell (seeds S + r, shared by all "
     << "cells). Hooker et al. retrain ResNet-50 on all of ImageNet (and smaller sets) five times per "
     << "cell: this is a much smaller replication. This run: " << Format(seconds, 0)
     << " s in all (" << Format(maps_seconds, 0) << " s for the estimator rankings not already "
     << "cached), " << trained << " retrains in this run (the rest resumed from the journal). "
     << "The journal records " << Format(journal_seconds, 0) << " s of training over "
     << journal_runs << " retrains (" << (journal_runs ? Format(journal_seconds / journal_runs, 1) : std::string("-"))
     << " s each, zoo-cache hits included).\n\n"
     << "**Estimators** (rankings from the base model, trained on the unmodified subset with seed "
     << options.seed << ", at its predicted class): gradient; integrated gradients from the black "
     << "image, " << kIgSteps << " Gauss-Legendre steps; SmoothGrad, " << kNoisyCopies
     << " noisy copies, noise " << FormatG(100 * kNoiseFraction) << "% of each image's range; "
     << "SmoothGrad-Squared and VarGrad over " << kNoisyCopies << " noisy copies (same noise); the "
     << "controls random (i.i.d. uniform) and Sobel edge magnitude. Pixels are ranked by the sum "
     << "over channels of |map|, ties by pixel index; replaced pixels get the training subset's "
     << "channel mean.\n\n"
     << "Unmodified model: test accuracy " << Format(unmodified.mean) << " +/- "
     << Format(unmodified.sem) << " (n = " << unmodified.n << ").\n";

  for (const std::string mode : {"roar", "kar"}) {
    if (!table.count(mode)) continue;
    md << "\n## " << (mode == "roar" ? "ROAR: the top-t pixels replaced" : "KAR: only the top-t pixels kept")
       << "\n\nTest accuracy, mean +/- sem over retrains. "
       << (mode == "roar" ? "A better estimator makes accuracy fall faster (lower is better)."
                          : "A better estimator keeps accuracy higher (higher is better).")
       << "\n\n";
    std::vector<std::string> header = {"method"};
    for (double f : options.fractions) header.push_back("t = " + FormatG(f));
    md << MarkdownRow(header) << MarkdownRule(header.size());
    for (const auto& method : options.methods) {
      if (!table.at(mode).count(method)) continue;
      std::vector<std::string> row = {Title(method)};
      for (double f : options.fractions) {
        const auto& m = table.at(mode).at(method);
        row.push_back(m.count(f) ? Format(m.at(f).mean, 3) + " +/- " + Format(m.at(f).sem, 3) : "-");
      }
      md << MarkdownRow(row);
    }
  }
  if (plotted) md << "\n![ROAR and KAR](roar.png)\n";

  // Against random.
  std::map<std::string, std::map<std::string, int>> verdicts;
  md << "\n## Against the random baseline\n\nDifference of each method's accuracy from random's at "
        "each fraction (method - random). A method *beats random* when it is better (ROAR: lower, "
        "KAR: higher) by more than twice the combined standard error at a majority of the "
        "fractions, *loses to random* when it is worse likewise, and is *indistinguishable* "
        "otherwise.\n\n"
     << MarkdownRow({"mode", "method", "differences by fraction", "verdict"})
     << MarkdownRule(4);
  for (const std::string mode : {"roar", "kar"}) {
    if (!table.count(mode) || !table.at(mode).count("random")) continue;
    for (const auto& method : options.methods) {
      if (method == "random" || !table.at(mode).count(method)) continue;
      std::string differences;
      const int v = VersusRandom(table.at(mode).at(method), table.at(mode).at("random"),
                                 mode == "roar", &differences);
      verdicts[mode][method] = v;
      md << MarkdownRow({mode, Title(method), differences,
                         v > 0 ? "beats random" : v < 0 ? "loses to random" : "indistinguishable"});
    }
  }

  md << "\n## The paper's claims here\n\n"
     << "Hooker et al. (ROAR, their Figure 4 and text): without ensembling, gradient, integrated "
        "gradients and SmoothGrad are no better than random removal (accuracy falls no faster; "
        "they are often worse), while SmoothGrad-Squared and VarGrad are far better than random.\n\n"
     << MarkdownRow({"claim (ROAR)", "paper", "here", "holds here?"}) << MarkdownRule(4);
  struct Claim { std::string method; bool beats; };
  for (const Claim& c : std::vector<Claim>{{"gradient", false}, {"integrated_gradients", false},
                                           {"smoothgrad", false}, {"smoothgrad_squared", true},
                                           {"vargrad", true}}) {
    if (!verdicts["roar"].count(c.method)) continue;
    const int v = verdicts["roar"][c.method];
    const std::string here = v > 0 ? "beats random" : v < 0 ? "loses to random" : "indistinguishable";
    const bool holds = c.beats ? v > 0 : v <= 0;
    md << MarkdownRow({Title(c.method) + (c.beats ? " beats random" : " is no better than random"),
                       c.beats ? "beats random" : "no better than random", here,
                       holds ? "yes" : "**no**"});
  }
  if (verdicts.count("kar")) {
    std::string beat, lost, tie;
    for (const auto& [method, v] : verdicts["kar"])
      (v > 0 ? beat : v < 0 ? lost : tie) += std::string(" ") + Title(method);
    md << "\nKAR here: beats random:" << (beat.empty() ? " none" : beat) << "; loses to random:"
       << (lost.empty() ? " none" : lost) << "; indistinguishable:" << (tie.empty() ? " none" : tie)
       << ". Hooker et al. report KAR alongside ROAR as its complement; the claims checked above are "
          "ROAR's, so KAR is reported here without a verdict against the paper.\n";
  }
  // The removal pattern as a signal: KAR at the smallest fraction as good as the unmodified model
  // means the retrained model classifies from which pixels were replaced, not from what was kept.
  if (table.count("kar") && !options.fractions.empty()) {
    const double smallest = *std::min_element(options.fractions.begin(), options.fractions.end());
    std::string leaking;
    for (const auto& method : options.methods) {
      if (!table.at("kar").count(method) || !table.at("kar").at(method).count(smallest)) continue;
      if (table.at("kar").at(method).at(smallest).mean >= unmodified.mean - 0.01)
        leaking += (leaking.empty() ? "" : ", ") + Title(method);
    }
    if (!leaking.empty())
      md << "\n**Does the removal pattern carry the class?** Keeping only " << FormatG(100 * smallest)
         << "% of the pixels (KAR) leaves the accuracy within 0.01 of the unmodified model's for "
         << leaking << ", while random keeping at that fraction costs "
         << (table.at("kar").count("random") && table.at("kar").at("random").count(smallest)
                 ? Format(unmodified.mean - table.at("kar").at("random").at(smallest).mean, 3)
                 : std::string("(not run)"))
         << ". This suggests that the retrained model also reads *which* pixels were replaced (a "
            "gradient ranking follows the object's silhouette: the mask is itself a picture of the "
            "object), a signal that would equally keep ROAR accuracy high when such an estimator "
            "removes most of the image. If so, ROAR here measures how much shape a ranking leaks as "
            "much as how much information it removes; read the verdicts with that in mind (this "
            "study does not separate the two effects).\n";
  }
  md << "\n**Caveats.** With " << options.retrains << " retrain(s) the standard errors are crude "
     << "(two values give one degree of freedom), so \"beats random\" means a consistent gap, not a "
     << "significance test. The models are small and trained briefly; ROAR measures whether an "
        "estimator's top pixels carry information a retrained model can use, which on "
        "Fashion-MNIST (centred objects on a black background, where the silhouette carries much of "
        "the class) may reward estimators differently than on ImageNet. Replacing pixels by the "
        "mean also writes a mask shape into the image; the retrained model can read the shape "
        "itself, which is why ROAR accuracy can stay far above chance even at t = 0.9.\n";

  WriteFileAtomically(options.out + "/report.md", md.str());
}

}  // namespace

const std::vector<std::string>& RoarMethods() {
  static const std::vector<std::string> methods = {
      "gradient", "integrated_gradients", "smoothgrad", "smoothgrad_squared", "vargrad", "random", "sobel"};
  return methods;
}

uint64_t RoarRetrainSeed(uint64_t seed, int64_t retrain) { return seed + static_cast<uint64_t>(retrain); }

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
  return true;
}

std::string RoarStudyOptions::CacheKeyText() const {
  std::ostringstream key;
  key << "{\"format\":" << kFormat << ",\"architecture\":\"" << kArchitecture
      << "\",\"train_subset\":" << train_subset << ",\"test_subset\":" << test_subset
      << ",\"epochs\":" << epochs << ",\"seed\":" << seed << ",\"ig_steps\":" << kIgSteps
      << ",\"noisy_copies\":" << kNoisyCopies << ",\"noise_fraction\":" << FormatG(kNoiseFraction)
      << ",\"ranking\":\"sum_abs_channels\",\"targets\":\"predicted\",\"fill\":\"channel_mean\"}";
  return key.str();
}

void RunRoarStudy(const RoarStudyOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) Fail("lfa study roar: ", error);
  const FashionMnist data = LoadFashionMnist(options.fashion_mnist);
  RunRoarStudy(options, data, [&](const FashionMnist& d, uint64_t seed) {
    ZooTrainingOptions training;
    training.architecture = kArchitecture;
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
  if (full.train_images.size(0) < options.train_subset)
    Fail("--train-subset ", options.train_subset, " exceeds the ", full.train_images.size(0),
         " training images");

  FashionMnist data;
  data.train_images = full.train_images.slice(0, 0, options.train_subset).contiguous();
  data.train_labels = full.train_labels.slice(0, 0, options.train_subset).contiguous();
  const int64_t test_n = options.test_subset > 0 ? std::min(options.test_subset, full.test_images.size(0))
                                                 : full.test_images.size(0);
  data.test_images = full.test_images.slice(0, 0, test_n).contiguous();
  data.test_labels = full.test_labels.slice(0, 0, test_n).contiguous();
  const int64_t h = data.train_images.size(2), w = data.train_images.size(3);
  // Test images get their own per-image streams after all the training images.
  const int64_t test_first_index = full.train_images.size(0);

  const std::string study_key =
      options.CacheKeyText() + " data " + FashionMnistFingerprint(data);
  auto cell_key = [&](const std::string& mode, const std::string& method, double fraction,
                      int64_t retrain) {
    Checksum sum;
    sum.Add(study_key + "|" + mode + "|" + method + "|" + FormatG(fraction) + "|" +
            std::to_string(retrain));
    return sum.hex();
  };

  const std::string state_path = options.out + "/state.csv";
  std::map<std::string, Run> state = ReadState(state_path);
  const torch::Tensor means = ChannelMeans(data.train_images);

  // Work list: the unmodified reference, then per method every mode, fraction and retrain.
  std::vector<Cell> cells = {{"none", "unmodified", 0.0}};
  for (const auto& method : options.methods)
    for (const std::string mode : {"roar", "kar"})
      for (double f : options.fractions) cells.push_back({mode, method, f});
  int64_t pending = 0;
  for (const auto& c : cells)
    for (int64_t r = 0; r < options.retrains; ++r)
      pending += !state.count(cell_key(c.mode, c.method, c.fraction, r));
  std::fprintf(stderr, "study roar: %lld of %lld trainings to run (%lld done in %s)\n",
               static_cast<long long>(pending),
               static_cast<long long>(cells.size() * options.retrains),
               static_cast<long long>(cells.size() * options.retrains - pending), state_path.c_str());

  // Rankings (int16 [train + test, H*W]) of every method with a cell to run, before any training,
  // so that the training ETA is not skewed by the estimators.
  std::shared_ptr<ZooModel> base;
  std::unique_ptr<Oracle> oracle;
  std::map<std::string, torch::Tensor> orders;
  const int64_t train_n = data.train_images.size(0);
  auto compute_order = [&](const std::string& method) -> torch::Tensor {
    if (method == "random")
      return PixelOrder(torch::cat({RandomMap(train_n, h, w, options.seed),
                                    RandomMap(test_n, h, w, options.seed, test_first_index)}))
          .to(torch::kShort);
    if (method == "sobel")
      return PixelOrder(torch::cat({SobelEdgeMap(data.train_images), SobelEdgeMap(data.test_images)}))
          .to(torch::kShort);
    const std::string path = options.out + "/maps/" + method + ".order";
    const std::string key = study_key + " method " + method;
    torch::Tensor both = ReadOrder(path, key);
    if (both.defined() && both.size(0) == train_n + test_n && both.size(1) == h * w) return both;
    if (!base) {
      ZooTrainingOptions training;
      training.architecture = kArchitecture;
      training.epochs = options.epochs;
      training.seed = options.seed;
      training.progress = true;
      const ZooEntry entry = LoadOrTrain(training, data, options.cache_dir);
      std::fprintf(stderr, "study roar: base model test accuracy %.4f (%s)\n", entry.test_accuracy,
                   entry.from_cache ? "zoo cache" : "trained");
      base = entry.model;
      oracle = std::make_unique<Oracle>(base, OracleOptions{.device = options.device});
    }
    Progress progress("study roar: " + method + " maps", train_n + test_n);
    int64_t done = 0;
    const torch::Tensor train_maps =
        ModelMaps(method, *oracle, data.train_images, options.seed, 0, progress, &done);
    const torch::Tensor test_maps =
        ModelMaps(method, *oracle, data.test_images, options.seed, test_first_index, progress, &done);
    progress.Finish();
    both = PixelOrder(torch::cat({train_maps, test_maps}, 0)).to(torch::kShort);
    WriteOrder(path, key, both);
    return both;
  };
  const auto maps_start = std::chrono::steady_clock::now();
  for (const auto& c : cells) {
    if (c.method == "unmodified" || orders.count(c.method)) continue;
    bool needed = false;
    for (int64_t r = 0; r < options.retrains; ++r)
      needed |= !state.count(cell_key(c.mode, c.method, c.fraction, r));
    if (needed) orders[c.method] = compute_order(c.method);
  }
  const double maps_seconds = SecondsSince(maps_start);
  oracle.reset();
  base.reset();

  int64_t finished = 0;
  const auto training_start = std::chrono::steady_clock::now();
  for (const auto& c : cells) {
    std::vector<int64_t> todo;
    for (int64_t r = 0; r < options.retrains; ++r)
      if (!state.count(cell_key(c.mode, c.method, c.fraction, r))) todo.push_back(r);
    if (todo.empty()) continue;
    FashionMnist modified = data;
    if (c.method != "unmodified") {
      const RemovalMode mode = c.mode == "roar" ? RemovalMode::kRoar : RemovalMode::kKar;
      const torch::Tensor order = orders.at(c.method).to(torch::kLong);
      modified.train_images =
          RemoveByOrder(data.train_images, order.slice(0, 0, train_n), c.fraction, mode, means);
      modified.test_images =
          RemoveByOrder(data.test_images, order.slice(0, train_n), c.fraction, mode, means);
    }
    for (int64_t r : todo) {
      const auto cell_start = std::chrono::steady_clock::now();
      const uint64_t seed = RoarRetrainSeed(options.seed, r);
      const double accuracy = trainer(modified, seed);
      Run run{cell_key(c.mode, c.method, c.fraction, r), c.mode, c.method, c.fraction, r, seed,
              accuracy, SecondsSince(cell_start)};
      AppendState(state_path, StateLine(run));
      state[run.key] = run;
      ++finished;
      const double elapsed = SecondsSince(training_start);
      std::fprintf(stderr,
                   "study roar: [%lld/%lld] %s %s t=%s retrain %lld: accuracy %.4f (%.1f s), ~%.0f s left\n",
                   static_cast<long long>(finished), static_cast<long long>(pending), c.mode.c_str(),
                   c.method.c_str(), FormatG(c.fraction).c_str(), static_cast<long long>(r),
                   accuracy, run.seconds, elapsed / finished * (pending - finished));
    }
  }

  // Tables from the journal.
  TextTable runs{{"mode", "fraction", "method", "retrain", "seed", "test_accuracy", "seconds"}, {}};
  TextTable summary{{"mode", "fraction", "method", "metric", "mean", "sem", "n"}, {}};
  std::map<std::string, std::map<std::string, std::map<double, Aggregate>>> table;
  Aggregate unmodified;
  double journal_seconds = 0;
  int64_t journal_runs = 0;
  for (const auto& c : cells) {
    std::vector<double> values;
    for (int64_t r = 0; r < options.retrains; ++r) {
      const Run& run = state.at(cell_key(c.mode, c.method, c.fraction, r));
      values.push_back(run.accuracy);
      journal_seconds += run.seconds;
      ++journal_runs;
      runs.rows.push_back({c.mode, FormatG(c.fraction), c.method, std::to_string(r),
                           std::to_string(run.seed), Format(run.accuracy, 6), Format(run.seconds, 2)});
    }
    const MetricSummary s = Summarize(torch::tensor(values, torch::kDouble));
    Aggregate a{s.mean, s.sem, static_cast<int64_t>(values.size())};
    summary.rows.push_back({c.mode, FormatG(c.fraction), c.method, "test_accuracy", Format(a.mean, 6),
                            std::isnan(a.sem) ? "nan" : Format(a.sem, 6), std::to_string(a.n)});
    if (c.method == "unmodified") unmodified = a;
    else table[c.mode][c.method][c.fraction] = a;
  }
  runs.Write(options.out + "/runs.csv");
  summary.Write(options.out + "/roar.csv");
  bool plotted = false;
  WritePlot(options.out, options, table, unmodified, &plotted);
  const double seconds = SecondsSince(start);
  WriteReport(options, data, seconds, maps_seconds, journal_seconds, journal_runs, finished, table,
              unmodified, plotted);
  std::fprintf(stderr, "study roar: %.0f s; wrote %s/{roar,runs}.csv, %sreport.md\n", seconds,
               options.out.c_str(), plotted ? "roar.png, " : "");
}

}  // namespace lfa
