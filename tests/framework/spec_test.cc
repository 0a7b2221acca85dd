// JSON specs, the registry and feature groups: what a user types is either understood exactly or
// rejected with a message that names the offending key, type or value.

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "experiments/io/spec_file.h"
#include "explainers/builtin_registry.h"
#include "explainers/classic.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "framework/part_example.h"
#include "framework/registry.h"
#include "framework/spec_reader.h"
#include "losses/squared.h"
#include "models/mlp_model.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/gaussian.h"
#include "solvers/closed_form.h"
#include "surrogates/linear.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using json = nlohmann::json;

// Runs `fn`, expects InvalidInput, and returns its message.
template <typename Fn>
std::string ErrorOf(Fn fn) {
  try {
    fn();
  } catch (const InvalidInput& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected InvalidInput";
  return "";
}

::testing::AssertionResult Mentions(const std::string& message, const std::string& text) {
  if (message.find(text) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "message \"" << message << "\" does not mention " << text;
}

const json kGaussian = {{"type", "gaussian"}, {"sigma", 0.1}};

TEST(Registry, BuildsACompositionWithDocumentedDefaults) {
  const auto explainer = DefaultRegistry().Build({{"neighbourhood", kGaussian}});
  EXPECT_EQ(explainer->name(), "custom");
  EXPECT_EQ(explainer->samples(), 1000);
  EXPECT_EQ(explainer->loss().type(), "squared");
  EXPECT_EQ(explainer->surrogate().type(), "linear");
  EXPECT_TRUE(explainer->surrogate().intercept());
  EXPECT_EQ(explainer->solver().type(), "auto");
  // ToJson is itself a spec that builds the same composition.
  const json spec = explainer->ToJson();
  EXPECT_EQ(DefaultRegistry().Build(spec)->ToJson(), spec);
}

TEST(Registry, RecipesAreSpecsTheRegistryBuilds) {
  for (const std::string& method : MethodNames()) {
    const json spec = RecipeSpec(method, {.samples = 10});
    const auto explainer = DefaultRegistry().Build(spec);
    EXPECT_EQ(explainer->name(), method);
    EXPECT_EQ(explainer->samples(), 10);
    EXPECT_EQ(explainer->neighbourhood().ToJson()["type"], spec["neighbourhood"]["type"]) << method;
  }
}

// The InvalidInput message of building `spec`, or of making one neighbourhood from it.
std::string BuildError(const json& spec) {
  return ErrorOf([&] { DefaultRegistry().Build(spec); });
}
std::string NeighbourhoodError(const json& spec) {
  return ErrorOf([&] { DefaultRegistry().MakeNeighbourhood(spec); });
}
// A spec with the Gaussian neighbourhood and one more top-level entry.
json With(const std::string& key, const json& value) {
  return {{"neighbourhood", kGaussian}, {key, value}};
}

TEST(Registry, UnknownKeysAreNamed) {
  EXPECT_TRUE(Mentions(BuildError(With("sampels", 10)), "'sampels'"));
  EXPECT_TRUE(Mentions(BuildError({{"neighbourhood", {{"type", "gaussian"}, {"sigmaa", 0.1}}}}),
                       "'sigmaa'"));
  EXPECT_TRUE(Mentions(BuildError(With("loss", {{"type", "squared"}, {"responce", "value"}})),
                       "'responce'"));
  EXPECT_TRUE(Mentions(NeighbourhoodError({{"type", "bernoulli_mask"},
                                           {"groups", {{"type", "patch"}, {"sise", 4}}}}),
                       "'sise'"));
  // The message lists the keys that are known, so the typo is easy to fix.
  EXPECT_TRUE(
      Mentions(BuildError(With("surrogate", {{"type", "linear"}, {"bias", true}})), "intercept"));
}

TEST(Registry, UnknownTypesAreNamed) {
  EXPECT_TRUE(
      Mentions(BuildError({{"neighbourhood", {{"type", "uniform_ball"}}}}), "'uniform_ball'"));
  EXPECT_TRUE(Mentions(BuildError(With("loss", {{"type", "huber"}})), "'huber'"));
  EXPECT_TRUE(Mentions(BuildError(With("surrogate", {{"type", "tree"}})), "'tree'"));
  EXPECT_TRUE(Mentions(BuildError(With("solver", {{"type", "sgd"}})), "'sgd'"));
  EXPECT_TRUE(
      Mentions(NeighbourhoodError({{"type", "bernoulli_mask"}, {"kernel", "rbf"}}), "'rbf'"));
  EXPECT_TRUE(Mentions(ErrorOf([] { RecipeSpec("deeplift"); }), "'deeplift'"));
}

TEST(Registry, MalformedSpecsAreRejected) {
  EXPECT_TRUE(Mentions(BuildError(json::object()), "neighbourhood"));
  EXPECT_TRUE(Mentions(BuildError({{"neighbourhood", "gaussian"}}), "neighbourhood"));
  EXPECT_TRUE(Mentions(BuildError({{"neighbourhood", {{"sigma", 0.1}}}}), "type"));
  EXPECT_TRUE(Mentions(BuildError(With("samples", 0)), "samples"));
  EXPECT_TRUE(Mentions(BuildError(With("samples", 2.5)), "samples"));
  EXPECT_TRUE(Mentions(BuildError({{"neighbourhood", {{"type", "gaussian"}, {"sigma", "wide"}}}}),
                       "sigma"));
  EXPECT_TRUE(Mentions(NeighbourhoodError({{"type", "gaussian"}, {"sigma", -1}}), "sigma"));
  EXPECT_TRUE(
      Mentions(NeighbourhoodError({{"type", "scale_path"}, {"baseline", "zero"}}), "baseline"));
  EXPECT_TRUE(
      Mentions(ErrorOf([] { ReadSpecFile("/nonexistent/spec.json"); }), "/nonexistent/spec.json"));
}

// Found by fuzz/spec_fuzzer (fuzz/regressions/spec/number_overflow.json): a number beyond double's
// range is valid JSON syntax, but nlohmann_json answers it with out_of_range rather than
// parse_error, which escaped ReadSpecFile as an internal error instead of a bad input.
TEST(Registry, ASpecNumberBeyondDoubleIsABadInput) {
  const std::string path = ::testing::TempDir() + "lfa_spec_number_overflow.json";
  std::ofstream(path) << R"({"samples": 1e400})";
  const std::string message = ErrorOf([&] { ReadSpecFile(path); });
  std::remove(path.c_str());
  EXPECT_TRUE(Mentions(message, path));
  EXPECT_TRUE(Mentions(message, "1e400"));
}

// Every part is registered with example specs, the cases of its contract suite: a part without
// one cannot be registered, so it cannot escape the suite.
TEST(Registry, APartWithoutAnExampleIsRejected) {
  ComponentRegistry registry;
  const auto gaussian = &GaussianNeighbourhood::FromJson;
  EXPECT_TRUE(Mentions(ErrorOf([&] { registry.AddNeighbourhood("gaussian", gaussian, {}); }),
                       "neighbourhood 'gaussian' has no example"));
  EXPECT_TRUE(Mentions(ErrorOf([&] { registry.AddLoss("squared", &SquaredLoss::FromJson, {}); }),
                       "loss 'squared' has no example"));
  EXPECT_TRUE(Mentions(ErrorOf([&] {
                         registry.AddSurrogate("linear", &LinearSurrogate::FromJson, {});
                       }),
                       "surrogate 'linear' has no example"));
  EXPECT_TRUE(Mentions(ErrorOf([&] {
                         registry.AddSolver("closed_form", &ClosedFormSolver::FromJson, {});
                       }),
                       "solver 'closed_form' has no example"));
  // Nothing was registered.
  EXPECT_TRUE(registry.NeighbourhoodTypes().empty());
  EXPECT_TRUE(registry.LossTypes().empty());
  EXPECT_TRUE(registry.SurrogateTypes().empty());
  EXPECT_TRUE(registry.SolverTypes().empty());
  EXPECT_TRUE(Mentions(ErrorOf([&] { registry.MakeNeighbourhood(kGaussian); }),
                       "unknown neighbourhood type 'gaussian'"));
}

TEST(Registry, ExamplesMustBeSpecsOfTheirTypeWithDistinctNames) {
  ComponentRegistry registry;
  const auto loss = [&](std::vector<PartExample> examples) {
    return ErrorOf([&] { registry.AddLoss("squared", &SquaredLoss::FromJson, examples); });
  };
  EXPECT_TRUE(Mentions(loss({{.name = "gm", .spec = {{"type", "gradient_matching"}}}}),
                       "example 'gm'"));
  EXPECT_TRUE(Mentions(loss({{.name = "bare", .spec = "squared"}}), "\"type\" 'squared'"));
  EXPECT_TRUE(Mentions(loss({{.name = "a", .spec = {{"type", "squared"}}},
                             {.name = "a", .spec = {{"type", "squared"}, {"response", "delta"}}}}),
                       "used twice"));
  EXPECT_TRUE(registry.LossTypes().empty());
  registry.AddLoss("squared", &SquaredLoss::FromJson,
                   {{.name = "value", .spec = {{"type", "squared"}}},
                    {.name = "delta", .spec = {{"type", "squared"}, {"response", "delta"}}}});
  const std::vector<PartExample> examples = registry.LossExamples();
  ASSERT_EQ(examples.size(), 2u);
  EXPECT_EQ(examples[0].name, "value") << "a type's examples keep their order";
  EXPECT_EQ(examples[1].name, "delta");
}

TEST(Registry, NeighbourhoodExamplesNameTheirInput) {
  ComponentRegistry registry;
  const auto add = [&](NeighbourhoodExample example) {
    return ErrorOf([&] {
      registry.AddNeighbourhood("gaussian", &GaussianNeighbourhood::FromJson, {example});
    });
  };
  const json spec = {{"type", "gaussian"}};
  EXPECT_TRUE(Mentions(add({.spec = spec, .input_shape = {}, .dimension = 1}), "input_shape"));
  EXPECT_TRUE(Mentions(add({.spec = spec, .input_shape = {3, 0}, .dimension = 1}), "got 0"));
  EXPECT_TRUE(Mentions(add({.spec = spec, .input_shape = {3}, .dimension = 0}), "dimension"));
  EXPECT_TRUE(registry.NeighbourhoodTypes().empty());
}

// The built-in parts, each with the examples its contract suites run on.
TEST(Registry, DefaultRegistryListsEveryBuiltInPartWithExamples) {
  const ComponentRegistry& r = DefaultRegistry();
  EXPECT_EQ(r.NeighbourhoodTypes(),
            (std::vector<std::string>{"bernoulli_mask", "gaussian", "one_hot_removal", "scale_path",
                                      "shapley_coalitions"}));
  EXPECT_EQ(r.LossTypes(), (std::vector<std::string>{"gradient_matching", "squared"}));
  EXPECT_EQ(r.SurrogateTypes(), (std::vector<std::string>{"linear", "logistic"}));
  EXPECT_EQ(r.SolverTypes(), (std::vector<std::string>{"auto", "ceres", "closed_form"}));
  for (const NeighbourhoodExample& e : r.NeighbourhoodExamples())
    EXPECT_EQ(r.MakeNeighbourhood(e.spec)->Dimension(e.input_shape), e.dimension) << e.spec;
  for (const PartExample& e : r.LossExamples()) EXPECT_NO_THROW(r.MakeLoss(e.spec)) << e.spec;
  for (const PartExample& e : r.SurrogateExamples())
    EXPECT_NO_THROW(r.MakeSurrogate(e.spec)) << e.spec;
  for (const PartExample& e : r.SolverExamples()) EXPECT_NO_THROW(r.MakeSolver(e.spec)) << e.spec;
}

TEST(Recipes, ClassicImplementationsAreValidated) {
  EXPECT_TRUE(Mentions(ErrorOf([] { MakeClassicExplainer("clime", {}); }), "clime"));
  EXPECT_TRUE(Mentions(ErrorOf([] { MakeClassicExplainer("deeplift", {}); }), "deeplift"));
  EXPECT_THROW(MakeExplainer("lime", {.samples = 0}), InvalidInput);
  EXPECT_THROW(MakeExplainer("smoothgrad", {.sigma = 0.0}), InvalidInput);
  EXPECT_EQ(ParseImplementation("classic"), Implementation::kClassic);
  EXPECT_TRUE(Mentions(ErrorOf([] { ParseImplementation("captum"); }), "captum"));
}

TEST(SpecReader, ReadsTypedValuesAndRejectsWrongTypes) {
  SpecReader reader({{"a", 1.5}, {"n", 3}, {"flag", true}, {"name", "x"}}, "thing");
  EXPECT_EQ(reader.Number("a", 0.0), 1.5);
  EXPECT_EQ(reader.Integer("n", 0), 3);
  EXPECT_TRUE(reader.Boolean("flag", false));
  EXPECT_EQ(reader.String("name", ""), "x");
  EXPECT_EQ(reader.Number("absent", 7.0), 7.0);
  EXPECT_NO_THROW(reader.Finish());
  SpecReader wrong({{"n", "three"}}, "thing");
  EXPECT_TRUE(Mentions(ErrorOf([&] { wrong.Integer("n", 0); }), "thing"));
}

// ---- Feature groups
// ------------------------------------------------------------------------------

TEST(FeatureGroups, PatchesTileTheImageRowMajorAndShareAcrossChannels) {
  // [2, 4, 4] with 2x2 patches: ids by hand, the same plane for both channels.
  const std::vector<int64_t> plane = {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3};
  std::vector<int64_t> both = plane;
  both.insert(both.end(), plane.begin(), plane.end());
  const FeatureGroups patches = FeatureGroups::Patches(2);
  EXPECT_TRUE(torch::equal(patches.Resolve({2, 4, 4}), torch::tensor(both, torch::kLong)));
  EXPECT_EQ(patches.Count({2, 4, 4}), 4);
  // Patches that do not divide the side: the last row and column of patches are partial.
  EXPECT_EQ(FeatureGroups::Patches(3).Count({1, 8, 8}), 9);
  EXPECT_EQ(FeatureGroups::Patches(4).Count({8, 8}), 4);
  EXPECT_EQ(FeatureGroups().Count({1, 8, 8}), 64);
  EXPECT_TRUE(FeatureGroups().is_identity());
}

TEST(FeatureGroups, ExplicitGroupsMustCoverEveryIdWithoutGaps) {
  const FeatureGroups groups = FeatureGroups::Explicit({1, 0, 1, 2});
  EXPECT_EQ(groups.Count({4}), 3);
  EXPECT_TRUE(torch::equal(groups.Resolve({4}), torch::tensor({1, 0, 1, 2}, torch::kLong)));
  EXPECT_TRUE(Mentions(ErrorOf([] { FeatureGroups::Explicit({0, 2, 2}); }), "group 1"));
  EXPECT_TRUE(Mentions(ErrorOf([] { FeatureGroups::Explicit({0, -1}); }), "-1"));
  EXPECT_THROW(FeatureGroups::Explicit({}), InvalidInput);
  EXPECT_TRUE(Mentions(ErrorOf([&] { groups.Resolve({5}); }), "5 elements"));
}

TEST(FeatureGroups, PatchesNeedAnImageShapeAndAPositiveSize) {
  EXPECT_TRUE(Mentions(ErrorOf([] { FeatureGroups::Patches(0); }), "0"));
  EXPECT_THROW(FeatureGroups::Patches(2).Resolve({16}), InvalidInput);
}

TEST(FeatureGroups, JsonRoundTripsAndRejectsUnknownTypes) {
  for (const FeatureGroups& groups :
       {FeatureGroups(), FeatureGroups::Patches(4), FeatureGroups::Explicit({0, 1, 1, 0})})
    EXPECT_EQ(FeatureGroups::FromJson(groups.ToJson()).ToJson(), groups.ToJson());
  EXPECT_TRUE(Mentions(ErrorOf([] {
                         FeatureGroups::FromJson({{"type", "superpixel"}});
                       }),
                       "'superpixel'"));
  EXPECT_THROW(FeatureGroups::FromJson(json::array({1, 2})), InvalidInput);
}

TEST(Baseline, VectorBaselinesMustMatchTheInput) {
  const Baseline b(torch::tensor({1.0, 2.0, 3.0}, torch::kDouble));
  EXPECT_EQ(b.ToJson(), json::array({1.0, 2.0, 3.0}));
  const PointBatch points = MakePointBatch(torch::zeros({2, 3}), 0);
  EXPECT_TRUE(torch::equal(b.For(points),
                           torch::tensor({{1.0, 2.0, 3.0}, {1.0, 2.0, 3.0}}, torch::kDouble)));
  EXPECT_TRUE(Mentions(ErrorOf([&] {
                         b.For(MakePointBatch(torch::zeros({2, 4}), 0));
                       }),
                       "3 values"));
}

TEST(MlpArchitecture, ParsesHiddenAndOutputActivations) {
  const MlpArchitecture a = MlpArchitecture::Parse("relu:sigmoid");
  EXPECT_EQ(a.activation, "relu");
  EXPECT_EQ(a.output_activation, "sigmoid");
  EXPECT_EQ(MlpArchitecture::Parse("tanh").output_activation, "none");
  // Layers given directly: tanh hidden layer, identity output, by hand.
  const torch::Tensor w1 = torch::tensor({{1.0, -1.0}, {0.5, 2.0}}, torch::kDouble);
  const torch::Tensor b1 = torch::tensor({0.1, -0.2}, torch::kDouble);
  const torch::Tensor w2 = torch::tensor({{2.0, -3.0}}, torch::kDouble);
  const torch::Tensor b2 = torch::tensor({0.5}, torch::kDouble);
  MlpModel mlp({w1, w2}, {b1, b2}, MlpArchitecture::Parse("tanh"));
  const double x0 = 0.3, x1 = -0.4;
  const double expected =
      2.0 * std::tanh(x0 - x1 + 0.1) - 3.0 * std::tanh(0.5 * x0 + 2.0 * x1 - 0.2) + 0.5;
  EXPECT_NEAR(mlp.Forward(torch::tensor({{x0, x1}}, torch::kDouble)).item<double>(), expected,
              1e-14);
  EXPECT_TRUE(Mentions(ErrorOf([&] {
                         MlpModel({w1, w2}, {b1, b2}, MlpArchitecture::Parse("gelu"));
                       }),
                       "gelu"));
  EXPECT_THROW(MlpModel({w1, w1.t().slice(0, 0, 1).t()}, {b1}, {}), InvalidInput);
}

}  // namespace
}  // namespace lfa
