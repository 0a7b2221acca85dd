#include "metrics/exact.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include <ATen/Parallel.h>
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "framework/errors.h"
#include "framework/lfa_explainer.h"
#include "framework/loss.h"
#include "losses/squared.h"
#include "neighbourhoods/baseline.h"
#include "neighbourhoods/one_hot_removal.h"
#include "surrogates/linear.h"

namespace lfa {

bool ExactOptions::IsValid(std::string* error) const {
  const auto fail = [&](const std::string& message) {
    if (error) *error = message;
    return false;
  };
  if (max_groups < 1 || max_groups > 40)
    return fail("max_groups must be in [1, 40], got " + std::to_string(max_groups));
  if (max_chunk_rows < 1)
    return fail("max_chunk_rows must be >= 1, got " + std::to_string(max_chunk_rows));
  if (!(solver.rank_tolerance >= 0))
    return fail("solver.rank_tolerance must be >= 0, got " + std::to_string(solver.rank_tolerance));
  if (!(solver.ridge > 0))
    return fail("solver.ridge must be > 0, got " + std::to_string(solver.ridge));
  return true;
}

namespace {

// Most decoded values held by one Oracle call, as LfaExplainer.
constexpr int64_t kMaxChunkValues = int64_t{1} << 24;

// Checks the options and the number of groups G of this input shape; returns G.
int64_t EnumerableGroups(const char* what, int64_t groups, const ExactOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) Fail(what, ": ", error);
  if (groups < 1) Fail(what, ": the points have no features to mask (G = ", groups, ")");
  if (groups > options.max_groups)
    Fail(what, ": G = ", groups, " feature groups means 2^", groups,
         " masks per point, more than max_groups = ", options.max_groups,
         " allows; group the features (FeatureGroups) or raise max_groups");
  return groups;
}

// How the (point, mask) rows are cut into Oracle calls. All masks of a point fit in one call when
// 2^G <= rows; then a block holds as many points as fit. Otherwise a block is one point and its
// masks come in several calls.
struct Layout {
  int64_t masks = 0;            // 2^G
  int64_t masks_per_call = 0;   // M
  int64_t points_per_block = 0; // P
};

Layout ChooseLayout(int64_t groups, int64_t values_per_row, const ExactOptions& options) {
  Layout layout;
  layout.masks = int64_t{1} << groups;
  const int64_t rows = std::max<int64_t>(
      1, std::min(options.max_chunk_rows, kMaxChunkValues / std::max<int64_t>(1, values_per_row)));
  layout.masks_per_call = std::min(layout.masks, rows);
  layout.points_per_block =
      layout.masks_per_call == layout.masks ? std::max<int64_t>(1, rows / layout.masks) : 1;
  return layout;
}

// Masks with index in [begin, end): bit j of the index keeps group j. [M, G] float64.
torch::Tensor MaskBlock(int64_t begin, int64_t end, int64_t groups) {
  torch::Tensor masks = torch::empty({end - begin, groups}, torch::kDouble);
  double* m = masks.data_ptr<double>();
  for (int64_t index = begin; index < end; ++index)
    for (int64_t j = 0; j < groups; ++j) *m++ = static_cast<double>((index >> j) & 1);
  return masks;
}

// f_target at the decoded masks for every point of the block: [P, M].
torch::Tensor QueryMasks(Oracle& oracle, const MaskNeighbourhood& neighbourhood,
                         const PointBatch& points, const torch::Tensor& masks,
                         const torch::Tensor& targets) {
  const int64_t n = points.size(), m = masks.size(0);
  torch::Tensor inputs;
  {
    torch::NoGradGuard no_grad;
    inputs = AsModelInputs(
        neighbourhood.Decode(points, masks.unsqueeze(0).expand({n, m, masks.size(1)})),
        points.input_shape);
  }
  return oracle.Values(inputs, RepeatTargets(targets, m)).reshape({n, m});
}

// Per point: P(xi) pi(xi) for the block's masks, [P, M]. `probability` [G + 1] holds
// p^k (1 - p)^(G - k) by coalition size k. The shapley and uniform kernels depend on a mask only
// through its size k (bernoulli_mask.h), so Weights is asked once per size and looked up; any
// other kernel (exponential: which groups are removed matters) is asked for every mask.
torch::Tensor MaskWeights(const BernoulliMaskNeighbourhood& neighbourhood, const PointBatch& points,
                          const torch::Tensor& masks, const torch::Tensor& probability) {
  const int64_t n = points.size(), g = masks.size(1);
  const torch::Tensor sizes = masks.sum(1).round().to(torch::kLong);
  const std::string& type = neighbourhood.options().kernel;
  if (type == "shapley" || type == "uniform") {
    // Row k keeps the first k groups.
    const torch::Tensor by_size = (torch::arange(g, torch::kDouble).unsqueeze(0) <
                                   torch::arange(g + 1, torch::kDouble).unsqueeze(1))
                                      .to(torch::kDouble);
    const torch::Tensor kernel =
        neighbourhood.Weights(points, by_size.unsqueeze(0).expand({n, g + 1, g}));
    return (kernel * probability.unsqueeze(0)).index_select(1, sizes);
  }
  const torch::Tensor kernel =
      neighbourhood.Weights(points, masks.unsqueeze(0).expand({n, masks.size(0), g}));
  return kernel * probability.index_select(0, sizes).unsqueeze(0);
}

// In place: sums[S] <- sum of sums[T] over the masks T that contain S (bit j = group j), in
// G 2^(G-1) additions. sums[{j}] and sums[{j, k}] are then the entries of the normal equations.
void SupersetSums(std::vector<double>& sums, int64_t groups) {
  const int64_t masks = static_cast<int64_t>(sums.size());
  for (int64_t j = 0; j < groups; ++j) {
    const int64_t bit = int64_t{1} << j;
    for (int64_t base = 0; base < masks; base += 2 * bit)
      for (int64_t m = base; m < base + bit; ++m) sums[m] += sums[m + bit];
  }
}

// g(mask) = w . mask (+ c) for every mask, each from the mask with its lowest bit cleared.
void FittedValues(const Eigen::VectorXd& beta, int64_t groups, bool intercept,
                  std::vector<double>& fitted) {
  fitted[0] = intercept ? beta(groups) : 0.0;
  for (int64_t m = 1; m < static_cast<int64_t>(fitted.size()); ++m)
    fitted[m] = fitted[m & (m - 1)] + beta(__builtin_ctzll(static_cast<unsigned long long>(m)));
}

}  // namespace

