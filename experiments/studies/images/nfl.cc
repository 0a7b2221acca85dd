#include "experiments/studies/images/nfl.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "experiments/report/progress.h"
#include "explainers/builtin_registry.h"
#include "framework/feature_groups.h"
#include "framework/lfa_explainer.h"
#include "metrics/lfa_loss.h"
#include "metrics/summary.h"

namespace lfa {
namespace {

// The loss name of nfl.csv: "squared_delta" for a delta response, else the loss's type.
std::string LossName(const LfaExplainer& evaluation) {
  const nlohmann::json loss = evaluation.loss().ToJson();
  return loss.value("response", "value") == "delta" ? "squared_delta"
                                                     : loss.at("type").get<std::string>();
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

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

std::vector<NflRecipe> ImageNflCompositions(int64_t samples, int64_t patch) {
  std::vector<NflRecipe> list;
  for (int64_t p : {int64_t{2}, patch == 2 || patch == 7 ? int64_t{4} : patch, int64_t{7}}) {
    RecipeOptions o{.samples = samples, .kernel_width = kImageLimeWidth};
    o.groups = FeatureGroups::Patches(p);
    list.push_back({{PatchName("lime", p), "lime"}, o});
  }
  for (const std::string method : {"clime", "smoothgrad"}) {
    for (double sigma : {0.05, kImageSigma, 0.2})
      list.push_back({{SigmaName(method, sigma), method, sigma},
                      RecipeOptions{.samples = samples, .sigma = sigma}});
  }
  list.push_back({{"gradient", "gradient"}, RecipeOptions{.samples = samples}});
  list.push_back({{"integrated_gradients", "integrated_gradients"}, RecipeOptions{.samples = samples}});
  return list;
}

bool IsSampledNflMethod(const std::string& method) {
  return Contains({"lime", "clime", "smoothgrad", "integrated_gradients"}, method);
}

torch::Tensor ExplainNflSlope(const NflRecipe& recipe, Oracle& oracle, const PointBatch& batch,
                              const torch::Tensor& targets) {
  const Explanation e = MakeExplainer(recipe.id.method, recipe.options)->Explain(oracle, batch, targets);
  return recipe.options.groups.is_identity()
             ? InputSpaceSlope(e.attributions, batch, IsMultiplicativeMethod(recipe.id.method))
             : GroupedSlope(e.attributions, batch, recipe.options.groups);
}

std::vector<NflMatrix> EvaluateNfl(const std::vector<NflRecipe>& columns,
                                   const std::vector<const NflSlopes*>& row_sets, Oracle& oracle,
                                   const PointBatch& batch, const torch::Tensor& targets,
                                   const std::string& label, double* seconds) {
  std::vector<NflMatrix> matrices(row_sets.size());
  for (size_t set = 0; set < row_sets.size(); ++set) {
    for (const auto& [name, row] : *row_sets[set]) matrices[set].rows.push_back(row.first);
    matrices[set].loss.assign(row_sets[set]->size(), {});
  }
  Progress progress("study images " + label + ": no-free-lunch matrix",
                    static_cast<int64_t>(columns.size()));
  double building = 0.0;
  for (const NflRecipe& c : columns) {
    const auto start = std::chrono::steady_clock::now();
    const auto evaluation = DefaultRegistry().Build(RecipeSpec(c.id.method, c.options));
    const LfaLossEvaluator evaluator(oracle, *evaluation, batch, targets);
    building += SecondsSince(start);
    for (size_t set = 0; set < row_sets.size(); ++set) {
      NflMatrix& matrix = matrices[set];
      matrix.columns.push_back(c.id);
      matrix.column_losses.push_back(LossName(*evaluation));
      size_t row = 0;
      for (const auto& [name, entry] : *row_sets[set]) {
        // Slopes an explanation does not state (pixels at the baseline) are 0, not re-fitted: on
        // images they are half the pixels, and re-fitting them would fit the evaluation's samples.
        matrix.loss[row++].push_back(Summarize(evaluator.Evaluate(entry.second)));
      }
    }
    progress.Update(static_cast<int64_t>(matrices.front().columns.size()));
  }
  progress.Finish();
  if (seconds) *seconds = building;
  return matrices;
}

NflSweepRows ExplainNflSweep(const std::vector<NflRecipe>& columns, const NflSlopes& rows,
                             const std::vector<std::string>& methods, int64_t samples,
                             Oracle& oracle, const PointBatch& batch, const torch::Tensor& targets,
                             const std::string& label) {
  const auto start = std::chrono::steady_clock::now();
  NflSweepRows point{.samples = samples, .swept = {}, .rows = rows};
  int64_t total = 0, done = 0;
  for (const NflRecipe& c : columns) total += Contains(methods, c.id.method) ? 1 : 0;
  std::string step = "study images ";
  step += label;
  step += ": explain with ";
  step += std::to_string(samples);
  step += " samples";
  Progress progress(step, total);
  for (const NflRecipe& c : columns) {
    if (!Contains(methods, c.id.method)) continue;
    NflRecipe recipe = c;
    recipe.options.samples = samples;
    point.rows[c.id.name] = {c.id, ExplainNflSlope(recipe, oracle, batch, targets)};
    point.swept.push_back(c.id.name);
    progress.Update(++done);
  }
  progress.Finish();
  point.seconds = SecondsSince(start);
  return point;
}

}  // namespace lfa
