#include "experiments/studies/images/image_study.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "experiments/data/fashion_mnist.h"
#include "experiments/io/atomic_file.h"
#include "experiments/io/csv.h"
#include "experiments/io/text.h"
#include "experiments/report/heatmap.h"
#include "experiments/report/markdown.h"
#include "experiments/report/progress.h"
#include "experiments/studies/common/study_output.h"
#include "experiments/zoo/model_zoo.h"
#include "explainers/builtin_registry.h"
#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/registry.h"
#include "metrics/image_metrics.h"
#include "metrics/lfa_loss.h"
#include "metrics/perturbation.h"
#include "metrics/summary.h"

namespace lfa {
namespace {

// Noise of the Gaussian recipes in the main set (10% of the [0, 1] pixel range) and the LIME
// kernel width on images: a mask that removes half the patches of a Fashion-MNIST image moves it
// by ~8 in L2, so the paper's tabular width 1 would give all but the nearest masks zero weight.
constexpr double kSigma = 0.1;
constexpr double kLimeWidth = 4.0;
constexpr double kNoiseFraction = 0.15;
constexpr double kTopFraction = 0.1;   // k of the perturbation gaps, as a fraction of the pixels
constexpr double kInsertionBlur = 5.0; // sigma (pixels) of insertion's blurred start image

// The model's softmax probabilities: RISE's deletion and insertion follow the class probability.
class SoftmaxModel : public Model {
 public:
  explicit SoftmaxModel(std::shared_ptr<Model> inner) : inner_(std::move(inner)) {}
  torch::Tensor Forward(const torch::Tensor& inputs) override {
    return torch::softmax(inner_->Forward(inputs), 1);
  }
  std::vector<int64_t> input_shape() const override { return inner_->input_shape(); }
  torch::Dtype dtype() const override { return inner_->dtype(); }
  void To(const torch::Device& device) override { inner_->To(device); }
  std::string description() const override { return "softmax of " + inner_->description(); }

