#include "experiments/studies/images/run.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/report/progress.h"
#include "experiments/studies/common/study_models.h"
#include "experiments/studies/images/heatmaps.h"
#include "experiments/zoo/model_zoo.h"
#include "explainers/builtin_registry.h"
#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "framework/lfa_explainer.h"
#include "framework/oracle.h"
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

// What every step explains and scores on one model: its oracles, the images and their targets.
struct Subject {
  Oracle& logits;
  Oracle& probabilities;
  const torch::Tensor& images;  // [N, C, H, W] float64
  torch::Tensor targets;        // the predicted classes, int64 [N]
  PointBatch batch;
};

// A composition of the no-free-lunch matrix with the recipe options that build it.
struct RecipeComposition {
  NflComposition id;
  RecipeOptions options;
};

// The input-space slopes of the linear explanations: the matrix's rows, by name.
using Slopes = std::map<std::string, std::pair<NflComposition, torch::Tensor>>;

std::string SigmaName(const std::string& method, double sigma) {
  char name[64];
  std::snprintf(name, sizeof(name), "%s_s%g", method.c_str(), sigma);
  return name;
}

std::string PatchName(const std::string& method, int64_t patch) {
  std::string name = method;
  name += "_p";
  name += std::to_string(patch);
  return name;
}

std::vector<RecipeComposition> NflCompositions(int64_t samples, int64_t patch) {
  std::vector<RecipeComposition> list;
  for (int64_t p : {int64_t{2}, patch == 2 || patch == 7 ? int64_t{4} : patch, int64_t{7}}) {
    RecipeOptions o{.samples = samples, .kernel_width = kLimeWidth};
    o.groups = FeatureGroups::Patches(p);
    list.push_back({{PatchName("lime", p), "lime"}, o});
  }
  for (const std::string method : {"clime", "smoothgrad"}) {
    for (double sigma : {0.05, kSigma, 0.2})
      list.push_back({{SigmaName(method, sigma), method, sigma},
                      RecipeOptions{.samples = samples, .sigma = sigma}});
  }
  list.push_back({{"gradient", "gradient"}, RecipeOptions{.samples = samples}});
  list.push_back({{"integrated_gradients", "integrated_gradients"}, RecipeOptions{.samples = samples}});
  return list;
}

// The one place the study calls the image-only methods (SmoothGrad-Squared, VarGrad, the CAMs).
torch::Tensor ExplainImages(const std::string& method, const Subject& s, int64_t noisy_copies,
                            uint64_t seed) {
  return MakeExplainer(method, {.samples = noisy_copies, .noise_fraction = kNoiseFraction})
      ->Explain(s.logits, MakePointBatch(s.images, seed), s.targets)
      .AttributionMaps();
}

// One of the eight recipes in the study's main set; records its slope as a matrix row.
ExplainedMap ExplainRecipe(const std::string& method, const ImageStudyOptions& options,
                           const Subject& s, Slopes* slopes) {
  RecipeOptions recipe{.samples = options.samples, .sigma = kSigma, .kernel_width = kLimeWidth};
  const bool masked = method == "lime" || method == "kernelshap" || method == "occlusion";
  if (masked) recipe.groups = FeatureGroups::Patches(options.patch);
  const Explanation e = MakeExplainer(method, recipe)->Explain(s.logits, s.batch, s.targets);
  const std::vector<int64_t> shape(s.images.sizes().begin() + 1, s.images.sizes().end());
  if (masked) {
    const std::string name = PatchName(method, options.patch);
    (*slopes)[name] = {{name, method}, GroupedSlope(e.attributions, s.batch, recipe.groups)};
    return {method, recipe.groups.SpreadToElements(e.attributions, shape).reshape(s.images.sizes())};
  }
  const bool gaussian = method == "clime" || method == "smoothgrad";
  const NflComposition id{gaussian ? SigmaName(method, kSigma) : method, method,
                          gaussian ? kSigma : 0.0};
  (*slopes)[id.name] = {id, InputSpaceSlope(e.attributions, s.batch, IsMultiplicativeMethod(method))};
  return {method, e.attributions.reshape(s.images.sizes())};
}

