#include "metrics/perturbation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include <ATen/Parallel.h>
#include <boost/random/normal_distribution.hpp>

#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/random.h"
#include "metrics/road_imputation.h"

namespace lfa {
namespace {

bool IsRanking(const std::string& ranking) {
  return ranking == "topk" || ranking == "bottomk" || ranking == "non_topk";
}

bool CheckCommon(const std::string& what, int64_t k, double sigma, int64_t draws,
                 int64_t first_index, int64_t max_perturbed_elements, std::string* error) {
  std::ostringstream out;
  if (k < 1) {
    out << what << ": k must be >= 1, got " << k;
  } else if (!(sigma > 0) || !std::isfinite(sigma)) {
    out << what << ": sigma must be finite and > 0, got " << sigma;
  } else if (draws < 1) {
    out << what << ": draws must be >= 1, got " << draws;
  } else if (first_index < 0) {
    out << what << ": first_index must be >= 0, got " << first_index;
  } else if (max_perturbed_elements < 1) {
    out << what << ": max_perturbed_elements must be >= 1, got " << max_perturbed_elements;
  } else {
    return true;
  }
  *error = out.str();
  return false;
}

// rank[i, j] = position of feature j in point i's ranking (0 = picked first). The ranking is by
// |attribution|, descending for topk / non_topk and ascending for bottomk; a stable sort of the
// indices 0..d-1 keeps equal magnitudes in index order (lower index first).
torch::Tensor RankOfFeatures(const torch::Tensor& attributions, const std::string& ranking) {
  const torch::Tensor magnitude = attributions.abs().contiguous();
  const int64_t n = magnitude.size(0), d = magnitude.size(1);
  torch::Tensor rank = torch::empty({n, d}, torch::kLong);
  const double* m = magnitude.data_ptr<double>();
  int64_t* r = rank.data_ptr<int64_t>();
  const bool ascending = ranking == "bottomk";
  at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> order(d);
    for (int64_t i = begin; i < end; ++i) {
      const double* row = m + i * d;
      std::iota(order.begin(), order.end(), int64_t{0});
      if (ascending)
        std::stable_sort(order.begin(), order.end(),
                         [row](int64_t a, int64_t b) { return row[a] < row[b]; });
      else
        std::stable_sort(order.begin(), order.end(),
                         [row](int64_t a, int64_t b) { return row[a] > row[b]; });
      for (int64_t j = 0; j < d; ++j) r[i * d + order[j]] = j;
    }
  });
  return rank;
}

// bool [n, K, d]: which features are perturbed for each k in ks.
torch::Tensor SelectionFromRank(const torch::Tensor& rank, const torch::Tensor& ks,
                                const std::string& ranking) {
  const torch::Tensor r = rank.unsqueeze(1);           // [n, 1, d]
  const torch::Tensor k = ks.view({1, -1, 1});          // [1, K, 1]
  return ranking == "non_topk" ? r.ge(k) : r.lt(k);
}

// The validated, flattened inputs of one evaluation.
struct Prepared {
  torch::Tensor flat;          // [N, D] float64
  std::vector<int64_t> shape;  // one point's shape
  torch::Tensor attributions;  // [N, d] float64
  torch::Tensor group_ids;     // [D] int64 in [0, d), undefined for one feature per element
  torch::Tensor baseline;      // [N, D] float64
  torch::Tensor targets;       // [N] int64
};