Explanation ExactMaskExplanation(Oracle& oracle, const PointBatch& points,
                                 const torch::Tensor& targets,
                                 const BernoulliMaskNeighbourhood& neighbourhood, bool intercept,
                                 const ExactOptions& options, const ProgressCallback& progress) {
  const int64_t g = EnumerableGroups("exact mask explanation",
                                     neighbourhood.Dimension(points.input_shape), options);
  const int64_t n = points.size(), q = g + (intercept ? 1 : 0);
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  const Layout layout = ChooseLayout(g, std::max<int64_t>(points.flat.size(1), g), options);
  const double p = neighbourhood.options().p;
  torch::Tensor probability = torch::empty({g + 1}, torch::kDouble);
  for (int64_t k = 0; k <= g; ++k)
    probability[k] =
        std::pow(p, static_cast<double>(k)) * std::pow(1 - p, static_cast<double>(g - k));

  Explanation result;
  result.method = "exact_bernoulli_mask_" + neighbourhood.options().kernel;
  result.input_shape = points.input_shape;
  result.attributions = torch::zeros({n, g}, torch::kDouble);
  result.intercepts = torch::zeros({n}, torch::kDouble);
  result.loss = torch::zeros({n}, torch::kDouble);
  result.r2 = torch::zeros({n}, torch::kDouble);
  result.ridge = torch::zeros({n}, torch::kDouble);
  const int64_t queries_before = oracle.queries();
  double* attributions = result.attributions.data_ptr<double>();
  double* intercepts = result.intercepts.data_ptr<double>();
  double* losses = result.loss.data_ptr<double>();
  double* r2s = result.r2.data_ptr<double>();
  double* ridges = result.ridge.data_ptr<double>();

  for (int64_t begin = 0; begin < n; begin += layout.points_per_block) {
    const int64_t end = std::min(n, begin + layout.points_per_block), count = end - begin;
    const PointBatch block = points.Slice(begin, end);
    const torch::Tensor block_targets = all_targets.slice(0, begin, end);
    // Query: the responses y and weights P(xi) pi(xi) of every mask of the block's points.
    const torch::Tensor responses = torch::empty({count, layout.masks}, torch::kDouble);
    const torch::Tensor weights = torch::empty({count, layout.masks}, torch::kDouble);
    for (int64_t m0 = 0; m0 < layout.masks; m0 += layout.masks_per_call) {
      const int64_t m1 = std::min(layout.masks, m0 + layout.masks_per_call);
      const torch::Tensor masks = MaskBlock(m0, m1, g);
      responses.slice(1, m0, m1).copy_(
          QueryMasks(oracle, neighbourhood, block, masks, block_targets));
      weights.slice(1, m0, m1).copy_(MaskWeights(neighbourhood, block, masks, probability));
    }
    // Solve, per point in parallel.
    const double* all_y = responses.data_ptr<double>();
    const double* all_w = weights.data_ptr<double>();
    const int64_t masks = layout.masks;
    at::parallel_for(0, count, 1, [&](int64_t first, int64_t last) {
      std::vector<double> sums(masks), fitted(masks);
      for (int64_t local = first; local < last; ++local) {
        const int64_t i = begin + local;
        const double* y = all_y + local * masks;
        const double* w = all_w + local * masks;
        // The normal equations from superset sums: sum_{xi >= S} P pi over masks containing S.
        std::copy(w, w + masks, sums.begin());
        SupersetSums(sums, g);
        Eigen::MatrixXd normal(q, q);
        for (int64_t j = 0; j < g; ++j) {
          normal(j, j) = sums[int64_t{1} << j];
          for (int64_t k = 0; k < j; ++k)
            normal(j, k) = normal(k, j) = sums[(int64_t{1} << j) | (int64_t{1} << k)];
          if (intercept) normal(j, g) = normal(g, j) = sums[int64_t{1} << j];
        }
        const double total = std::max(sums[0], 1e-300);
        if (intercept) normal(g, g) = sums[0];
        double weighted_sum = 0, weighted_square = 0;
        for (int64_t m = 0; m < masks; ++m) {
          weighted_sum += w[m] * y[m];
          weighted_square += w[m] * y[m] * y[m];
        }
        // Weighted sums of r z for residuals r, r(m) = y(m) - g(m); returns sum w r^2.
        const auto residual_moments = [&](const Eigen::VectorXd& beta, Eigen::VectorXd* moments) {
          FittedValues(beta, g, intercept, fitted);
          double sse = 0;
          for (int64_t m = 0; m < masks; ++m) {
            const double r = y[m] - fitted[m];
            sums[m] = w[m] * r;
            sse += sums[m] * r;
          }
          if (moments) {
            moments->resize(q);
            double all = 0;
            for (int64_t m = 0; m < masks; ++m) all += sums[m];
            SupersetSums(sums, g);
            for (int64_t j = 0; j < g; ++j) (*moments)(j) = sums[int64_t{1} << j];
            if (intercept) (*moments)(g) = all;
          }
          return sse;
        };
        // Cholesky, with the closed-form solver's rank test and ridge fallback.
        Eigen::LLT<Eigen::MatrixXd> cholesky(normal);
        bool singular = cholesky.info() != Eigen::Success;
        if (!singular) {
          const Eigen::VectorXd pivots = cholesky.matrixLLT().diagonal().array().square();
          singular = !(pivots.maxCoeff() > 0) ||
                     !(pivots.minCoeff() / pivots.maxCoeff() >= options.solver.rank_tolerance);
        }
        if (singular) {
          ridges[i] = options.solver.ridge * std::max(normal.diagonal().mean(), 1e-300);
          cholesky.compute(normal + ridges[i] * Eigen::MatrixXd::Identity(q, q));
        }
        // beta = A^-1 sum P pi y z, i.e. the moments of the residuals of g = 0; then one step of
        // iterative refinement with residuals from the responses themselves, as the closed-form
        // solver does (the 1e6 anchors of the shapley kernel make A ill-conditioned).
        Eigen::VectorXd beta = Eigen::VectorXd::Zero(q), moments;
        residual_moments(beta, &moments);
        beta = cholesky.solve(moments);
        residual_moments(beta, &moments);
        beta += cholesky.solve(moments);
        const double sse = residual_moments(beta, nullptr);
        // Diagnostics with the conventions of WeightedLeastSquares (closed_form.cc).
        const double mean = weighted_sum / total;
        double sst = 0;
        for (int64_t m = 0; m < masks; ++m) sst += w[m] * (y[m] - mean) * (y[m] - mean);
        const double loss = sse / total, spread = sst / total;
        const double tiny = 1e-12 * (1 + weighted_square / total);
        losses[i] = loss;
        r2s[i] = spread <= tiny ? (loss <= tiny ? 1.0 : 0.0) : 1 - loss / spread;
        for (int64_t j = 0; j < g; ++j) attributions[i * g + j] = beta(j);
        if (intercept) intercepts[i] = beta(g);
      }
    });
    if (progress) progress(end, n);
  }
  result.model_queries = oracle.queries() - queries_before;
  return result;
}

