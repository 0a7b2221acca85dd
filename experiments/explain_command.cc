#include "experiments/explain_command.h"

#include <memory>

#include "experiments/csv.h"
#include "experiments/progress.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "framework/registry.h"
#include "framework/torchscript_model.h"

namespace lfa {
namespace {

std::unique_ptr<Explainer> ChooseExplainer(const ExplainCommandOptions& options) {
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
    if (options.sigma || options.kernel_width || options.baseline)
      Fail("--sigma, --kernel-width and --baseline configure --explainer; with --spec, set them "
           "in the spec file");
    nlohmann::json spec = ReadSpecFile(options.spec);
    if (options.samples && spec.is_object()) spec["samples"] = *options.samples;
    return DefaultRegistry().Build(spec);
  }
  RecipeOptions recipe;
  recipe.samples = options.samples.value_or(1000);
  recipe.sigma = options.sigma;
  recipe.kernel_width = options.kernel_width;
  recipe.baseline = options.baseline.value_or(0.0);
  return MakeExplainer(options.explainer, recipe, ParseImplementation(options.implementation));
}

}  // namespace

void RunExplain(const ExplainCommandOptions& options) {
  if (options.out.empty()) Fail("--out is required");
  if (options.batch_size < 1) Fail("--batch-size must be > 0, got ", options.batch_size);
  if (options.output_index < 0) Fail("--output-index must be >= 0, got ", options.output_index);
  CheckWritable(options.out);
  const auto explainer = ChooseExplainer(options);

  auto model = std::make_shared<TorchScriptModel>(options.model);
  CsvTable table = ReadCsv(options.data);
  if (!options.label_column.empty()) table.DropColumn(options.label_column);
  const int64_t rows = table.values.size(0), columns = table.values.size(1);

  std::vector<int64_t> shape = options.input_shape;
  if (shape.empty()) shape = model->input_shape().empty() ? std::vector<int64_t>{columns}
                                                          : model->input_shape();
  if (NumElements(shape) != columns) {
    Fail("data file '", options.data, "' has ", columns, " feature column(s) but model '",
         options.model, "' expects ", NumElements(shape), " input(s)",
         options.label_column.empty() && columns == NumElements(shape) + 1
             ? " (is the last column the target? pass --label-column last)"
             : "");
  }
  Oracle oracle(model, OracleOptions{.device = options.device, .max_batch_rows = options.batch_size});
  std::vector<int64_t> batch_shape = {rows};
  batch_shape.insert(batch_shape.end(), shape.begin(), shape.end());
  const torch::Tensor points = table.values.reshape(batch_shape);
  int64_t outputs = 0;
  try {
    outputs = oracle.NumOutputs(shape);
  } catch (const c10::Error& e) {
    std::string what = e.what();
    Fail("model '", options.model, "' cannot evaluate inputs of shape ", c10::IntArrayRef(shape),
         ": ", what.substr(0, what.find('\n')));
  }
  if (options.output_index >= outputs)
    Fail("--output-index ", options.output_index, " is out of range: the model has ", outputs,
         " output(s)");

  const torch::Tensor targets = Targets(options.output_index, rows);
  Progress progress("lfa explain " + explainer->name(), rows);
  std::vector<Explanation> parts;
  for (int64_t begin = 0; begin < rows; begin += options.points_per_step) {
    const int64_t end = std::min(rows, begin + options.points_per_step);
    const PointBatch batch = MakePointBatch(points.slice(0, begin, end), options.seed, begin);
    parts.push_back(explainer->Explain(oracle, batch, targets.slice(0, begin, end)));
    progress.Update(end);
  }
  progress.Finish();
  const Explanation explanation = Explanation::Concatenate(parts);

  std::vector<std::string> header;
  const int64_t d = explanation.attributions.size(1);
  for (int64_t j = 0; j < d; ++j)
    header.push_back(d == columns && options.input_shape.empty() ? table.header[j]
                     : d == columns ? "x" + std::to_string(j)
                                    : "group_" + std::to_string(j));
  header.insert(header.end(), {"intercept", "loss", "r2"});
  const torch::Tensor values = torch::cat(
      {explanation.attributions, explanation.intercepts.unsqueeze(1), explanation.loss.unsqueeze(1),
       explanation.r2.unsqueeze(1)}, 1);
  WriteCsvAtomically(options.out, header, values);
  std::fprintf(stderr, "%s -> %s\n", explanation.BriefReport().c_str(), options.out.c_str());
}

}  // namespace lfa