// The rows the main set did not produce: every composition's own explanation.
void ExplainCompositions(const std::vector<RecipeComposition>& compositions, const Subject& s,
                         Slopes* slopes, Progress* progress, int64_t* done) {
  for (const RecipeComposition& c : compositions) {
    if (!slopes->count(c.id.name)) {
      const Explanation e = MakeExplainer(c.id.method, c.options)->Explain(s.logits, s.batch, s.targets);
      const torch::Tensor slope =
          c.options.groups.is_identity()
              ? InputSpaceSlope(e.attributions, s.batch, IsMultiplicativeMethod(c.id.method))
              : GroupedSlope(e.attributions, s.batch, c.options.groups);
      (*slopes)[c.id.name] = {c.id, slope};
    }
    progress->Update(++*done);
  }
}

// The maps of every method (recipes, gradient ensembles, CAMs) and the slopes of every linear one.
std::vector<ExplainedMap> ExplainAll(const ImageStudyOptions& options, const std::string& model,
                                     const std::vector<RecipeComposition>& compositions,
                                     bool convolutional, const Subject& s, Slopes* slopes) {
  std::vector<std::string> image_methods = {"smoothgrad_squared", "vargrad"};
  if (convolutional)
    for (const std::string cam : {"gradcam", "gradcampp", "smoothgradcampp"}) image_methods.push_back(cam);
  const auto steps = static_cast<int64_t>(MethodNames().size() + image_methods.size() +
                                          compositions.size());
  Progress progress("study images " + model + ": explain", steps);
  int64_t done = 0;
  std::vector<ExplainedMap> maps;
  for (const std::string& method : MethodNames()) {
    maps.push_back(ExplainRecipe(method, options, s, slopes));
    progress.Update(++done);
  }
  for (const std::string& method : image_methods) {
    maps.push_back({method, ExplainImages(method, s, options.noisy_copies, options.seed)});
    progress.Update(++done);
  }
  ExplainCompositions(compositions, s, slopes, &progress, &done);
  progress.Finish();
  return maps;
}

// The faithfulness metrics of one map (metrics.csv's rows of one explainer).
ExplainerScores ScoreMap(const ExplainedMap& x, const Subject& s, int64_t top_k, uint64_t seed) {
  ExplainerScores scores;
  scores.explainer = x.name;
  DeletionOptions deletion;
  DeletionOptions insertion;
  insertion.baseline.kind = "blur";
  insertion.baseline.sigma = kInsertionBlur;
  InfidelityOptions infidelity;
  infidelity.seed = seed;
  scores.Get(ImageMetric::kDeletionAuc) =
      Summarize(DeletionCurve(s.probabilities, s.images, x.maps, s.targets, deletion).auc);
  scores.Get(ImageMetric::kInsertionAuc) =
      Summarize(InsertionCurve(s.probabilities, s.images, x.maps, s.targets, insertion).auc);
  scores.Get(ImageMetric::kInfidelity) =
      Summarize(Infidelity(s.logits, s.images, x.maps, s.targets, infidelity));
  const torch::Tensor flat = x.maps.reshape({s.images.size(0), -1});
  for (const auto& [ranking, metric] : {std::pair{"topk", ImageMetric::kTopKGap},
                                        std::pair{"bottomk", ImageMetric::kBottomKGap}}) {
    PerturbationTestOptions test{.ranking = ranking, .k = top_k, .seed = seed};
    scores.Get(metric) = Summarize(PerturbationGap(s.logits, s.images, flat, s.targets, test).per_point);
  }
  scores.bottomk_at_baseline = BottomKAtBaseline(s.images, x.maps, top_k);
  return scores;
}

std::vector<ExplainerScores> ScoreMaps(const std::vector<ExplainedMap>& maps, const Subject& s,
                                       const std::string& model, int64_t top_k, uint64_t seed) {
  Progress progress("study images " + model + ": metrics", static_cast<int64_t>(maps.size()));
  std::vector<ExplainerScores> scores;
  for (const ExplainedMap& x : maps) {
    scores.push_back(ScoreMap(x, s, top_k, seed));
    progress.Update(static_cast<int64_t>(scores.size()));
  }
  progress.Finish();
  return scores;
}

// The loss name of nfl.csv: "squared_delta" for a delta response, else the loss's type.
std::string LossName(const LfaExplainer& evaluation) {
  const nlohmann::json loss = evaluation.loss().ToJson();
  return loss.value("response", "value") == "delta" ? "squared_delta"
                                                     : loss.at("type").get<std::string>();
}