 private:
  std::shared_ptr<Model> inner_;
};

// One explanation of the N images: per-element maps for heatmaps and metrics, and the input-space
// slope it states (undefined for the non-linear maps, which stay out of the no-free-lunch matrix).
struct Explained {
  std::string name;   // as in metrics.csv
  std::string title;  // montage title
  torch::Tensor maps;   // [N, C, H, W] float64
  torch::Tensor slope;  // [N, D] or undefined
};

// A composition of the no-free-lunch matrix: its name, recipe and options.
struct Composition {
  std::string name, method;
  RecipeOptions options;
};

std::vector<Composition> NflCompositions(int64_t samples, int64_t patch) {
  std::vector<Composition> list;
  for (int64_t p : {int64_t{2}, patch == 2 || patch == 7 ? int64_t{4} : patch, int64_t{7}}) {
    RecipeOptions o;
    o.samples = samples;
    o.kernel_width = kLimeWidth;
    o.groups = FeatureGroups::Patches(p);
    list.push_back({"lime_p" + std::to_string(p), "lime", o});
  }
  for (const std::string method : {"clime", "smoothgrad"}) {
    for (double sigma : {0.05, kSigma, 0.2}) {
      RecipeOptions o;
      o.samples = samples;
      o.sigma = sigma;
      char name[64];
      std::snprintf(name, sizeof(name), "%s_s%g", method.c_str(), sigma);
      list.push_back({name, method, o});
    }
  }
  RecipeOptions plain;
  plain.samples = samples;
  list.push_back({"gradient", "gradient", plain});
  list.push_back({"integrated_gradients", "integrated_gradients", plain});
  return list;
}

std::string Title(const std::string& name) {
  static const std::map<std::string, std::string> short_names = {
      {"integrated_gradients", "ig"}, {"gradient_x_input", "grad x input"},
      {"smoothgrad_squared", "sg squared"}, {"smoothgradcampp", "smooth gradcam++"},
      {"gradcampp", "gradcam++"}, {"kernelshap", "kernelshap"}};
  const auto it = short_names.find(name);
  return it == short_names.end() ? name : it->second;
}

struct ModelResults {
  std::string model;
  double accuracy = 0, train_seconds = 0;
  bool cached = false;
  std::vector<std::string> montages;
};


double Cell(const std::string& text) { return std::stod(text); }

// metrics.csv of one model as {explainer -> {metric -> (mean, sem)}}, explainers in order.
struct MetricTable {
  std::vector<std::string> explainers;
  std::map<std::string, std::map<std::string, std::pair<double, double>>> values;
};

MetricTable MetricsOf(const TextTable& metrics, const std::string& model) {
  MetricTable t;
  for (const auto& r : metrics.rows) {
    if (r[0] != model) continue;
    if (!t.values.count(r[1])) t.explainers.push_back(r[1]);
    t.values[r[1]][r[2]] = {Cell(r[3]), Cell(r[4])};
  }
  return t;
}

void WriteImageStudyReport(const ImageStudyOptions& options, double seconds,
                           const TextTable& models, const TextTable& metrics,
                           const TextTable& nfl, const std::vector<Composition>& compositions,
                           const std::vector<ModelResults>& results) {
  std::ostringstream md;
  md << "# Image study: Fashion-MNIST\n\n"
     << "`lfa study images --points " << options.points << " --samples " << options.samples
     << " --seed " << options.seed << " --patch " << options.patch << " --device "
     << options.device << "`: " << options.points << " test images per model, explained at the "
     << "model's predicted class; " << Format(seconds, 0) << " s in all (training included where "
     << "a model was not cached).\n\n";

  md << "## Models\n\n" << MarkdownRow({"model", "test accuracy", "training seconds", "source"})
     << MarkdownRow({"---", "---:", "---:", "---"});
  for (const auto& r : results)
    md << MarkdownRow({r.model, Format(r.accuracy), Format(r.train_seconds, 1),
                       r.cached ? "zoo cache" : "trained in this run"});

  struct Column { std::string metric, label; bool higher_better; };
  const std::vector<Column> columns = {
      {"deletion_auc", "deletion AUC (lower better)", false},
      {"insertion_auc", "insertion AUC (higher better)", true},
      {"infidelity", "infidelity (lower better)", false},
      {"topk_binary_gap", "top-10% gap (higher better)", true},
      {"bottomk_binary_gap", "bottom-10% gap (lower better)", false}};
  md << "\n## Faithfulness metrics\n\n"
     << "Mean +/- standard error over the images. Deletion and insertion follow the predicted "
        "class's softmax probability as pixels are removed (set to 0) or inserted into a blurred "
        "copy (sigma " << FormatG(kInsertionBlur) << " px), most relevant first (RISE); infidelity "
        "is Yeh et al.'s with Gaussian perturbations after the optimal rescaling of each map; the "
        "perturbation gaps set the top or bottom 10% of pixels to 0 and measure the change of the "
        "logit. Mask methods rank whole " << options.patch << "x" << options.patch
     << " patches (their pixels tie). Best of each column in bold.\n\n"
     << "Reading the table: about half of a Fashion-MNIST image is black background (0, the "
        "baseline). Methods whose attributions carry the factor (x - b) - integrated_gradients, "
        "gradient_x_input, occlusion - give those pixels 0, so their bottom-10% pixels are "
        "background that removal does not change: a bottom-k gap of 0 by construction, not a "
        "sign of insight. On the zoo CNN Smooth Grad-CAM++ equals Grad-CAM++: at the explained "
        "layer (the last pooling output) the class score is linear in the activation, so every "
        "noisy copy has the same gradient and the averaged derivative powers are the clean ones "
        "(docs/images.md).\n";
  for (const auto& r : results) {
    const MetricTable t = MetricsOf(metrics, r.model);
    std::vector<std::string> header = {"explainer"};
    for (const auto& c : columns) header.push_back(c.label);
    md << "\n### " << r.model << "\n\n" << MarkdownRow(header) << MarkdownRule(header.size());
    std::map<std::string, std::string> best;
    for (const auto& c : columns) {
      double best_value = c.higher_better ? -INFINITY : INFINITY;
      for (const auto& e : t.explainers) {
        const double v = t.values.at(e).at(c.metric).first;
        if (c.higher_better ? v > best_value : v < best_value) best_value = v, best[c.metric] = e;
      }
    }
    for (const auto& e : t.explainers) {
      std::vector<std::string> row = {e};
      for (const auto& c : columns) {
        const auto [mean, sem] = t.values.at(e).at(c.metric);
        const std::string cell = FormatG(mean) + " +/- " + FormatG(sem);
        row.push_back(best[c.metric] == e ? "**" + cell + "**" : cell);
      }
      md << MarkdownRow(row);
    }
  }

  md << "\n## No free lunch on images\n\n"
     << "Rows: explanations, each produced by one composition (lime_pP: LIME over PxP patches; "
        "clime_sS / smoothgrad_sS: Gaussian noise of standard deviation S; plus kernelshap and "
        "occlusion over " << options.patch << "x" << options.patch << " patches and "
        "gradient_x_input). Columns: evaluation compositions. A cell is the explanation's LFA loss "
        "over the column's neighbourhood (fresh samples), divided by the column's smallest loss "
        "(1.00 = best, in bold). Patch attributions are turned into input-space slopes by the "
        "minimum-norm slope that states them (`GroupedSlope`); pixels an explanation states "
        "nothing about (at the baseline) get slope 0. The theory predicts the diagonal - each "
        "composition's own explanation - wins its column.\n";
  int64_t wins = 0, cells = 0;
  std::vector<std::string> exceptions;
  for (const auto& r : results) {
    std::map<std::string, std::map<std::string, double>> loss;  // [explainer][neighbourhood]
    std::vector<std::string> explainers;
    for (const auto& row : nfl.rows) {
      if (row[1] != r.model) continue;
      if (!loss.count(row[2])) explainers.push_back(row[2]);
      loss[row[2]][row[3]] = Cell(row[5]);
    }
    std::vector<std::string> header = {"explainer \\ neighbourhood"};
    for (const auto& c : compositions) header.push_back(c.name);
    md << "\n### " << r.model << "\n\n" << MarkdownRow(header) << MarkdownRule(header.size());
    std::map<std::string, double> column_min;
    std::map<std::string, std::string> column_best;
    for (const auto& c : compositions) {
      column_min[c.name] = INFINITY;
      for (const auto& e : explainers)
        if (loss[e][c.name] < column_min[c.name])
          column_min[c.name] = loss[e][c.name], column_best[c.name] = e;
    }
    for (const auto& e : explainers) {
      std::vector<std::string> row = {e};
      for (const auto& c : compositions) {
        const double ratio = loss[e][c.name] / column_min[c.name];
        std::string cell = Format(ratio, 2);
        if (column_best[c.name] == e) cell = "**" + cell + "**";
        if (e == c.name) cell += " (diag)";
        row.push_back(cell);
      }
      md << MarkdownRow(row);
    }
    for (const auto& c : compositions) {
      ++cells;
      if (column_best[c.name] == c.name) {
        ++wins;
      } else {
        std::string note;
        // C-LIME's population solution is SmoothGrad's (Stein's lemma, theory_test.cc).
        if (c.method == "clime" && column_best[c.name] == "smoothgrad" + c.name.substr(5))
          note = " (the same population solution by Stein's lemma, estimated from gradients "
                 "instead of a " + std::to_string(785) + "-coefficient regression)";
        exceptions.push_back(r.model + ", column " + c.name + ": won by " + column_best[c.name] +
                             "; the diagonal is " + Format(loss[c.name][c.name] / column_min[c.name], 3) +
                             "x the best" + note);
      }
    }
  }
  md << "\nThe diagonal wins " << wins << " of " << cells << " columns.";
  if (exceptions.empty()) {
    md << " It wins every column: on images too, each explanation is the best local model over "
          "its own neighbourhood and no single explanation is best over all of them.\n";
  } else {
    md << " Where it does not:\n\n";
    for (const auto& e : exceptions) md << "- " << e << "\n";
    md << "\nA composition's explanation minimises its loss over the population of perturbations; "
          "what is fitted is an estimate from " << options.samples << " samples. C-LIME fits 785 "
          "coefficients per image (one per pixel and the intercept) by least squares, so its "
          "estimate carries large sampling noise, which fresh samples expose. SmoothGrad with the "
          "same sigma has the same population solution (Stein's lemma: the slope of the Gaussian-"
          "weighted linear fit is the Gaussian-averaged gradient) and estimates it from gradients, "
          "with far less variance, so it wins C-LIME's own column. This is a statement about "
          "estimators, not about the LFA objective: the objective's minimiser is shared. Every "
          "other column is won by its own composition.\n";
  }

  md << "\n## Heatmaps\n\n"
     << "Each montage: the input, then every method's map (absolute value summed over channels, "
        "capped at the 99th percentile; CAMs upsampled and overlaid on the input). Mask methods "
        "show their " << options.patch << "x" << options.patch << " patches.\n\n";
  for (const auto& r : results)
    for (const auto& m : r.montages) md << "![" << r.model << " " << m << "](" << m << ")\n\n";

  WriteFileAtomically(options.out + "/report.md", md.str());
  std::fprintf(stderr, "study images: %.0f s; wrote %s/{models,metrics,nfl}.csv, heatmaps/, report.md\n",
               seconds, options.out.c_str());
}

}  // namespace

bool ImageStudyOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& text) {
    if (error) *error = text;
    return false;
  };
  if (!CheckStudyOutAndPoints(out, points, error)) return false;
  if (samples < 10) return fail("--samples must be >= 10, got " + std::to_string(samples));
  if (patch < 1 || 28 % patch != 0)
    return fail("--patch must divide 28 (1, 2, 4, 7, 14, 28), got " + std::to_string(patch));
  if (heatmap_images < 0) return fail("--heatmap-images must be >= 0, got " + std::to_string(heatmap_images));
  if (noisy_copies < 1) return fail("--noisy-copies must be >= 1, got " + std::to_string(noisy_copies));
  if (models.empty()) return fail("--models is empty");
  const auto known = ZooArchitectures();
  for (const auto& m : models)
    if (std::find(known.begin(), known.end(), m) == known.end())
      return fail("--models: unknown zoo architecture '" + m + "' (" + Join(known, ", ") + ")");
  return true;
}

