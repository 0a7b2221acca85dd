// Population solution: what an explanation estimates when its sample count grows without bound, so
// that `lfa choose` can tell "these two differ" from "these two estimate the same thing".
//
// Two candidates with the same population solution differ only by estimation noise: ranking them
// on a finite sample declares a winner on noise. The keys below are equal exactly when theory says
// the solutions are equal:
//   - Stein's lemma: over Gaussian noise xi ~ N(0, sigma^2 I) the least-squares slope of f(x + xi)
//     (C-LIME: squared loss on values, linear surrogate with intercept) equals the mean gradient
//     E[grad f(x + xi)] (SmoothGrad: gradient matching; also the classic noisy-gradient average),
//         Cov(xi)^-1 Cov(xi, f(x + xi)) = E[grad f(x + xi)];
//   - the scale path: the LFA integrated_gradients composition (gradient matching over
//     b + t (x - b), t ~ U(low, high)) and the classic quadrature compute the same path integral;
//   - the same composition (the same neighbourhood, loss and surrogate; the sample count, the
//     solver and antithetic sampling do not change the population solution), e.g. the LFA and the
//     classic occlusion, which removes every feature once and so computes it exactly.
// Everything else gets a key of its own (an empty key never matches).
//
//   PopulationSolution a = SpecPopulation(RecipeSpec("clime"));
//   PopulationSolution b = SpecPopulation(RecipeSpec("smoothgrad"));
//   a.key == b.key;   // true: Stein's lemma (a.reason says so)
//
// WARNING: a shared population solution is a statement about infinitely many samples; at a finite
// sample count the two estimates differ, and the one with less variance has the smaller loss on
// fresh samples (SmoothGrad usually beats C-LIME on its own neighbourhood).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "explainers/recipes.h"

namespace lfa {

struct PopulationSolution {
  std::string key;     // equal keys: the same population solution; empty: unknown
  std::string reason;  // why candidates with this key share it, for the report

  bool Shares(const PopulationSolution& other) const { return !key.empty() && key == other.key; }
};

// The population solution of a composition (a JSON spec as RecipeSpec writes it).
PopulationSolution SpecPopulation(const nlohmann::json& spec);

// The population solution of a classic implementation (classic.h) with `options`.
PopulationSolution ClassicPopulation(const std::string& method, const RecipeOptions& options);

// An image method's (image_methods.h): a key of its own.
PopulationSolution ImageMethodPopulation(const std::string& method, const RecipeOptions& options);

}  // namespace lfa
