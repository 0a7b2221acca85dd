// What `lfa choose` reads: neighbourhoods of interest by name and parameters, width profiles,
// candidate lists, and which candidates theory says share a population solution.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "experiments/studies/choose/candidate.h"
#include "experiments/studies/choose/neighbourhood_of_interest.h"
#include "experiments/studies/choose/population.h"
#include "experiments/studies/choose/recipe_defaults.h"
#include "explainers/recipes.h"
#include "framework/errors.h"

namespace lfa {
namespace {

// The InvalidInput message of `fn`, or "" when it does not throw one.
template <typename Fn>
std::string ErrorOf(Fn fn) {
  try {
    fn();
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "";
}

TEST(ChooseInputs, NamedNeighbourhoodsAreTheRecipesWithTheirParameters) {
  const NeighbourhoodOfInterest smooth = ParseNamedNeighbourhood("smoothgrad:sigma=0.2", {23});
  EXPECT_EQ(smooth.label, "smoothgrad:sigma=0.2");
  EXPECT_EQ(smooth.spec.at("neighbourhood").at("sigma").get<double>(), 0.2);
  EXPECT_EQ(smooth.spec.at("loss").at("type"), "gradient_matching");
  EXPECT_TRUE(SameComposition(ParseNamedNeighbourhood("lime", {23}).spec, RecipeSpec("lime")));
  // The gradient's sigma and the path's low are set on the spec.
  EXPECT_EQ(ParseNamedNeighbourhood("gradient:sigma=0.001", {23}).spec["neighbourhood"]["sigma"],
            0.001);
  EXPECT_EQ(
      ParseNamedNeighbourhood("integrated_gradients:low=0.5", {23}).spec["neighbourhood"]["low"],
      0.5);
  // Images start from the image defaults: 4 x 4 patches and LIME width 4.
  const auto image_lime = ParseNamedNeighbourhood("lime", {1, 28, 28}).spec["neighbourhood"];
  EXPECT_EQ(image_lime["groups"]["size"], kChooseImagePatch);
  EXPECT_EQ(image_lime["width"], kChooseImageKernelWidth);
  EXPECT_EQ(
      ParseNamedNeighbourhood("lime:patch=2", {1, 28, 28}).spec["neighbourhood"]["groups"]["size"],
      2);
}

TEST(ChooseInputs, BadNeighbourhoodsAreOneClearLine) {
  EXPECT_NE(
      ErrorOf([] {
        ParseNamedNeighbourhood("lime:sigma=0.2", {23});
      }).find("lime has no parameter 'sigma' (its parameters: kernel_width, patch, baseline)"),
      std::string::npos);
  EXPECT_NE(
      ErrorOf([] { ParseNamedNeighbourhood("shap", {23}); }).find("unknown neighbourhood 'shap'"),
      std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseNamedNeighbourhood("smoothgrad:sigma=-1", {23}); }).find("sigma"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseNamedNeighbourhood("smoothgrad:sigma", {23}); }).find("sigma=NUMBER"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              ParseNamedNeighbourhood("lime:patch=2.5", {1, 28, 28});
            }).find("integer"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              SpecNeighbourhood({{"loss", {{"type", "squared"}}}}, "x.json");
            }).find("x.json"),
            std::string::npos);
}

