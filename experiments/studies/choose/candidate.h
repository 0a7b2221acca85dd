// Candidate: an explanation `lfa choose` compares, and the local model of f that it states.
//
// Every candidate explains the points once; what is scored over a neighbourhood of interest is the
// affine (or logistic) local model its explanation implies, read in input space as in the
// no-free-lunch matrix (metrics/lfa_loss.h):
//   - additive methods (gradient, smoothgrad, clime; Gaussian compositions): g(x') = c + s.(x' - x)
//     with s the attribution;
//   - multiplicative methods (lime, kernelshap, occlusion, integrated_gradients, gradient_x_input;
//     mask and path compositions): s = a / (x - b) per element (InputSpaceSlope), or per feature
//     group the minimum-norm slope that states the group's attribution (GroupedSlope); slopes at
//     elements where x = b are unstated (UnstatedSlopes);
//   - the image methods (smoothgrad_squared, vargrad, gradcam, gradcampp, smoothgradcampp): their
//     maps are not attributions of a local model, so `lfa choose` reads each map as the slope of
//     an additive one, g(x') = c + m.(x' - x), as InputSpaceSlope does for the gradients. A map in
//     other units than f per input (a squared gradient, a variance, an upsampled CAM) then has the
//     loss of that slope: it is judged as the local model it would be if taken literally, which is
//     how a user reading it as "how f changes with each pixel" takes it;
//   - a composition with a logistic surrogate: g(x') = sigmoid(s.(x' - anchor) + c), anchored at x
//     (Gaussian) or at the baseline (masks, path), scored by EvaluateLogistic.
//
// Candidates by name: the eight recipes ("lime"), their classic forms ("lime_classic"; clime has
// none) and the image methods ("vargrad"), with the options of recipe_defaults.h; or any
// composition as a JSON spec; or, from C++, any function of the points (GivenCandidate: an
// analytic slope in a theory test, an attribution computed elsewhere).
//
//   Candidate lime = NamedCandidate("lime", {23}, 1000);
//   CandidateSlope s = lime.compute(oracle, batch, targets, neighbourhood);   // s.slope [N, D]
//   Candidate own = CompositionCandidate(neighbourhood.spec, "lime:patch=2",
//                                        CandidateKind::kOwn, 1000);
//
// WARNING: only numeric baselines can be read back into slopes (a / (x - b)); a spec with a
// per-element or blurred baseline is refused with a message that says so.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "experiments/studies/choose/neighbourhood_of_interest.h"
#include "experiments/studies/choose/population.h"
#include "framework/explainer.h"
#include "framework/oracle.h"

namespace lfa {

enum class CandidateKind {
  kOwn,      // the neighbourhood's own composition: the optimum in the population
  kLfa,      // one of the eight recipes
  kClassic,  // a recipe's classic implementation
  kImage,    // an image method
  kSpec,     // a user's JSON composition
  kGiven,    // a function given from C++
};

// "own", "lfa", "classic", "image", "spec", "given".
std::string KindName(CandidateKind kind);

// The local model an explanation states, in input space, for every point.
struct CandidateSlope {
  torch::Tensor slope;      // [N, D] float64
  torch::Tensor unstated;   // bool [N, D], or undefined: slopes the explanation does not state
  bool logistic = false;    // g = sigmoid(slope.(x' - anchor) + intercept)
  torch::Tensor anchor;     // [N, D], logistic only
  torch::Tensor intercept;  // [N], logistic only
  PopulationSolution population;
};

struct Candidate {
  using Compute = std::function<CandidateSlope(Oracle&, const PointBatch&, const torch::Tensor&,
                                               const NeighbourhoodOfInterest&)>;
  std::string name;
  CandidateKind kind = CandidateKind::kLfa;
  // True when `compute` depends on the neighbourhood (the run then calls it for each one);
  // otherwise it is called once and its slope reused.
  bool per_neighbourhood = false;
  nlohmann::json spec;  // compositions: their spec (recognises a neighbourhood's own); else null
  Compute compute;      // (oracle, points, targets, neighbourhood) -> the stated local model
};

// A recipe ("lime"), a classic form ("lime_classic") or an image method ("vargrad") on points of
// `input_shape` with `samples` perturbations. InvalidInput naming `name` when it is unknown or
// does not apply (e.g. a CAM on a model without named layers: `has_layers` false).
Candidate NamedCandidate(const std::string& name, const std::vector<int64_t>& input_shape,
                         int64_t samples, bool has_layers = true);

// A composition explained with `samples` perturbations (the spec's own count is replaced).
// InvalidInput naming `name` when the spec does not build or cannot be read as slopes.
Candidate CompositionCandidate(const nlohmann::json& spec, const std::string& name,
                               CandidateKind kind, int64_t samples);

// Every candidate that applies to points of `input_shape`: the eight recipes, the seven classic
// forms and, on images, smoothgrad_squared and vargrad, and the CAMs when the model has layers.
std::vector<std::string> DefaultCandidateNames(const std::vector<int64_t>& input_shape,
                                               bool has_layers);

// "all" (DefaultCandidateNames), "lfa" (the eight recipes), "classic" (their classic forms),
// "image" (the image methods that apply) or names, comma-separated, in order, without repeats.
std::vector<std::string> ExpandCandidateNames(const std::string& list,
                                              const std::vector<int64_t>& input_shape,
                                              bool has_layers);

// The local model a composition's explanation states (see the header comment).
CandidateSlope CompositionSlope(const nlohmann::json& spec, const Explanation& explanation,
                                const PointBatch& points);

// True when two specs are the same composition up to their name and sample count.
bool SameComposition(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace lfa
