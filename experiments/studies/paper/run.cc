#include "experiments/studies/paper/run.h"

#include <torch/types.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>
#include <vector>

#include "experiments/data/paper_data.h"
#include "explainers/builtin_registry.h"
#include "explainers/recipes.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "framework/registry.h"
#include "metrics/distances.h"
#include "metrics/exact.h"
#include "metrics/lfa_loss.h"
#include "metrics/perturbation.h"
#include "metrics/summary.h"
#include "models/mlp_model.h"
#include "models/torchscript_model.h"
#include "neighbourhoods/bernoulli_mask.h"

namespace lfa {
namespace {

// The methods of the paper's released tables, in their order.
const std::vector<std::string> kCompared = {
    "lime",     "kernelshap", "occlusion", "integrated_gradients", "gradient_x_input",
    "gradient", "smoothgrad"};
const std::vector<int64_t> kConvergenceSamples = {10, 30, 100, 300, 1000, 3000, 10000};
const std::vector<double> kSigmas = {0.3, 0.2, 0.1, 0.05, 0.01};
const std::vector<double> kLows = {0.0, 0.5, 0.65, 0.8, 0.95};
// Logistic-surrogate variants of the paper's exp2: (name, method whose composition is reused).
const std::vector<std::pair<std::string, std::string>> kLogisticVariants = {
    {"clime+logistic", "clime"},
    {"smoothgrad+logistic", "smoothgrad"},
    {"gradient+logistic", "gradient"},
    {"integrated_gradients+logistic", "integrated_gradients"}};
constexpr int64_t kLargestK = 11;  // exp3 perturbs k = 1..11 features
constexpr double kPerturbationSigma = 0.1;
constexpr int64_t kPerturbationDraws = 100;

// What every experiment on one model shares.
struct ModelContext {
  const PaperRunSettings& settings;
  const std::string& dataset;
  const std::string& model;
  Oracle& oracle;
  torch::Tensor points;  // [N, D] float64
  PointBatch batch;
  torch::Tensor targets;
  RecipeOptions recipe;
};

// The explanations every experiment compares.
struct Explanations {
  std::map<std::string, Explanation> lfa;                     // every method's composition
  std::map<std::string, Explanation> classic;                 // every method but clime
  std::vector<std::pair<std::string, Explanation>> logistic;  // classifiers only, paper's order
};

double L1Mean(const torch::Tensor& a, const torch::Tensor& b, int decimals) {
  return RoundToDecimals(L1Distance(a, b).mean().item<double>(), decimals);
}
double CosineMean(const torch::Tensor& a, const torch::Tensor& b, int decimals) {
  return RoundToDecimals(CosineDistance(a, b).mean().item<double>(), decimals);
}

std::string LossLabel(const LfaExplainer& composition) {
  const nlohmann::json spec = composition.loss().ToJson();
  if (spec.value("response", "value") == "delta") return "squared_delta";
  return spec.at("type").get<std::string>();
}

torch::Tensor ModelWeights(const ModelContext& c) {
  const MlpModel mlp(PaperModelPath(c.settings.data_dir, c.dataset, c.model, "state"),
                     PaperArchitecture(c.dataset));
  return mlp.weights().front()[0];
}

Explanations ExplainAll(const ModelContext& c) {
  Explanations e;
  for (const std::string& method : MethodNames()) {
    e.lfa[method] = MakeExplainer(method, c.recipe)->Explain(c.oracle, c.batch, c.targets);
    if (method != "clime")
      e.classic[method] = MakeExplainer(method, c.recipe, Implementation::kClassic)
                              ->Explain(c.oracle, c.batch, c.targets);
  }
  // The logistic-surrogate variants on the classifier (exp2 and the no-free-lunch rows).
  if (c.dataset == "heloc") {
    for (const auto& [name, base] : kLogisticVariants) {
      nlohmann::json spec = RecipeSpec(base, c.recipe);
      spec["surrogate"] = {{"type", "logistic"}, {"intercept", true}};
      e.logistic.emplace_back(name,
                              DefaultRegistry().Build(spec)->Explain(c.oracle, c.batch, c.targets));
    }
  }
  return e;
}

// exp1: every classic implementation against every composition.
std::vector<ClassicVsLfa> RunExp1(const Explanations& e) {
  std::vector<ClassicVsLfa> cells;
  for (const std::string& classic : kCompared) {
    for (const std::string& lfa : kCompared) {
      const torch::Tensor& a = e.classic.at(classic).attributions;
      const torch::Tensor& b = e.lfa.at(lfa).attributions;
      cells.push_back(
          {classic, lfa, L1Mean(a, b, kDistanceDecimals), CosineMean(a, b, kDistanceDecimals)});
    }
  }
  return cells;
}

LimitStep Step(const std::string& sweep, double value, const torch::Tensor& attributions,
               const torch::Tensor& reference) {
  return {sweep, value,
          RoundToDecimals(L1Distance(attributions, reference).median().item<double>(),
                          kDistanceDecimals),
          RoundToDecimals(CosineDistance(attributions, reference).median().item<double>(),
                          kDistanceDecimals)};
}

// exp1b: the limits sigma -> 0 (SmoothGrad -> gradient) and a -> 1 (IG -> gradient x input). The
// sweep ends that are recipes already reuse those explanations: same composition, same seed.
std::vector<LimitStep> RunExp1b(const ModelContext& c, const Explanations& e) {
  std::vector<LimitStep> steps;
  for (const double sigma : kSigmas) {
    RecipeOptions with_sigma = c.recipe;
    with_sigma.sigma = sigma;
    const Explanation explanation =
        sigma == 0.1 ? e.lfa.at("smoothgrad")
        : sigma == 0.01
            ? e.lfa.at("gradient")
            : MakeExplainer("smoothgrad", with_sigma)->Explain(c.oracle, c.batch, c.targets);
    steps.push_back(
        Step(kSigmaSweep, sigma, explanation.attributions, e.classic.at("gradient").attributions));
  }
  for (const double low : kLows) {
    nlohmann::json spec = RecipeSpec("integrated_gradients", c.recipe);
    spec["neighbourhood"]["low"] = low;
    const Explanation explanation =
        low == 0.0    ? e.lfa.at("integrated_gradients")
        : low == 0.95 ? e.lfa.at("gradient_x_input")
                      : DefaultRegistry().Build(spec)->Explain(c.oracle, c.batch, c.targets);
    steps.push_back(Step(kLowSweep, low, explanation.attributions,
                         e.classic.at("gradient_x_input").attributions));
  }
  return steps;
}

// exp2: recovery of the models that lie in G (the linear regression, the logistic classifier).
std::vector<Recovery> RunExp2(const ModelContext& c, const Explanations& e) {
  std::vector<Recovery> rows;
  if (c.model != "linear" && c.model != "logistic") return rows;
  const torch::Tensor w = ModelWeights(c).to(torch::kDouble);
  std::vector<std::tuple<std::string, std::string, torch::Tensor>> explained;
  for (const std::string& method : kCompared)
    explained.emplace_back("classic", method, e.classic.at(method).attributions);
  for (const std::string& method : MethodNames())
    explained.emplace_back("lfa", method, e.lfa.at(method).attributions);
  for (const auto& [name, explanation] : e.logistic)
    explained.emplace_back("lfa", name, explanation.attributions);
  for (const auto& [source, method, attributions] : explained) {
    for (const bool multiplicative : {false, true}) {
      const torch::Tensor target = RecoveryTarget(w, c.points, multiplicative);
      rows.push_back({source, method, multiplicative ? "w_x" : "w",
                      L1Mean(attributions, target, kDistanceDecimals),
                      CosineMean(attributions, target, kDistanceDecimals)});
    }
  }
  return rows;
}

// exp3: perturbation tests of the classic attributions, k = 1..11.
std::vector<PerturbationResult> RunExp3(const ModelContext& c, const Explanations& e) {
  std::vector<PerturbationResult> rows;
  for (const std::string& method : kCompared) {
    for (const std::string ranking : {"topk", "bottomk"}) {
      for (const std::string perturbation : {"binary", "continuous"}) {
        PerturbationTestOptions test;
        test.ranking = ranking;
        test.perturbation = perturbation;
        test.k = std::min<int64_t>(kLargestK, c.batch.flat.size(1));
        test.sigma = kPerturbationSigma;
        test.draws = kPerturbationDraws;
        test.seed = c.settings.seed;
        const PerturbationCurve curve = PerturbationGapCurve(
            c.oracle, c.points, e.classic.at(method).attributions, c.targets, test);
        for (size_t j = 0; j < curve.ks.size(); ++j)
          rows.push_back({method, ranking, perturbation, curve.ks[j],
                          RoundToDecimals(curve.per_k[j].mean, kPerturbationDecimals),
                          RoundToDecimals(curve.per_k[j].sem, kPerturbationDecimals)});
      }
    }
  }
  return rows;
}

// nfl: every composition's explanation scored over every composition's neighbourhood and loss.
std::vector<NflCell> RunNfl(const ModelContext& c, const Explanations& e) {
  std::vector<NflCell> cells;
  for (const std::string& evaluated : MethodNames()) {
    const auto evaluation = DefaultRegistry().Build(RecipeSpec(evaluated, c.recipe));
    const LfaLossEvaluator evaluator(c.oracle, *evaluation, c.batch, c.targets);
    const std::string loss = LossLabel(*evaluation);
    auto add = [&](const std::string& explainer, bool logistic, const torch::Tensor& losses) {
      const MetricSummary summary = Summarize(losses);
      cells.push_back({explainer, evaluated, loss, logistic, RoundToSignificant(summary.mean),
                       RoundToSignificant(summary.sem)});
    };
    for (const std::string& explained : MethodNames()) {
      const bool multiplicative = IsMultiplicativeMethod(explained);
      const torch::Tensor slope =
          InputSpaceSlope(e.lfa.at(explained).attributions, c.batch, multiplicative);
      add(explained, false, evaluator.Evaluate(slope, UnstatedSlopes(c.batch, multiplicative)));
    }
    // Logistic variants: g(x') = sigmoid(s.(x' - anchor) + c), anchored at x for the Gaussian
    // compositions and at the baseline (0) for the scale path.
    for (const auto& [name, explanation] : e.logistic) {
      const bool multiplicative = name.rfind("integrated_gradients", 0) == 0;
      const torch::Tensor slope =
          InputSpaceSlope(explanation.attributions, c.batch, multiplicative);
      const torch::Tensor anchor = multiplicative ? torch::zeros_like(c.batch.flat) : c.batch.flat;
      add(name, true, evaluator.EvaluateLogistic(slope, anchor, explanation.intercepts));
    }
  }
  return cells;
}

// convergence, LIME and KernelSHAP: against the exact solution over all 2^d masks, enumerated
// where 2^d rows per point are affordable (the WHO models, d = 19).
void RunMaskConvergence(const ModelContext& c, const PointBatch& few,
                        const torch::Tensor& few_targets, std::vector<ConvergenceResult>* rows) {
  if (c.batch.flat.size(1) > kMaxEnumeratedFeatures) return;
  for (const std::string method : {"lime", "kernelshap"}) {
    const auto composition = DefaultRegistry().Build(RecipeSpec(method, c.recipe));
    const auto& masks =
        dynamic_cast<const BernoulliMaskNeighbourhood&>(composition->neighbourhood());
    const torch::Tensor exact =
        ExactMaskExplanation(c.oracle, few, few_targets, masks).attributions;
    for (const int64_t samples : kConvergenceSamples) {
      const torch::Tensor estimate = MakeExplainer(method, {.samples = samples})
                                         ->Explain(c.oracle, few, few_targets)
                                         .attributions;
      rows->push_back({method, "exact_enumeration", samples,
                       L1Mean(estimate, exact, kConvergenceDecimals),
                       CosineMean(estimate, exact, kConvergenceDecimals)});
    }
  }
}

// convergence on the first kConvergencePoints points. C-LIME and SmoothGrad: on the linear model
// against the analytic w_f; on the networks against a SmoothGrad estimate from kReferenceSamples
// samples (a Monte Carlo reference, ~sqrt(10) times more precise than the largest sweep). And
// C-LIME against SmoothGrad at equal samples (Stein's lemma).
std::vector<ConvergenceResult> RunConvergence(const ModelContext& c) {
  std::vector<ConvergenceResult> rows;
  const PointBatch few =
      MakePointBatch(c.points.slice(0, 0, kConvergencePoints), c.settings.seed + 1);
  const torch::Tensor few_targets = Targets(0, few.size());
  RunMaskConvergence(c, few, few_targets, &rows);
  torch::Tensor reference;
  std::string reference_name;
  if (c.model == "linear") {
    reference = RecoveryTarget(ModelWeights(c), few.flat, false);
    reference_name = "analytic_w";
  } else {
    reference = MakeExplainer("smoothgrad", {.samples = kReferenceSamples})
                    ->Explain(c.oracle, few, few_targets)
                    .attributions;
    reference_name = "smoothgrad_";
    reference_name += std::to_string(kReferenceSamples);
  }
  auto add = [&](const std::string& method, const std::string& against, int64_t samples,
                 const torch::Tensor& a, const torch::Tensor& b) {
    rows.push_back({method, against, samples, L1Mean(a, b, kConvergenceDecimals),
                    CosineMean(a, b, kConvergenceDecimals)});
  };
  for (const int64_t samples : kConvergenceSamples) {
    const torch::Tensor clime = MakeExplainer("clime", {.samples = samples})
                                    ->Explain(c.oracle, few, few_targets)
                                    .attributions;
    const torch::Tensor smoothgrad = MakeExplainer("smoothgrad", {.samples = samples})
                                         ->Explain(c.oracle, few, few_targets)
                                         .attributions;
    add("clime", reference_name, samples, clime, reference);
    add("smoothgrad", reference_name, samples, smoothgrad, reference);
    add("clime", "smoothgrad_same_samples", samples, clime, smoothgrad);
  }
  return rows;
}

}  // namespace

void CheckPaperModelInputs(const PaperRunSettings& settings, const std::string& dataset,
                           const std::string& model) {
  const TorchScriptModel torchscript(PaperModelPath(settings.data_dir, dataset, model));
  const torch::Tensor points = LoadPaperPoints(settings.data_dir, dataset);
  if (model == "linear" || model == "logistic") {
    const MlpModel state_dict(PaperModelPath(settings.data_dir, dataset, model, "state"),
                              PaperArchitecture(dataset));
  }
}

PaperModelResults RunPaperModel(const PaperRunSettings& settings, const std::string& dataset,
                                const std::string& model) {
  auto torchscript =
      std::make_shared<TorchScriptModel>(PaperModelPath(settings.data_dir, dataset, model));
  Oracle oracle(torchscript);
  const torch::Tensor points = LoadPaperPoints(settings.data_dir, dataset);
  const PointBatch batch = MakePointBatch(points, settings.seed);
  const ModelContext context{settings,
                             dataset,
                             model,
                             oracle,
                             points,
                             batch,
                             Targets(0, batch.size()),
                             RecipeOptions{.samples = settings.samples}};
  const Explanations explanations = ExplainAll(context);

  PaperModelResults results{
      .dataset = dataset, .model = model, .points = points.size(0), .features = batch.flat.size(1)};
  results.exp1 = RunExp1(explanations);
  results.exp1b = RunExp1b(context, explanations);
  results.exp2 = RunExp2(context, explanations);
  results.exp3 = RunExp3(context, explanations);
  results.nfl = RunNfl(context, explanations);
  results.convergence = RunConvergence(context);
  return results;
}

}  // namespace lfa
