#include "neighbourhoods/mask_neighbourhood.h"

#include "neighbourhoods/baseline.h"

namespace lfa {

torch::Tensor MaskNeighbourhood::Decode(const PointBatch& points, const torch::Tensor& xi) const {
  const torch::Tensor x = points.flat.to(xi.dtype());
  const torch::Tensor b = baseline_.For(points).to(xi.dtype());
  torch::Tensor m = groups_.is_identity()
                        ? xi
                        : xi.index_select(2, groups_.Resolve(points.input_shape).to(xi.device()));
  if (removal_) m = 1 - m;
  return torch::addcmul(b.unsqueeze(1), m, (x - b).unsqueeze(1));  // one pass over [N, S, D]
}

torch::Tensor MaskNeighbourhood::PullBack(const PointBatch& points, const torch::Tensor& xi,
                                          const torch::Tensor& input_gradients) const {
  // d x'_i / d xi_g = (x_i - b_i) [i in g], negated for removal masks.
  const torch::Tensor x = points.flat.to(input_gradients.dtype());
  const torch::Tensor spread = removal_ ? baseline_.For(points).to(x.dtype()) - x
                                        : x - baseline_.For(points).to(x.dtype());
  const int64_t n = xi.size(0), s = xi.size(1);
  const torch::Tensor per_element = input_gradients.reshape({n, s, -1}) * spread.unsqueeze(1);
  if (groups_.is_identity()) return per_element;
  const torch::Tensor ids = groups_.Resolve(points.input_shape).to(per_element.device());
  return torch::zeros(xi.sizes(), per_element.options()).index_add_(2, ids, per_element);
}

torch::Tensor MaskNeighbourhood::GroupSquaredSpread(const PointBatch& points) const {
  const torch::Tensor spread = (points.flat - baseline_.For(points)).square();
  if (groups_.is_identity()) return spread;
  const torch::Tensor ids = groups_.Resolve(points.input_shape);
  const int64_t count = ids.max().item<int64_t>() + 1;
  return torch::zeros({points.size(), count}, spread.options())
      .index_add_(1, ids.to(spread.device()), spread);
}

nlohmann::json MaskNeighbourhood::MaskJson(nlohmann::json own) const {
  own["type"] = type();
  own["baseline"] = baseline_.ToJson();
  own["groups"] = groups_.ToJson();
  return own;
}

Baseline MaskNeighbourhood::ReadBaseline(SpecReader& reader, const std::string& what) {
  return Baseline::FromJson(reader.Raw("baseline"), what);
}

FeatureGroups MaskNeighbourhood::ReadGroups(SpecReader& reader) {
  return FeatureGroups::FromJson(reader.Raw("groups"));
}

}  // namespace lfa