Prepared Prepare(const std::string& what, const torch::Tensor& points,
                 const torch::Tensor& attributions, const torch::Tensor& targets,
                 const PerturbationTestOptions& options, int64_t max_k) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  if (!points.defined() || points.dim() < 2)
    Fail(what, ": points must be [N, *input_shape], got shape ",
         points.defined() ? points.sizes() : torch::IntArrayRef{});
  const int64_t n = points.size(0);
  if (n == 0) Fail(what, ": no points to evaluate (points has shape ", points.sizes(), ")");
  if (!attributions.defined() || attributions.dim() < 2 || attributions.size(0) != n)
    Fail(what, ": attributions must be [N, d] with N = ", n, " (one row per point), got shape ",
         attributions.defined() ? attributions.sizes() : torch::IntArrayRef{});

  Prepared p;
  const PointBatch batch = MakePointBatch(points, options.seed, options.first_index);
  p.flat = batch.flat;
  p.shape = batch.input_shape;
  const int64_t elements = p.flat.size(1);
  p.attributions =
      attributions.detach().to(torch::kCPU, torch::kDouble).reshape({n, -1}).contiguous();
  const int64_t d = p.attributions.size(1);
  if (options.groups.is_identity()) {
    if (d != elements)
      Fail(what, ": attributions have ", d, " values per point but points have ", elements,
           " elements (shape ", points.sizes(), "); grouped attributions need their groups");
  } else {
    const int64_t count = options.groups.Count(p.shape);
    if (d != count)
      Fail(what, ": attributions have ", d, " values per point but the feature groups define ",
           count, " groups for inputs of shape ", points.sizes());
    p.group_ids = options.groups.Resolve(p.shape);
  }
  const torch::Tensor finite = torch::isfinite(p.attributions).all(1);
  if (!finite.all().item<bool>())
    Fail(what, ": attributions of point ",
         options.first_index + finite.logical_not().nonzero()[0][0].item<int64_t>(),
         " are not finite (NaN or infinite values cannot be ranked)");
  if (max_k > d)
    Fail(what, ": k = ", max_k, " exceeds the ", d, " features of the attributions");
  if (options.perturbation == "road" && p.shape.size() != 3)
    Fail(what, ": perturbation 'road' needs images [N, C, H, W], got shape ", points.sizes());
  p.baseline = options.baseline.For(batch).contiguous();
  if (!torch::isfinite(p.baseline).all().item<bool>())
    Fail(what, ": baseline ", options.baseline.ToJson().dump(), " is not finite");
  p.targets = ExpandTargets(targets, n);
  return p;
}

