// FeatureGroups: which input elements a mask neighbourhood switches on and off together.
//
// Binary-mask neighbourhoods (LIME, KernelSHAP, Occlusion) perturb d interpretable features; by
// default each input element is its own feature. On images that is rarely wanted: groups map every
// element of a [C, H, W] input to a square patch (shared across channels), or to any explicit
// partition (one-hot blocks of a categorical column, superpixels). Group ids run over [0, G).
//
//   FeatureGroups patches = FeatureGroups::Patches(4);        // 28x28 image -> 49 groups
//   torch::Tensor id = patches.Resolve({1, 28, 28});           // [784] int64 in [0, 49)
//
// WARNING: explicit groups must cover 0..G-1 without gaps: an empty group is an unidentifiable
// coefficient and is reported as an error rather than silently given a zero attribution.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

namespace lfa {

class FeatureGroups {
 public:
  FeatureGroups() = default;  // every element its own feature
  static FeatureGroups Patches(int64_t size);
  static FeatureGroups Explicit(std::vector<int64_t> group_of_element);
  // {"type": "patch", "size": P} or {"type": "explicit", "ids": [...]} or null.
  static FeatureGroups FromJson(const nlohmann::json& spec);
  nlohmann::json ToJson() const;

  bool is_identity() const { return kind_ == Kind::kIdentity; }
  // [D] int64 group id of every input element, for inputs of shape `input_shape`.
  torch::Tensor Resolve(const std::vector<int64_t>& input_shape) const;
  int64_t Count(const std::vector<int64_t>& input_shape) const;
  // Per-group values [N, G] -> per-element values [N, D]: every element gets its group's value
  // (Captum's feature-mask convention; identity groups return the values unchanged).
  torch::Tensor SpreadToElements(const torch::Tensor& group_values,
                                 const std::vector<int64_t>& input_shape) const;

 private:
  enum class Kind { kIdentity, kPatches, kExplicit };
  Kind kind_ = Kind::kIdentity;
  int64_t patch_size_ = 0;
  std::vector<int64_t> ids_;
};

int64_t NumElements(const std::vector<int64_t>& shape);

}  // namespace lfa
