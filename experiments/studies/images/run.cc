#include "experiments/studies/images/run.h"

#include <cmath>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "experiments/report/progress.h"
#include "experiments/studies/common/study_models.h"
#include "experiments/studies/images/heatmaps.h"
#include "experiments/studies/images/nfl.h"
#include "experiments/zoo/model_zoo.h"
#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "framework/oracle.h"
#include "metrics/image_metrics.h"
#include "metrics/lfa_loss.h"
#include "metrics/perturbation.h"
#include "metrics/summary.h"

namespace lfa {
namespace {

constexpr double kSigma = kImageSigma;
constexpr double kLimeWidth = kImageLimeWidth;
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

// The one place the study calls the image-only methods (SmoothGrad-Squared, VarGrad, the CAMs).
torch::Tensor ExplainImages(const std::string& method, const Subject& s, int64_t noisy_copies,
                            uint64_t seed) {
  return MakeExplainer(method, {.samples = noisy_copies, .noise_fraction = kNoiseFraction})
      ->Explain(s.logits, MakePointBatch(s.images, seed), s.targets)
      .AttributionMaps();
}

// One of the eight recipes in the study's main set; records its slope as a matrix row.
ExplainedMap ExplainRecipe(const std::string& method, const ImageStudyOptions& options,
                           const Subject& s, NflSlopes* slopes) {
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

// The maps of every method (recipes, gradient ensembles, CAMs) and the slopes of every linear one.
std::vector<ExplainedMap> ExplainAll(const ImageStudyOptions& options, const std::string& model,
                                     const std::vector<NflRecipe>& compositions,
                                     bool convolutional, const Subject& s, NflSlopes* slopes) {
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
  for (const NflRecipe& c : compositions) {  // the rows the main set did not produce
    if (!slopes->count(c.id.name))
      (*slopes)[c.id.name] = {c.id, ExplainNflSlope(c, s.logits, s.batch, s.targets)};
    progress.Update(++done);
  }
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

// The main matrix (into result->nfl) and the sample sweep's matrices (returned), all rows scored
// over the same columns.
std::vector<NflSweepPoint> StudyNfl(const ImageStudyOptions& options,
                                    const std::vector<NflRecipe>& compositions,
                                    const NflSlopes& slopes, const Subject& s,
                                    const std::string& model, ImageModelResult* result) {
  std::vector<NflSweepRows> sweep;
  for (const int64_t samples : options.nfl_samples)
    sweep.push_back(ExplainNflSweep(compositions, slopes, options.nfl_sweep_methods, samples,
                                    s.logits, s.batch, s.targets, model));
  std::vector<const NflSlopes*> row_sets = {&slopes};
  for (const NflSweepRows& point : sweep) row_sets.push_back(&point.rows);
  std::vector<NflMatrix> matrices = EvaluateNfl(compositions, row_sets, s.logits, s.batch,
                                                s.targets, model, &result->nfl_columns_seconds);
  result->nfl = std::move(matrices[0]);
  std::vector<NflSweepPoint> points;
  for (size_t i = 0; i < sweep.size(); ++i)
    points.push_back({sweep[i].samples, sweep[i].swept, std::move(matrices[i + 1]), sweep[i].seconds});
  return points;
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
  const auto compositions = ImageNflCompositions(options.samples, options.patch);
  const int64_t top_k = TopK(images.numel() / images.size(0));

  NflSlopes slopes;
  const std::vector<ExplainedMap> maps =
      ExplainAll(options, architecture, compositions, convolutional, subject, &slopes);
  result.scores = ScoreMaps(maps, subject, architecture, top_k, options.seed);
  result.nfl_sweep = StudyNfl(options, compositions, slopes, subject, architecture, &result);
  const torch::Tensor* plain = FindMaps(maps, "gradcampp");
  const torch::Tensor* smooth = FindMaps(maps, "smoothgradcampp");
  if (plain && smooth) result.cam_smoothing_difference = MaxRelativeDifference(*smooth, *plain);
  result.montage_maps = MontageMaps(maps, options.heatmap_images);
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
