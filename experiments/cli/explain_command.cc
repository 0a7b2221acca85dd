#include "experiments/cli/explain_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiments/cli/explain_checks.h"
#include "experiments/data/model_source.h"
#include "experiments/data/points_input.h"
#include "experiments/command/flags.h"
#include "experiments/io/atomic_file.h"
#include "experiments/io/csv.h"
#include "experiments/io/input_files.h"
#include "experiments/io/spec_file.h"
#include "experiments/io/text.h"
#include "experiments/parallel/communicator.h"
#include "experiments/parallel/explanation_gather.h"
#include "experiments/parallel/process_group.h"
#include "experiments/parallel/rank_failure.h"
#include "experiments/parallel/shard.h"
#include "experiments/report/heatmap.h"
#include "experiments/report/progress.h"
#include "experiments/studies/common/study_output.h"
#include "explainers/builtin_registry.h"
#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "framework/interrupt.h"
#include "framework/model.h"
#include "framework/oracle.h"
#include "framework/registry.h"
#include "neighbourhoods/baseline.h"

namespace lfa {
namespace {

FeatureGroups ParseGroups(const std::string& text) {
  if (text.empty()) return {};
  const std::string prefix = "patch:";
  if (text.rfind(prefix, 0) != 0)
    Fail("--groups must be patch:P (square patches of P x P pixels), got '", text, "'");
  const std::optional<int64_t> size = ParseInteger(text.substr(prefix.size()));
  if (!size || *size < 1) Fail("--groups patch:P needs a positive integer P, got '", text, "'");
  return FeatureGroups::Patches(*size);
}

// --baseline: a number, "mean" (of the explained points; 0 while they are not loaded yet) or
// "blur:S".
Baseline ParseBaseline(const std::string& text, const torch::Tensor& points) {
  if (text.empty()) return 0.0;
  if (text == "mean")
    return points.defined() ? Baseline(points.reshape({points.size(0), -1}).mean(0)) : Baseline(0.0);
  if (text.rfind("blur:", 0) == 0) {
    const std::optional<double> sigma = ParseDouble(text.substr(5));
    if (!sigma || !(*sigma > 0))
      Fail("--baseline blur:S needs a positive blur sigma S in pixels, got '", text, "'");
    return Baseline::Blur(*sigma);
  }
  const std::optional<double> value = ParseDouble(text);
  if (!value) Fail("--baseline must be a number, 'mean' or 'blur:S', got '", text, "'");
  return *value;
}

std::unique_ptr<Explainer> ChooseExplainer(const ExplainCommandOptions& options,
                                           const nlohmann::json& spec_file,
                                           const torch::Tensor& points) {
  if (!options.spec.empty() && !options.explainer.empty())
    Fail("give either --explainer or --spec, not both");
  if (options.spec.empty() && options.explainer.empty())
    Fail("no explainer: give --explainer NAME or --spec FILE.json");
  if (options.samples && *options.samples < 1) Fail("--samples must be > 0, got ", *options.samples);
  if (options.sigma && !(*options.sigma > 0)) Fail("--sigma must be > 0, got ", *options.sigma);
  if (options.kernel_width && !(*options.kernel_width > 0))
    Fail("--kernel-width must be > 0, got ", *options.kernel_width);
  if (!options.spec.empty()) {
    // A spec carries its own options: recipe flags beside it would be silently ignored.
    if (options.implementation != "lfa")
      Fail("--implementation ", options.implementation,
           " does not apply to --spec (a spec is always an LFA composition)");
    if (options.sigma || options.kernel_width || !options.baseline.empty() ||
        !options.groups.empty() || options.noise_fraction || !options.window.empty())
      Fail("--sigma, --kernel-width, --baseline, --groups, --noise-fraction and --window "
           "configure --explainer; with --spec, set them in the spec file");
    if (!options.layer.empty())
      Fail("--layer '", options.layer, "' names the layer of --explainer gradcam, gradcampp or "
           "smoothgradcampp; a --spec composition reads no layer");
    nlohmann::json spec = spec_file;
    if (options.samples && spec.is_object()) spec["samples"] = *options.samples;
    return DefaultRegistry().Build(spec);
  }
  RecipeOptions recipe;
  recipe.samples = options.samples.value_or(DefaultSamples(options.explainer));
  recipe.sigma = options.sigma;
  recipe.kernel_width = options.kernel_width;
  recipe.baseline = ParseBaseline(options.baseline, points);
  recipe.groups = ParseGroups(options.groups);
  recipe.noise_fraction = options.noise_fraction;
  recipe.sliding_window = options.window;
  recipe.strides = options.strides;
  recipe.layer = options.layer;
  std::string error;
  if (!recipe.IsValid(&error)) Fail("--explainer ", options.explainer, ": ", error);
  return MakeExplainer(options.explainer, recipe, ParseImplementation(options.implementation));
}

// The flags that need no file: checked before anything is loaded. The inputs are noted first, so
// that an --out naming one of them (by any path) is refused here (io/input_files.h).
void CheckCommandFlags(const ExplainCommandOptions& options) {
  if (options.out.empty()) Fail("--out is required");
  if (options.batch_size && *options.batch_size < 1)
    Fail("--batch-size must be > 0, got ", *options.batch_size);
  if (options.output_index < 0) Fail("--output-index must be >= 0, got ", options.output_index);
  if (options.points_per_step < 1)
    Fail("points per step must be > 0, got ", options.points_per_step);
  if (options.model.rfind("zoo:", 0) != 0) NoteInputFile(options.model, "model file");
  NoteInputFile(options.data, "data file");
  if (!options.spec.empty()) NoteInputFile(options.spec, "spec file");
  CheckOutputPath(options.out, "--out");
}

// The feature groups an explanation's attributions are over: the spec's (its neighbourhood's
// "groups") or --groups.
FeatureGroups ExplainedGroups(const ExplainCommandOptions& options, const nlohmann::json& spec) {
  if (options.spec.empty()) return ParseGroups(options.groups);
  if (!spec.is_object() || !spec.contains("neighbourhood") || !spec["neighbourhood"].is_object())
    return {};
  const nlohmann::json& neighbourhood = spec["neighbourhood"];
  return neighbourhood.contains("groups") ? FeatureGroups::FromJson(neighbourhood["groups"])
                                          : FeatureGroups();
}

// The montage of row i: DIR/row<first_row + i>.png.
std::string HeatmapPath(const std::string& directory, int64_t row) {
  std::string path = directory;
  path += "/row";
  path += std::to_string(row);
  path += ".png";
  return path;
}

// Files this run wrote; removed again unless Keep() (a run that fails leaves none of them).
class WrittenFiles {
 public:
  ~WrittenFiles() {
    if (keep_) return;
    std::error_code ignored;
    for (const std::string& path : paths_) std::filesystem::remove(path, ignored);
  }
  void Add(const std::string& path) { paths_.push_back(path); }
  void Keep() { keep_ = true; }