std::vector<int64_t> WithRows(int64_t rows, const std::vector<int64_t>& shape) {
  std::vector<int64_t> out = {rows};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

// x [m, D] (images of `shape` [C, H, W]), selected bool [m, kk, D] -> [m, kk, D]: each point's
// image with the pixels that have a selected element imputed by ROAD from the others, point i
// with the noise stream of index first_index + i for every k (common random numbers).
torch::Tensor RoadPerturbed(const torch::Tensor& x, const torch::Tensor& selected,
                            const std::vector<int64_t>& shape, const PerturbationTestOptions& options,
                            int64_t first_index) {
  const int64_t m = selected.size(0), kk = selected.size(1);
  const int64_t c = shape[0], h = shape[1], w = shape[2];
  const torch::Tensor removed = selected.view({m, kk, c, h, w}).any(2);  // [m, kk, H, W]
  torch::Tensor out = torch::empty({m, kk, c * h * w}, torch::kDouble);
  for (int64_t i = 0; i < m; ++i) {
    const RoadImputationOptions road{
        .noise_std = options.road_noise_std, .seed = options.seed, .first_index = first_index + i};
    const torch::Tensor image = x[i].view({1, c, h, w});
    for (int64_t k = 0; k < kk; ++k) {
      if (removed[i][k].all().item<bool>())
        Fail("perturbation test: road: point ", first_index + i, " has every pixel selected; "
             "there is nothing to impute from");
      out[i][k] = RoadImpute(image, removed[i][k].unsqueeze(0), road).reshape({-1});
    }
  }
  return out;
}

// Gaps [N, K] for the given values of k.
torch::Tensor Gaps(Oracle& oracle, const Prepared& p, const std::vector<int64_t>& k_values,
                   const PerturbationTestOptions& options) {
  const int64_t n = p.flat.size(0), elements = p.flat.size(1);
  const int64_t num_k = static_cast<int64_t>(k_values.size());
  const bool continuous = options.perturbation == "continuous";
  const int64_t draws = continuous ? options.draws : 1;
  const torch::Tensor ks = torch::tensor(k_values, torch::kLong);
  const torch::Tensor rank = RankOfFeatures(p.attributions, options.ranking);

  const torch::Tensor fx = oracle.Values(p.flat.view(WithRows(n, p.shape)), p.targets);
  torch::Tensor gaps = torch::empty({n, num_k}, torch::kDouble);

  // Points (and, for very large inputs, values of k) are processed in blocks of at most
  // max_perturbed_elements perturbed elements; each block is one Oracle call.
  const int64_t budget = options.max_perturbed_elements;
  const int64_t per_point = num_k * draws * elements;
  const int64_t chunk = std::clamp<int64_t>(budget / per_point, 1, n);
  for (int64_t p0 = 0; p0 < n; p0 += chunk) {
    const int64_t p1 = std::min(n, p0 + chunk), m = p1 - p0;
    const torch::Tensor x = p.flat.slice(0, p0, p1);
    torch::Tensor noise;  // [m, draws, D]
    if (continuous) {
      noise = torch::empty({m, draws, elements}, torch::kDouble);
      double* data = noise.data_ptr<double>();
      ForEachPointStream(m, options.seed, options.first_index + p0, Component::kMetric,
                         [&](int64_t i, Generator& rng) {
                           boost::random::normal_distribution<double> normal(0.0, options.sigma);
                           double* row = data + i * draws * elements;
                           for (int64_t j = 0; j < draws * elements; ++j) row[j] = normal(rng);
                         });
    }
    // A single point whose perturbations for every k exceed the budget is split over k.
    const int64_t k_chunk =
        std::clamp<int64_t>(budget / (m * draws * elements), 1, num_k);
    for (int64_t k0 = 0; k0 < num_k; k0 += k_chunk) {
      const int64_t k1 = std::min(num_k, k0 + k_chunk), kk = k1 - k0;
      torch::Tensor selected =
          SelectionFromRank(rank.slice(0, p0, p1), ks.slice(0, k0, k1), options.ranking);
      if (p.group_ids.defined()) selected = selected.index_select(2, p.group_ids);  // [m, kk, D]
      torch::Tensor perturbed;
      if (continuous) {
        perturbed = x.view({m, 1, 1, elements}) +
                    selected.to(torch::kDouble).unsqueeze(2) * noise.unsqueeze(1);
      } else if (options.perturbation == "road") {
        perturbed = RoadPerturbed(x, selected, p.shape, options, options.first_index + p0);
      } else {
        perturbed = torch::where(selected, p.baseline.slice(0, p0, p1).unsqueeze(1),
                                 x.unsqueeze(1));
      }
      const int64_t rows = m * kk * draws;
      const torch::Tensor row_targets =
          p.targets.slice(0, p0, p1).view({m, 1}).expand({m, kk * draws}).reshape({rows});
      const torch::Tensor values =
          oracle.Values(perturbed.reshape(WithRows(rows, p.shape)), row_targets)
              .view({m, kk, draws});
      gaps.slice(0, p0, p1).slice(1, k0, k1).copy_(
          (values - fx.slice(0, p0, p1).view({m, 1, 1})).abs().mean(2));
    }
  }
  return gaps;
}

PerturbationCurve Curve(Oracle& oracle, const std::string& what, const torch::Tensor& points,
                        const torch::Tensor& attributions, const torch::Tensor& targets,
                        const PerturbationTestOptions& options) {
  const Prepared p = Prepare(what, points, attributions, targets, options, options.k);
  PerturbationCurve curve;
  for (int64_t k = 1; k <= options.k; ++k) curve.ks.push_back(k);
  curve.per_point = Gaps(oracle, p, curve.ks, options);
  for (int64_t j = 0; j < options.k; ++j)
    curve.per_k.push_back(Summarize(curve.per_point.select(1, j)));
  const int64_t num_k = options.k;
  torch::Tensor area;
  if (num_k == 1) {
    area = curve.per_point.select(1, 0);
  } else {  // trapezoid rule on t_j = j / (K - 1), j = 0..K-1
    area = (curve.per_point.sum(1) -
            0.5 * (curve.per_point.select(1, 0) + curve.per_point.select(1, num_k - 1))) /
           static_cast<double>(num_k - 1);
  }
  curve.area = Summarize(area);
  curve.mean_over_k = Summarize(curve.per_point.mean(1));
  return curve;
}

MetricSummary Single(Oracle& oracle, const std::string& what, const torch::Tensor& points,
                     const torch::Tensor& attributions, const torch::Tensor& targets,
                     const PerturbationTestOptions& options) {
  const Prepared p = Prepare(what, points, attributions, targets, options, options.k);
  return Summarize(Gaps(oracle, p, {options.k}, options).select(1, 0));
}

}  // namespace

