#include "framework/feature_groups.h"

#include <algorithm>

#include "framework/errors.h"

namespace lfa {

int64_t NumElements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

FeatureGroups FeatureGroups::Patches(int64_t size) {
  if (size < 1) Fail("feature groups: patch size must be >= 1, got ", size);
  FeatureGroups groups;
  groups.kind_ = Kind::kPatches;
  groups.patch_size_ = size;
  return groups;
}

FeatureGroups FeatureGroups::Explicit(std::vector<int64_t> ids) {
  if (ids.empty()) Fail("feature groups: explicit ids are empty");
  const int64_t count = *std::max_element(ids.begin(), ids.end()) + 1;
  std::vector<bool> seen(count, false);
  for (int64_t id : ids) {
    if (id < 0) Fail("feature groups: group id must be >= 0, got ", id);
    seen[id] = true;
  }
  for (int64_t g = 0; g < count; ++g)
    if (!seen[g]) Fail("feature groups: group ", g, " has no element (ids must cover 0..", count - 1, ")");
  FeatureGroups groups;
  groups.kind_ = Kind::kExplicit;
  groups.ids_ = std::move(ids);
  return groups;
}

FeatureGroups FeatureGroups::FromJson(const nlohmann::json& spec) {
  if (spec.is_null()) return {};
  if (!spec.is_object() || !spec.contains("type"))
    Fail("feature groups: expected {\"type\": \"patch\"|\"explicit\", ...}, got ", Excerpt(spec.dump()));
  if (!spec["type"].is_string()) Fail("feature groups: 'type' must be a string, got ", Excerpt(spec["type"].dump()));
  const std::string type = spec["type"];
  for (const auto& [key, value] : spec.items()) {
    if (key == "type" || (type == "patch" && key == "size") || (type == "explicit" && key == "ids"))
      continue;
    Fail("feature groups '", type, "': unknown key '", key, "'");
  }
  if (type == "patch") {
    if (!spec.contains("size") || !spec["size"].is_number_integer())
      Fail("feature groups 'patch': 'size' must be an integer, got ",
           spec.contains("size") ? Excerpt(spec["size"].dump()) : "nothing");
    return Patches(spec["size"].get<int64_t>());
  }
  if (type == "explicit") {
    const auto ids = spec.find("ids");
    if (ids == spec.end() || !ids->is_array() ||
        !std::all_of(ids->begin(), ids->end(), [](const auto& v) { return v.is_number_integer(); }))
      Fail("feature groups 'explicit': 'ids' must be an array of integers, got ",
           ids == spec.end() ? "nothing" : Excerpt(ids->dump()));
    return Explicit(ids->get<std::vector<int64_t>>());
  }
  Fail("feature groups: unknown type '", type, "' (patch, explicit)");
}

nlohmann::json FeatureGroups::ToJson() const {
  switch (kind_) {
    case Kind::kIdentity: return nullptr;
    case Kind::kPatches: return {{"type", "patch"}, {"size", patch_size_}};
    case Kind::kExplicit: return {{"type", "explicit"}, {"ids", ids_}};
  }
  return nullptr;
}

torch::Tensor FeatureGroups::Resolve(const std::vector<int64_t>& shape) const {
  const int64_t elements = NumElements(shape);
  switch (kind_) {
    case Kind::kIdentity:
      return torch::arange(elements, torch::kLong);
    case Kind::kExplicit: {
      if (static_cast<int64_t>(ids_.size()) != elements)
        Fail("feature groups: ", ids_.size(), " explicit ids for inputs of ", elements, " elements");
      return torch::tensor(ids_, torch::kLong);
    }
    case Kind::kPatches: {
      if (shape.size() < 2)
        Fail("feature groups: patches need inputs of shape [C, H, W] or [H, W], got ", shape.size(),
             " dimension(s)");
      const int64_t h = shape[shape.size() - 2], w = shape.back();
      const int64_t across = (w + patch_size_ - 1) / patch_size_;
      torch::Tensor rows = torch::arange(h, torch::kLong).div(patch_size_, "floor").unsqueeze(1);
      torch::Tensor cols = torch::arange(w, torch::kLong).div(patch_size_, "floor").unsqueeze(0);
      torch::Tensor plane = (rows * across + cols).reshape({-1});
      return plane.repeat({elements / (h * w)});
    }
  }
  return {};
}

int64_t FeatureGroups::Count(const std::vector<int64_t>& shape) const {
  if (kind_ == Kind::kIdentity) return NumElements(shape);
  return Resolve(shape).max().item<int64_t>() + 1;
}

torch::Tensor FeatureGroups::SpreadToElements(const torch::Tensor& group_values,
                                              const std::vector<int64_t>& input_shape) const {
  const int64_t groups = Count(input_shape);
  if (group_values.dim() != 2 || group_values.size(1) != groups)
    Fail("feature groups: expected per-group values [N, ", groups, "], got ", group_values.sizes());
  if (is_identity()) return group_values;
  return group_values.index_select(1, Resolve(input_shape).to(group_values.device()));
}

}  // namespace lfa