NflMatrix EvaluateNfl(const std::vector<RecipeComposition>& compositions, const Slopes& slopes,
                      const Subject& s, const std::string& model) {
  NflMatrix matrix;
  for (const auto& [name, row] : slopes) matrix.rows.push_back(row.first);
  matrix.loss.assign(slopes.size(), {});
  Progress progress("study images " + model + ": no-free-lunch matrix",
                    static_cast<int64_t>(compositions.size()));
  for (const RecipeComposition& c : compositions) {
    const auto evaluation = DefaultRegistry().Build(RecipeSpec(c.id.method, c.options));
    const LfaLossEvaluator evaluator(s.logits, *evaluation, s.batch, s.targets);
    matrix.columns.push_back(c.id);
    matrix.column_losses.push_back(LossName(*evaluation));
    size_t row = 0;
    for (const auto& [name, entry] : slopes) {
      // Slopes an explanation does not state (pixels at the baseline) are 0, not re-fitted: on
      // images they are half the pixels, and re-fitting them would fit the evaluation's samples.
      matrix.loss[row++].push_back(Summarize(evaluator.Evaluate(entry.second)));
    }
    progress.Update(static_cast<int64_t>(matrix.columns.size()));
  }
  progress.Finish();
  return matrix;
}

int64_t TopK(int64_t features) {
  return static_cast<int64_t>(std::round(kTopFraction * static_cast<double>(features)));
}

const torch::Tensor* FindMaps(const std::vector<ExplainedMap>& maps, const std::string& name) {
  for (const ExplainedMap& x : maps)
    if (x.name == name) return &x.maps;
  return nullptr;
}

}  // namespace

ImageStudyResults NewImageStudyResults(const ImageStudyOptions& options, const torch::Tensor& images) {
  ImageStudyResults results;
  results.options = options;
  results.features = images.numel() / images.size(0);
  results.top_fraction = kTopFraction;
  results.top_k = TopK(results.features);
  results.insertion_blur = kInsertionBlur;
  results.background_fraction = BaselineShare(images);
  return results;
}

ImageModelResult StudyImageModel(const ImageStudyOptions& options, const FashionMnist& data,
                                 const torch::Tensor& images, const std::string& architecture) {
  ImageModelResult result;
  ZooTrainingOptions training{.architecture = architecture, .progress = true};
  const ZooEntry entry = LoadStudyModel("study images", architecture, training, data,
                                        options.cache_dir, &result.model);
  Oracle logits(entry.model, {.device = options.device});
  Oracle probabilities(std::make_shared<SoftmaxModel>(entry.model), {.device = options.device});
  const Subject subject{logits, probabilities, images,
                        logits.Outputs(images).argmax(1), MakePointBatch(images, options.seed)};
  const bool convolutional = architecture != "mlp";
  const auto compositions = NflCompositions(options.samples, options.patch);
  const int64_t top_k = TopK(images.numel() / images.size(0));

  Slopes slopes;
  const std::vector<ExplainedMap> maps =
      ExplainAll(options, architecture, compositions, convolutional, subject, &slopes);
  result.scores = ScoreMaps(maps, subject, architecture, top_k, options.seed);
  result.nfl = EvaluateNfl(compositions, slopes, subject, architecture);
  const torch::Tensor* plain = FindMaps(maps, "gradcampp");
  const torch::Tensor* smooth = FindMaps(maps, "smoothgradcampp");
  if (plain && smooth) result.cam_smoothing_difference = MaxRelativeDifference(*smooth, *plain);
  result.montages =
      WriteImageStudyMontages(options.out, architecture, images, maps, options.heatmap_images);
  return result;
}

double BaselineShare(const torch::Tensor& images) {
  if (images.numel() == 0) return 0.0;
  return images.eq(0).to(torch::kDouble).mean().item<double>();
}

double BottomKAtBaseline(const torch::Tensor& images, const torch::Tensor& maps, int64_t k) {
  const int64_t n = images.size(0);
  const torch::Tensor selected = SelectedFeatures(maps.reshape({n, -1}), "bottomk", k).select(1, k - 1);
  const torch::Tensor at_baseline = images.reshape({n, -1}).eq(0);
  return selected.logical_and(at_baseline).sum(1).to(torch::kDouble).div(k).mean().item<double>();
}

double MaxRelativeDifference(const torch::Tensor& a, const torch::Tensor& b) {
  const double scale = b.abs().max().item<double>();
  const double difference = (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
  if (scale > 0) return difference / scale;
  return difference == 0 ? 0.0 : std::numeric_limits<double>::infinity();
}

}  // namespace lfa