void RunImageStudy(const ImageStudyOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) Fail("lfa study images: ", error);
  const auto start = std::chrono::steady_clock::now();
  std::error_code fs_error;
  std::filesystem::create_directories(options.out + "/heatmaps", fs_error);
  if (fs_error) Fail("--out '", options.out, "' cannot be created: ", fs_error.message());

  const FashionMnist data = LoadFashionMnist(options.fashion_mnist);
  const torch::Tensor images =
      data.test_images.slice(0, 0, options.points).to(torch::kDouble).contiguous();
  const int64_t n = images.size(0);
  const std::vector<int64_t> shape = {1, 28, 28};
  const int64_t top_k = static_cast<int64_t>(std::round(kTopFraction * 784));

  TextTable models{{"model", "test_accuracy", "train_seconds"}, {}};
  TextTable metrics{{"model", "explainer", "metric", "mean", "sem"}, {}};
  TextTable nfl{{"dataset", "model", "explainer", "neighbourhood", "loss", "mean", "sem"}, {}};
  std::vector<ModelResults> results;
  const std::vector<Composition> compositions = NflCompositions(options.samples, options.patch);

  for (const std::string& architecture : options.models) {
    ModelResults result;
    result.model = architecture;
    ZooTrainingOptions training;
    training.architecture = architecture;
    training.progress = true;
    const ZooEntry entry = LoadOrTrain(training, data, options.cache_dir);
    result.accuracy = entry.test_accuracy;
    result.train_seconds = entry.train_seconds;
    result.cached = entry.from_cache;
    models.rows.push_back({architecture, Format(entry.test_accuracy), Format(entry.train_seconds, 1)});
    models.Write(options.out + "/models.csv");
    std::fprintf(stderr, "study images: %s test accuracy %.4f (%s)\n", architecture.c_str(),
                 entry.test_accuracy, entry.from_cache ? "cached" : "trained");

    Oracle logits(entry.model, {.device = options.device});
    Oracle probabilities(std::make_shared<SoftmaxModel>(entry.model), {.device = options.device});
    const torch::Tensor targets = logits.Outputs(images).argmax(1);
    const PointBatch batch = MakePointBatch(images, options.seed);
    const bool convolutional = architecture != "mlp";

    // Explanations: the eight recipes, the noisy-gradient ensembles, the CAMs.
    std::vector<Explained> explained;
    std::map<std::string, torch::Tensor> slopes;  // every linear explanation, by nfl name
    const std::vector<std::string> cams = {"gradcam", "gradcampp", "smoothgradcampp"};
    const int64_t steps = static_cast<int64_t>(MethodNames().size() + compositions.size() + 2 +
                                               (convolutional ? cams.size() : 0));
    Progress progress("study images " + architecture + ": explain", steps);
    int64_t done = 0;
    for (const std::string& method : MethodNames()) {
      RecipeOptions recipe;
      recipe.samples = options.samples;
      recipe.sigma = kSigma;
      recipe.kernel_width = kLimeWidth;
      const bool masked = method == "lime" || method == "kernelshap" || method == "occlusion";
      if (masked) recipe.groups = FeatureGroups::Patches(options.patch);
      const Explanation e = MakeExplainer(method, recipe)->Explain(logits, batch, targets);
      Explained x{method, Title(method), {}, {}};
      if (masked) {
        x.maps = recipe.groups.SpreadToElements(e.attributions, shape).reshape(images.sizes());
        x.slope = GroupedSlope(e.attributions, batch, recipe.groups);
        slopes[method + "_p" + std::to_string(options.patch)] = x.slope;
      } else {
        x.maps = e.attributions.reshape(images.sizes());
        x.slope = InputSpaceSlope(e.attributions, batch, IsMultiplicativeMethod(method));
        const std::string nfl_name = method == "clime" || method == "smoothgrad"
                                         ? method + "_s" + FormatG(kSigma)
                                         : method;
        slopes[nfl_name] = x.slope;
      }
      explained.push_back(std::move(x));
      progress.Update(++done);
    }
    ImageMethodOptions image;
    image.samples = options.noisy_copies;
    image.noise_fraction = kNoiseFraction;
    image.seed = options.seed;
    std::vector<std::string> image_methods = {"smoothgrad_squared", "vargrad"};
    if (convolutional) image_methods.insert(image_methods.end(), cams.begin(), cams.end());
    for (const std::string& method : image_methods) {
      explained.push_back({method, Title(method),
                           ComputeImageMap(method, logits, entry.model.get(), images, targets, image),
                           {}});
      progress.Update(++done);
    }
    // The rest of the no-free-lunch rows: every composition's own explanation.
    for (const Composition& c : compositions) {
      if (!slopes.count(c.name)) {
        const Explanation e = MakeExplainer(c.method, c.options)->Explain(logits, batch, targets);
        slopes[c.name] = c.options.groups.is_identity()
                             ? InputSpaceSlope(e.attributions, batch, IsMultiplicativeMethod(c.method))
                             : GroupedSlope(e.attributions, batch, c.options.groups);
      }
      progress.Update(++done);
    }
    progress.Finish();

    // Metrics of every map.
    Progress metric_progress("study images " + architecture + ": metrics",
                             static_cast<int64_t>(explained.size()));
    DeletionOptions deletion;
    DeletionOptions insertion;
    insertion.baseline.kind = "blur";
    insertion.baseline.sigma = kInsertionBlur;
    InfidelityOptions infidelity;
    infidelity.seed = options.seed;
    for (size_t m = 0; m < explained.size(); ++m) {
      const Explained& x = explained[m];
      auto add = [&](const std::string& metric, const torch::Tensor& per_image) {
        const MetricSummary s = Summarize(per_image);
        metrics.rows.push_back({architecture, x.name, metric, FormatG(s.mean), FormatG(s.sem)});
      };
      add("deletion_auc", DeletionCurve(probabilities, images, x.maps, targets, deletion).auc);
      add("insertion_auc", InsertionCurve(probabilities, images, x.maps, targets, insertion).auc);
      add("infidelity", Infidelity(logits, images, x.maps, targets, infidelity));
      const torch::Tensor flat = x.maps.reshape({n, -1});
      for (const std::string ranking : {"topk", "bottomk"}) {
        PerturbationTestOptions test;
        test.ranking = ranking;
        test.k = top_k;
        test.seed = options.seed;
        add(ranking + "_binary_gap", PerturbationGap(logits, images, flat, targets, test).per_point);
      }
      metric_progress.Update(static_cast<int64_t>(m + 1));
    }
    metric_progress.Finish();
    metrics.Write(options.out + "/metrics.csv");

    // The no-free-lunch matrix.
    Progress nfl_progress("study images " + architecture + ": no-free-lunch matrix",
                          static_cast<int64_t>(compositions.size()));
    for (size_t c = 0; c < compositions.size(); ++c) {
      const auto evaluation = DefaultRegistry().Build(RecipeSpec(compositions[c].method,
                                                                 compositions[c].options));
      const LfaLossEvaluator evaluator(logits, *evaluation, batch, targets);
      const nlohmann::json loss = evaluation->loss().ToJson();
      const std::string loss_name = loss.value("response", "value") == "delta"
                                        ? "squared_delta"
                                        : loss.at("type").get<std::string>();
      for (const auto& [name, slope] : slopes) {
        // Slopes an explanation does not state (pixels at the baseline) are 0, not re-fitted: on
        // images they are half the pixels, and re-fitting them would fit the evaluation's samples.
        const MetricSummary s = Summarize(evaluator.Evaluate(slope));
        nfl.rows.push_back({"fashion_mnist", architecture, name, compositions[c].name, loss_name,
                            FormatG(s.mean), FormatG(s.sem)});
      }
      nfl_progress.Update(static_cast<int64_t>(c + 1));
    }
    nfl_progress.Finish();
    nfl.Write(options.out + "/nfl.csv");

    // Montages of the first images.
    for (int64_t i = 0; i < std::min(options.heatmap_images, n); ++i) {
      std::vector<MontagePanel> panels;
      for (const Explained& x : explained)
        panels.push_back({x.title, IsCamMethod(x.name) ? x.maps[i][0] : x.maps[i],
                          IsCamMethod(x.name) ? PanelKind::kCamOverlay : PanelKind::kAttribution});
      const std::string file = "heatmaps/" + architecture + "_" + std::to_string(i) + ".png";
      WriteMontage(options.out + "/" + file, images[i], panels, MontageOptions{});
      result.montages.push_back(file);
    }
    results.push_back(std::move(result));
  }

  WriteImageStudyReport(options, SecondsSince(start), models, metrics, nfl, compositions, results);
}

}  // namespace lfa