 private:
  std::vector<std::string> paths_;
  bool keep_ = false;
};

// The data's rows must fit the model's inputs, and the explained output must exist.
void CheckModelFitsData(const ExplainCommandOptions& options, const Model& model,
                        const Points& data, Oracle& oracle) {
  const int64_t elements = NumElements(data.shape);
  const std::vector<int64_t> model_shape = model.input_shape();
  if (!model_shape.empty() && NumElements(model_shape) != elements) {
    Fail("data file '", options.data, "' has ", elements,
         data.from_idx ? " value(s) per row" : " feature column(s)", " but model '",
         options.model, "' expects ", NumElements(model_shape), " input(s)",
         options.label_column.empty() && elements == NumElements(model_shape) + 1
             ? " (is the last column the target? pass --label-column last)"
             : "");
  }
  if (!options.heatmaps.empty() && data.shape.size() != 3)
    Fail("--heatmaps needs image points [C, H, W]; the points have shape ",
         c10::IntArrayRef(data.shape), " (give --input-shape C,H,W)");
  int64_t outputs = 0;
  try {
    outputs = oracle.NumOutputs(data.shape);
  } catch (const c10::Error& e) {
    std::string what = e.what();
    Fail("model '", options.model, "' cannot evaluate inputs of shape ",
         c10::IntArrayRef(data.shape), ": ", what.substr(0, what.find('\n')));
  }
  if (options.output_index >= outputs)
    Fail("--output-index ", options.output_index, " is out of range: the model has ", outputs,
         " output(s)");
}

// The rows of `shard` explained in steps of points_per_step (progress on stderr from rank 0), one
// Explanation; each point is seeded by its index in the data file, whichever rank explains it.
Explanation ExplainInSteps(const Explainer& explainer, Oracle& oracle, const Points& data,
                           const ExplainCommandOptions& options, const Shard& shard,
                           bool progress_shown) {
  if (shard.size() == 0) return Explanation{.method = explainer.name()};
  const torch::Tensor targets = Targets(options.output_index, data.values.size(0));
  std::string label = "lfa explain ";
  label += explainer.name();
  Progress progress(label, shard.size(),
                    progress_shown ? 1.0 : std::numeric_limits<double>::infinity());
  std::vector<Explanation> parts;
  for (int64_t begin = shard.begin; begin < shard.end; begin += options.points_per_step) {
    ThrowIfInterrupted();
    const int64_t end = std::min(shard.end, begin + options.points_per_step);
    const PointBatch batch =
        MakePointBatch(data.values.slice(0, begin, end), options.seed, data.first_row + begin);
    parts.push_back(explainer.Explain(oracle, batch, targets.slice(0, begin, end)));
    progress.Update(end - shard.begin);
  }
  progress.Finish();
  return Explanation::Concatenate(parts);
}

// One montage per row: the image beside its map (a CAM as an overlay, as the papers show it).
void WriteHeatmaps(const std::string& directory, const std::string& method, const Points& data,
                   const torch::Tensor& element_maps, WrittenFiles* written) {
  const int64_t rows = data.values.size(0);
  std::vector<int64_t> image_shape = {rows};
  image_shape.insert(image_shape.end(), data.shape.begin(), data.shape.end());
  const torch::Tensor images = data.values.reshape(image_shape);
  const torch::Tensor element_images = element_maps.reshape(image_shape);
  for (int64_t i = 0; i < rows; ++i) {
    std::vector<MontagePanel> panels;
    if (IsCamMethod(method)) {
      panels.push_back({method, element_images[i][0], PanelKind::kCamOverlay});
    } else {
      panels.push_back({method, element_images[i], PanelKind::kAttribution});
      panels.push_back({method + " signed", element_images[i], PanelKind::kSignedAttribution});
    }
    const std::string path = HeatmapPath(directory, data.first_row + i);
    WriteMontage(path, images[i], panels, MontageOptions{});
    written->Add(path);
  }
}

// The output CSV (and heatmaps) of every explained row, and the summary line on stderr.
// The montages first, the CSV last: a run that fails on the way leaves neither (the montages it
// wrote are removed, and so is the directory `heatmaps` created).
void WriteExplanation(const ExplainCommandOptions& options, const nlohmann::json& spec,
                      const std::string& method, const Points& data,
                      const Explanation& explanation, StudyDirectory* heatmaps) {
  WrittenFiles written;
  const int64_t rows = data.values.size(0), elements = NumElements(data.shape);
  const torch::Tensor element_maps =
      explanation.attributions.size(1) == elements
          ? explanation.attributions
          : ExplainedGroups(options, spec).SpreadToElements(explanation.attributions, data.shape);
  std::vector<std::string> header = data.names;
  torch::Tensor values = element_maps;
  // The recipes' and specs' CSV carries their fit; the image methods fit nothing, and their CSV
  // has always held the maps and the row only.
  if (!IsImageMethod(method)) {
    header.insert(header.end(), {"intercept", "loss", "r2"});
    values = torch::cat({element_maps, explanation.intercepts.unsqueeze(1),
                         explanation.loss.unsqueeze(1), explanation.r2.unsqueeze(1)}, 1);
  }
  CheckResultsFinite(header, values, data.first_row);
  // Last column: the row's index among the data file's rows, so outputs of row ranges line up.
  header.push_back("row");
  values = torch::cat({values, torch::arange(data.first_row, data.first_row + rows,
                                             torch::kDouble).unsqueeze(1)}, 1);
  if (heatmaps) WriteHeatmaps(heatmaps->path(), method, data, element_maps, &written);
  WriteCsv(options.out, header, values);
  written.Keep();
  if (heatmaps) heatmaps->Keep();
  std::fprintf(stderr, "%s -> %s%s\n", explanation.BriefReport().c_str(), options.out.c_str(),
               options.heatmaps.empty() ? "" : (" and " + options.heatmaps + "/row*.png").c_str());
}

}  // namespace

// Under `mpirun -n K` every rank checks the input and explains its block of whole steps of rows
// with its own Oracle (experiments/parallel/): every batch is one that a single process makes, so
// the bits do not depend on K. Rank 0 gathers the rows and writes. A failure on any rank ends
// every rank with one message and nothing written (experiments/parallel/rank_failure.h).
void RunExplain(const ExplainCommandOptions& options) {
  Communicator& world = World();
  nlohmann::json spec;
  std::unique_ptr<Explainer> explainer;
  std::optional<StudyDirectory> heatmaps;  // rank 0's; removed again if the run fails
  OpenedModel opened;
  Points data;
  Explanation local;
  RunOnEveryRank(world, [&] {
    CheckCommandFlags(options);
    if (!options.spec.empty()) spec = ReadSpecFile(options.spec);
    // Built before loading anything (bad flags fail fast), again once a "mean" baseline is known.
    explainer = ChooseExplainer(options, spec, torch::Tensor());
    if (world.rank() == 0 && !options.heatmaps.empty()) heatmaps.emplace(options.heatmaps);
    opened = OpenModel(options.model, {.cache_dir = options.cache_dir, .fashion_mnist = ""});
    data = ReadPoints({.path = options.data, .rows = options.rows,
                       .label_column = options.label_column, .input_shape = options.input_shape,
                       .scale = options.pixel_scale},
                      opened.model->input_shape());
    CheckPointsFinite(data, opened.model->dtype(), "data file '" + options.data + "'");
    CheckParametersFitModel(options, data, opened.model->dtype());
    for (int64_t i = 0; heatmaps && i < data.values.size(0); ++i)
      CheckOutputPath(HeatmapPath(heatmaps->path(), data.first_row + i), "--heatmaps file");
    if (options.baseline == "mean") explainer = ChooseExplainer(options, spec, data.values);
    Oracle oracle(opened.model, OracleOptions{.device = DeviceForRank(options.device, world),
                                              .max_batch_rows = options.batch_size.value_or(0)});
    CheckModelFitsData(options, *opened.model, data, oracle);
    local = ExplainInSteps(*explainer, oracle, data, options,
                           BlockShard(data.values.size(0), world.rank(), world.size(),
                                      options.points_per_step),
                           world.rank() == 0);
  });
  const Explanation explanation = GatherExplanation(world, local);
  RunOnEveryRank(world, [&] {
    if (world.rank() == 0) {
      WriteExplanation(options, spec, explainer->name(), data, explanation,
                       heatmaps ? &*heatmaps : nullptr);
    }
  });
}

namespace {

class ExplainCommand : public Command, public ShardsAcrossRanks {
 public:
  std::string name() const override { return "explain"; }
  std::string description() const override {
    return "explain every row of a CSV table or an IDX image file";
  }
  void AddOptions(CLI::App& app) override;
  void Run() override {
    if (!input_shape_.empty()) options_.input_shape = ParseShape(input_shape_, "--input-shape");
    if (!window_.empty()) options_.window = ParseShape(window_, "--window");
    if (!strides_.empty()) options_.strides = ParseShape(strides_, "--strides");
    RunExplain(options_);
  }

