// Neighbourhood of interest: a neighbourhood over which `lfa choose` asks which explanation is most
// faithful, with the loss that says what "faithful" means there, and the width profiles that
// sweep it.
//
// A neighbourhood of interest is a composition (neighbourhood Z, loss l, surrogate G): the
// faithfulness of an explanation over it is its LFA loss over (Z, l) (metrics/lfa_loss.h), and the
// composition's own solution argmin_{g in G} E_Z[l] is the optimum in the population. It is named
// like the eight compositions, with their parameters after a colon,
//
//   name                    parameters
//   lime                    kernel_width, patch, baseline
//   kernelshap, occlusion   patch, baseline
//   clime, smoothgrad       sigma, noise_fraction
//   gradient                sigma (the recipe's 0.01 stands for sigma -> 0)
//   integrated_gradients,   low (the path is U(low, 1)), patch, baseline
//   gradient_x_input
//
// e.g. "smoothgrad:sigma=0.2" or "lime:patch=2,kernel_width=4", or given as a JSON spec (its
// neighbourhood, loss and surrogate; docs/spec.md). Names on images start from the image defaults
// (recipe_defaults.h).
//
// A width profile sweeps one width of every neighbourhood it applies to:
//   sigma:A..B:K     K values from A to B, evenly spaced in log (Gaussian neighbourhoods)
//   sigma:v1,v2,...  the values given
//   patch:2,4,7      patch sizes (mask and path neighbourhoods over images; integers)
//   length:A..B:K    the scale path's length 1 - low (path neighbourhoods: U(1 - length, 1))
//
//   auto smooth = ParseNamedNeighbourhood("smoothgrad:sigma=0.2", {23});
//   WidthProfile sweep = ParseWidthProfile("sigma:0.01..1:8");
//   std::vector<NeighbourhoodOfInterest> all = ExpandProfile({smooth}, sweep, {23});   // 8
//
// WARNING: a profile replaces the swept width, nothing else: sweeping sigma over clime keeps the
// squared loss, so its own solution at each width is C-LIME at that width, not SmoothGrad.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lfa {

enum class WidthKind { kSigma, kPatch, kLength };

// "sigma", "patch", "length".
std::string WidthName(WidthKind kind);

struct NeighbourhoodOfInterest {
  std::string label;    // as the user named it: "smoothgrad:sigma=0.2", a spec's name
  nlohmann::json spec;  // the composition; its "samples" are set by the run
  // Set when a profile swept it: the width and its value.
  std::optional<WidthKind> width_kind;
  std::optional<double> width;

  // "smoothgrad:sigma=0.2", or "smoothgrad sigma=0.05" for a swept neighbourhood.
  std::string Name() const;
};

// NAME[:key=value,...] over points of `input_shape`. InvalidInput naming the text for an unknown
// name, a parameter the method does not have, or a value out of range.
NeighbourhoodOfInterest ParseNamedNeighbourhood(const std::string& text,
                                                const std::vector<int64_t>& input_shape);

// A JSON composition (the file `source` names it in errors and labels it when the spec has no
// "name"). InvalidInput when it does not build (DefaultRegistry) or its neighbourhood is not one
// whose explanations `lfa choose` can read as slopes (candidate.h).
NeighbourhoodOfInterest SpecNeighbourhood(const nlohmann::json& spec, const std::string& source);

struct WidthProfile {
  WidthKind kind = WidthKind::kSigma;
  std::vector<double> values;  // increasing, > 0
};

// InvalidInput naming the text for a malformed profile (see the header comment).
WidthProfile ParseWidthProfile(const std::string& text);

// Whether a neighbourhood type switches whole feature groups between the point and a baseline
// (masks, coalitions, one-hot removal, the scaling path): its explanations read as slopes per group.
bool IsGroupSwitching(const std::string& type);

// True when the profile sweeps this neighbourhood (Gaussian for sigma, a group-switching or path
// neighbourhood for patch, the scale path for length).
bool ProfileApplies(const WidthProfile& profile, const nlohmann::json& spec);

// The composition with its width set to `value`.
nlohmann::json WithWidth(const nlohmann::json& spec, WidthKind kind, double value);

// Every neighbourhood the profile applies to, once per width; the others once, as given.
// InvalidInput when the profile applies to none of them, or sweeps patches of non-image points.
std::vector<NeighbourhoodOfInterest> ExpandProfile(
    const std::vector<NeighbourhoodOfInterest>& neighbourhoods,
    const std::optional<WidthProfile>& profile, const std::vector<int64_t>& input_shape);

}  // namespace lfa