torch::Tensor ExactShapleyValues(Oracle& oracle, const PointBatch& points,
                                 const torch::Tensor& targets, const Baseline& baseline,
                                 const FeatureGroups& groups, const ExactOptions& options,
                                 const ProgressCallback& progress) {
  // Only Decode is used: the masks decode to x on the coalition, b elsewhere.
  const BernoulliMaskNeighbourhood coalitions({.baseline = baseline, .groups = groups});
  const int64_t g = EnumerableGroups("exact Shapley values",
                                     coalitions.Dimension(points.input_shape), options);
  const int64_t n = points.size();
  const torch::Tensor all_targets = ExpandTargets(targets, n);
  const Layout layout = ChooseLayout(g, std::max<int64_t>(points.flat.size(1), g), options);
  // The subset formula regrouped by coalition, so that each v(S) is queried once and never stored:
  //   phi_j = sum_{S contains j} w(|S| - 1) v(S) - sum_{S lacks j} w(|S|) v(S)
  //         = sum_{S contains j} u(S) - sum_S w(|S|) v(S),   u(S) = (w(|S| - 1) + w(|S|)) v(S),
  // with w(k) = k! (G - k - 1)! / G! = 1 / (G C(G - 1, k)), and w(-1) = w(G) = 0.
  std::vector<double> share(g + 2, 0.0);  // share[k + 1] = w(k)
  for (int64_t k = 0; k < g; ++k) {
    double choose = 1;  // C(G - 1, k), exact in double for G <= 40
    for (int64_t i = 1; i <= k; ++i) choose = choose * static_cast<double>(g - i) / i;
    share[k + 1] = 1.0 / (static_cast<double>(g) * std::round(choose));
  }
  torch::Tensor phi = torch::zeros({n, g}, torch::kDouble);
  std::vector<double> outside(n, 0.0);  // sum_S w(|S|) v(S) per point
  double* phis = phi.data_ptr<double>();
  for (int64_t begin = 0; begin < n; begin += layout.points_per_block) {
    const int64_t end = std::min(n, begin + layout.points_per_block);
    const PointBatch block = points.Slice(begin, end);
    const torch::Tensor block_targets = all_targets.slice(0, begin, end);
    for (int64_t m0 = 0; m0 < layout.masks; m0 += layout.masks_per_call) {
      const int64_t m1 = std::min(layout.masks, m0 + layout.masks_per_call);
      const torch::Tensor v =
          QueryMasks(oracle, coalitions, block, MaskBlock(m0, m1, g), block_targets).contiguous();
      const double* values = v.data_ptr<double>();
      at::parallel_for(begin, end, 1, [&](int64_t first, int64_t last) {
        for (int64_t i = first; i < last; ++i) {
          const double* vi = values + (i - begin) * (m1 - m0);
          double* phi_i = phis + i * g;
          for (int64_t m = m0; m < m1; ++m) {
            const int size = __builtin_popcountll(static_cast<unsigned long long>(m));
            const double out = share[size + 1] * vi[m - m0];
            const double in = share[size] * vi[m - m0] + out;
            outside[i] += out;
            for (auto bits = static_cast<unsigned long long>(m); bits; bits &= bits - 1)
              phi_i[__builtin_ctzll(bits)] += in;
          }
        }
      });
    }
    for (int64_t i = begin; i < end; ++i)
      for (int64_t j = 0; j < g; ++j) phis[i * g + j] -= outside[i];
    if (progress) progress(end, n);
  }
  return phi;
}

Explanation ExactOcclusion(Oracle& oracle, const PointBatch& points, const torch::Tensor& targets,
                           const Baseline& baseline, const FeatureGroups& groups,
                           const ProgressCallback& progress) {
  auto removal = std::make_unique<OneHotRemovalNeighbourhood>(
      OneHotRemovalOptions{.enumerate = true, .baseline = baseline, .groups = groups});
  const int64_t g = removal->Dimension(points.input_shape);
  if (g < 1) Fail("exact occlusion: the points have no features to remove (G = ", g, ")");
  const LfaExplainer occlusion(
      "exact_occlusion", std::move(removal),
      std::make_unique<SquaredLoss>(SquaredLossOptions{.response = "delta"}),
      std::make_unique<LinearSurrogate>(LinearSurrogateOptions{.intercept = false}),
      std::make_unique<ClosedFormSolver>(), /*samples=*/g);
  return occlusion.Explain(oracle, points, targets, progress);
}

}  // namespace lfa