bool PerturbationTestOptions::IsValid(std::string* error) const {
  if (!IsRanking(ranking)) {
    *error = "perturbation test: ranking must be 'topk', 'bottomk' or 'non_topk', got '" +
             ranking + "'";
    return false;
  }
  if (perturbation != "binary" && perturbation != "continuous" && perturbation != "road") {
    *error = "perturbation test: perturbation must be 'binary', 'continuous' or 'road', got '" +
             perturbation + "'";
    return false;
  }
  if (!(road_noise_std >= 0) || !std::isfinite(road_noise_std)) {
    *error = "perturbation test: road_noise_std must be finite and >= 0, got ";
    *error += std::to_string(road_noise_std);
    return false;
  }
  return CheckCommon("perturbation test", k, sigma, draws, first_index, max_perturbed_elements,
                     error);
}

bool PredictionGapOptions::IsValid(std::string* error) const {
  return CheckCommon("prediction gap", k, sigma, draws, first_index, max_perturbed_elements,
                     error);
}

PerturbationTestOptions PredictionGapOptions::AsPerturbationTest(const std::string& ranking) const {
  return {.ranking = ranking,
          .perturbation = "continuous",
          .k = k,
          .sigma = sigma,
          .draws = draws,
          .groups = groups,
          .seed = seed,
          .first_index = first_index,
          .max_perturbed_elements = max_perturbed_elements};
}

MetricSummary PerturbationGap(Oracle& oracle, const torch::Tensor& points,
                              const torch::Tensor& attributions, const torch::Tensor& targets,
                              const PerturbationTestOptions& options) {
  return Single(oracle, "perturbation test", points, attributions, targets, options);
}

PerturbationCurve PerturbationGapCurve(Oracle& oracle, const torch::Tensor& points,
                                       const torch::Tensor& attributions,
                                       const torch::Tensor& targets,
                                       const PerturbationTestOptions& options) {
  return Curve(oracle, "perturbation test", points, attributions, targets, options);
}

namespace {

PerturbationTestOptions ValidPredictionGap(const PredictionGapOptions& options,
                                           const std::string& ranking) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  return options.AsPerturbationTest(ranking);
}

}  // namespace

MetricSummary Pgi(Oracle& oracle, const torch::Tensor& points, const torch::Tensor& attributions,
                  const torch::Tensor& targets, const PredictionGapOptions& options) {
  return Single(oracle, "PGI", points, attributions, targets, ValidPredictionGap(options, "topk"));
}

MetricSummary Pgu(Oracle& oracle, const torch::Tensor& points, const torch::Tensor& attributions,
                  const torch::Tensor& targets, const PredictionGapOptions& options) {
  return Single(oracle, "PGU", points, attributions, targets,
                ValidPredictionGap(options, "non_topk"));
}

PerturbationCurve PgiCurve(Oracle& oracle, const torch::Tensor& points,
                           const torch::Tensor& attributions, const torch::Tensor& targets,
                           const PredictionGapOptions& options) {
  return Curve(oracle, "PGI", points, attributions, targets, ValidPredictionGap(options, "topk"));
}

PerturbationCurve PguCurve(Oracle& oracle, const torch::Tensor& points,
                           const torch::Tensor& attributions, const torch::Tensor& targets,
                           const PredictionGapOptions& options) {
  return Curve(oracle, "PGU", points, attributions, targets,
               ValidPredictionGap(options, "non_topk"));
}

torch::Tensor SelectedFeatures(const torch::Tensor& attributions, const std::string& ranking,
                               int64_t max_k) {
  if (!IsRanking(ranking))
    Fail("selected features: ranking must be 'topk', 'bottomk' or 'non_topk', got '", ranking, "'");
  if (!attributions.defined() || attributions.dim() != 2)
    Fail("selected features: attributions must be [N, d], got shape ",
         attributions.defined() ? attributions.sizes() : torch::IntArrayRef{});
  const torch::Tensor a = attributions.detach().to(torch::kCPU, torch::kDouble).contiguous();
  if (!torch::isfinite(a).all().item<bool>())
    Fail("selected features: attributions contain NaN or infinite values");
  if (max_k < 1 || max_k > a.size(1))
    Fail("selected features: k must be in [1, ", a.size(1), "], got ", max_k);
  return SelectionFromRank(RankOfFeatures(a, ranking),
                           torch::arange(1, max_k + 1, torch::kLong), ranking);
}

}  // namespace lfa