 private:
  ExplainCommandOptions options_;
  std::string input_shape_, window_, strides_;
};

void ExplainCommand::AddOptions(CLI::App& app) {
  ExplainCommandOptions& o = options_;
  ModelAndDataFlags flags = ModelAndDataFieldsOf(o);
  flags.input_shape = &input_shape_;
  flags.pixel_scale = &o.pixel_scale;
  AddModelAndDataOptions(app, flags);
  app.add_option("--explainer", o.explainer,
                 "lime, kernelshap, occlusion, clime, smoothgrad, gradient, integrated_gradients, "
                 "gradient_x_input; images also smoothgrad_squared, vargrad, gradcam, gradcampp, "
                 "smoothgradcampp");
  app.add_option("--implementation", o.implementation, "lfa (default) or classic");
  app.add_option("--spec", o.spec, "JSON spec composing an explainer");
  app.add_option("--groups", o.groups, "feature groups of the mask methods: patch:P");
  app.add_option("--samples", o.samples, "perturbations per point (default 1000)");
  app.add_option("--seed", o.seed, "random seed (default 0)")->check(SeedValidator());
  app.add_option("--sigma", o.sigma, "noise of clime/smoothgrad (default 0.1)");
  app.add_option("--kernel-width", o.kernel_width, "LIME kernel width (default 1)");
  app.add_option("--baseline", o.baseline,
                 "removed-feature value: a number (default 0), mean or blur:SIGMA");
  app.add_option("--window", window_, "classic occlusion: sliding window H,W or C,H,W");
  app.add_option("--strides", strides_, "classic occlusion: window strides (default 1)");
  app.add_option("--noise-fraction", o.noise_fraction,
                 "smoothgrad, clime, image methods: noise sigma / each point's range");
  app.add_option("--layer", o.layer, "CAM layer (default: the last spatial layer)");
  app.add_option("--output-index", o.output_index, "model output explained (default 0)");
  app.add_option("--batch-size", o.batch_size,
                 "rows per model call (default: sized from a byte budget)");
  app.add_option("--heatmaps", o.heatmaps, "directory for one PNG montage per row");
  app.add_option("--out", o.out, "output CSV file")->required();
}

}  // namespace

std::unique_ptr<Command> MakeExplainCommand() { return std::make_unique<ExplainCommand>(); }

}  // namespace lfa