TEST(ChooseInputs, ProfilesSweepTheWidthsTheyName) {
  const WidthProfile sigma = ParseWidthProfile("sigma:0.01..1:3");
  ASSERT_EQ(sigma.values.size(), 3u);
  EXPECT_NEAR(sigma.values[0], 0.01, 1e-15);
  EXPECT_NEAR(sigma.values[1], 0.1, 1e-15);
  EXPECT_NEAR(sigma.values[2], 1.0, 1e-15);
  EXPECT_EQ(ParseWidthProfile("patch:2,4,7").values, (std::vector<double>{2, 4, 7}));
  EXPECT_EQ(ParseWidthProfile("length:0.25,0.5").kind, WidthKind::kLength);
  for (const std::string bad : {"sigma:1..0.1:3", "width:1,2", "sigma:0.2,0.1",
                                "sigma:", "patch:2.5", "sigma:0.1..1:1", "sigma"})
    EXPECT_THROW(ParseWidthProfile(bad), InvalidInput) << bad;

  const auto lime = ParseNamedNeighbourhood("lime", {23});
  const auto ig = ParseNamedNeighbourhood("integrated_gradients", {23});
  const auto swept = ExpandProfile({lime, ig}, ParseWidthProfile("length:0.25,0.5"), {23});
  ASSERT_EQ(swept.size(), 3u);  // lime once, the path twice
  EXPECT_FALSE(swept[0].width.has_value());
  EXPECT_EQ(swept[1].spec["neighbourhood"]["low"], 0.75);
  EXPECT_EQ(swept[2].spec["neighbourhood"]["low"], 0.5);
  EXPECT_EQ(swept[2].Name(), "integrated_gradients length=0.5");
  EXPECT_NE(ErrorOf([&] {
              ExpandProfile({lime}, ParseWidthProfile("sigma:0.1,0.2"), {23});
            }).find("none of the given neighbourhoods"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              ExpandProfile({lime}, ParseWidthProfile("patch:2,4"), {23});
            }).find("image patches"),
            std::string::npos);
}

TEST(ChooseInputs, CandidateListsExpandAndRefuseWhatDoesNotApply) {
  EXPECT_EQ(DefaultCandidateNames({23}, false).size(), 15u);
  EXPECT_EQ(DefaultCandidateNames({1, 28, 28}, false).size(),
            17u);                                                   // + smoothgrad_squared, vargrad
  EXPECT_EQ(DefaultCandidateNames({1, 28, 28}, true).size(), 20u);  // + the three CAMs
  EXPECT_EQ(ExpandCandidateNames("smoothgrad,lfa", {23}, false).size(), 8u);
  EXPECT_EQ(ExpandCandidateNames("classic", {23}, false).front(), "lime_classic");
  EXPECT_NE(ErrorOf([] { NamedCandidate("clime_classic", {23}, 100); }).find("clime"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              NamedCandidate("gradcam", {1, 28, 28}, 100, false);
            }).find("named layers"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { NamedCandidate("vargrad", {23}, 100); }).find("image method"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { NamedCandidate("shap", {23}, 100); }).find("shap"), std::string::npos);
}

TEST(ChooseInputs, PopulationSolutionsAreSharedExactlyWhereTheorySaysSo) {
  const auto lfa = [](const std::string& method, RecipeOptions o = {}) {
    return SpecPopulation(RecipeSpec(method, o));
  };
  // Stein's lemma: C-LIME and SmoothGrad (and its classic form) at the same sigma.
  EXPECT_TRUE(lfa("clime").Shares(lfa("smoothgrad")));
  EXPECT_TRUE(lfa("clime").Shares(ClassicPopulation("smoothgrad", {})));
  EXPECT_FALSE(lfa("clime").Shares(lfa("smoothgrad", {.sigma = 0.2})));
  EXPECT_FALSE(lfa("smoothgrad").Shares(lfa("gradient")));  // sigma 0.01 is another neighbourhood
  // The path integral: the composition and the quadrature.
  EXPECT_TRUE(lfa("integrated_gradients").Shares(ClassicPopulation("integrated_gradients", {})));
  EXPECT_FALSE(lfa("integrated_gradients").Shares(lfa("gradient_x_input")));
  // The same composition: occlusion removes every feature once in both forms.
  EXPECT_TRUE(lfa("occlusion").Shares(ClassicPopulation("occlusion", {})));
  // Not the same: LIME's classic kernel, Captum's KernelSHAP sampler, the plain gradients.
  EXPECT_FALSE(lfa("lime").Shares(ClassicPopulation("lime", {})));
  EXPECT_FALSE(lfa("kernelshap").Shares(ClassicPopulation("kernelshap", {})));
  EXPECT_FALSE(lfa("gradient").Shares(ClassicPopulation("gradient", {})));
  EXPECT_FALSE(lfa("lime").Shares(lfa("kernelshap")));
  EXPECT_FALSE(PopulationSolution{}.Shares(PopulationSolution{}));
  EXPECT_NE(lfa("clime").reason.find("Stein"), std::string::npos);
}

}  // namespace
}  // namespace lfa
