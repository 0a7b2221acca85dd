#include "metrics/image_metrics.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include <ATen/ATen.h>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include "framework/errors.h"
#include "neighbourhoods/gaussian_blur.h"
#include "framework/explainer.h"
#include "framework/random.h"

namespace lfa {
namespace {

constexpr int64_t kDefaultSteps = 50;

torch::IntArrayRef ShapeOf(const torch::Tensor& t) {
  return t.defined() ? t.sizes() : torch::IntArrayRef{};
}

void ThrowIfInvalid(const std::string& what, bool valid, const std::string& error) {
  if (!valid) Fail(what, ": ", error);
}

// inputs [N, C, H, W] of any dtype -> float64 CPU, contiguous.
torch::Tensor AsImages(const std::string& what, const torch::Tensor& inputs) {
  if (!inputs.defined() || inputs.dim() != 4)
    Fail(what, ": inputs must be images [N, C, H, W], got shape ", ShapeOf(inputs));
  if (inputs.numel() == 0) Fail(what, ": no images to evaluate (inputs have shape ", inputs.sizes(), ")");
  return inputs.detach().to(torch::kCPU, torch::kDouble).contiguous();
}

// [N, P] pixel scores from maps with P or C * P values per image (per-element maps are summed over
// channels).
torch::Tensor PixelScores(const std::string& what, const torch::Tensor& maps,
                          const torch::Tensor& images) {
  const int64_t n = images.size(0), c = images.size(1), p = images.size(2) * images.size(3);
  if (!maps.defined() || maps.dim() < 2 || maps.size(0) != n)
    Fail(what, ": maps must have one row per image (N = ", n, "), got shape ", ShapeOf(maps));
  torch::Tensor scores = maps.detach().to(torch::kCPU, torch::kDouble).reshape({n, -1});
  if (scores.size(1) == c * p) {
    scores = scores.view({n, c, p}).sum(1);
  } else if (scores.size(1) != p) {
    Fail(what, ": maps have ", scores.size(1), " values per image (shape ", maps.sizes(),
         ") but images of shape ", images.sizes(), " have ", p, " pixels and ", c * p,
         " elements");
  }
  const torch::Tensor finite = torch::isfinite(scores).all(1);
  if (!finite.all().item<bool>())
    Fail(what, ": the map of image ", finite.logical_not().nonzero()[0][0].item<int64_t>(),
         " is not finite (NaN or infinite values cannot be ranked)");
  return scores.contiguous();
}

// position[i, p] = how many pixels of image i are changed before pixel p: map values descending,
// equal values in pixel index order (a stable sort keeps them so).
torch::Tensor PixelPositions(const torch::Tensor& scores) {
  const torch::Tensor order =
      std::get<1>(scores.sort(/*stable=*/true, /*dim=*/1, /*descending=*/true));
  const torch::Tensor position = torch::arange(scores.size(1), torch::kLong).expand_as(order);
  return torch::empty_like(order).scatter_(1, order, position);
}

// Rows [r, C, H, W] holding the baseline at their removed pixels -> the removed pixels imputed
// (ROAD) from the others, each row with its image's noise stream; a row with every pixel removed
// keeps the baseline.
torch::Tensor RoadFill(const torch::Tensor& rows, const torch::Tensor& removed,
                       const torch::Tensor& image, const RoadImputationOptions& road) {
  torch::Tensor filled = rows.clone();
  const torch::Tensor all_removed = removed.flatten(1).all(1);
  for (int64_t r = 0; r < rows.size(0); ++r) {
    if (all_removed[r].item<bool>()) continue;
    RoadImputationOptions options = road;
    options.first_index = road.first_index + image[r].item<int64_t>();
    filled[r] = RoadImpute(rows[r].unsqueeze(0), removed[r].unsqueeze(0), options)[0];
  }
  return filled;
}

DeletionResult PixelCurve(Oracle& oracle, const std::string& what, bool insertion,
                          const torch::Tensor& inputs, const torch::Tensor& maps,
                          const torch::Tensor& targets, const DeletionOptions& options) {
  std::string error;
  ThrowIfInvalid(what, options.IsValid(&error), error);
  const torch::Tensor x = AsImages(what, inputs);
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), p = h * w;
  const torch::Tensor positions = PixelPositions(PixelScores(what, maps, x));
  const torch::Tensor baseline = options.baseline.For(x);
  const torch::Tensor row_targets_of_image = ExpandTargets(targets, n);

  const int64_t per_step =
      options.pixels_per_step.value_or((p + kDefaultSteps - 1) / kDefaultSteps);
  const int64_t steps = (p + per_step - 1) / per_step;
  const torch::Tensor changed_after =
      (torch::arange(steps + 1, torch::kLong) * per_step).clamp_max(p);  // n_t, t = 0..T

  // A changed pixel takes its value from `to`, the others keep `from`'s.
  const torch::Tensor from = (insertion ? baseline : x).view({n, c, p});
  const torch::Tensor to = (insertion ? x : baseline).view({n, c, p});

  // Every (image, step) pair is one row; rows go to the Oracle in blocks bounded by the budget.
  const int64_t rows = n * (steps + 1);
  const int64_t rows_per_call =
      std::clamp<int64_t>(options.max_perturbed_elements / (c * p), 1, rows);
  torch::Tensor curves = torch::empty({rows}, torch::kDouble);
  for (int64_t r0 = 0; r0 < rows; r0 += rows_per_call) {
    const int64_t r1 = std::min(rows, r0 + rows_per_call);
    const torch::Tensor row = torch::arange(r0, r1, torch::kLong);
    const torch::Tensor image = row.div(steps + 1, "floor");
    const torch::Tensor step = row.remainder(steps + 1);
    const torch::Tensor changed = positions.index_select(0, image)
                                      .lt(changed_after.index_select(0, step).unsqueeze(1))
                                      .unsqueeze(1);  // [r, 1, P]
    torch::Tensor batch =
        torch::where(changed, to.index_select(0, image), from.index_select(0, image));
    if (options.fill == "road") {
      // Deletion removes the changed pixels, insertion the others.
      const torch::Tensor removed = insertion ? changed.logical_not() : changed;
      batch = RoadFill(batch.view({r1 - r0, c, h, w}), removed.view({r1 - r0, h, w}), image,
                       options.road)
                  .view({r1 - r0, c, p});
    }
    curves.slice(0, r0, r1).copy_(oracle.Values(batch.view({r1 - r0, c, h, w}),
                                                row_targets_of_image.index_select(0, image)));
  }

  DeletionResult result;
  result.curves = curves.view({n, steps + 1});
  result.fractions = changed_after.to(torch::kDouble) / static_cast<double>(p);
  result.auc = torch::trapezoid(result.curves, result.fractions, /*dim=*/1);
  return result;
}

// The perturbations of one point, drawn sample by sample from the point's stream: rows [count, D]
// of the Gaussian noise I, or of the 0/1 indicator of the removed elements (all channels of a
// removed pixel).
class PerturbationDrawer {
 public:
  PerturbationDrawer(const InfidelityOptions& options, const std::vector<int64_t>& shape)
      : options_(options) {
    elements_ = 1;
    for (int64_t s : shape) elements_ *= s;
    if (options.perturbation != "gaussian") {
      channels_ = shape[0];
      height_ = shape[1];
      width_ = shape[2];
    }
  }

  void Draw(Generator& rng, int64_t count, double* out) const {
    if (options_.perturbation == "gaussian") {
      boost::random::normal_distribution<double> normal(0.0, options_.sigma);
      for (int64_t j = 0; j < count * elements_; ++j) out[j] = normal(rng);
      return;
    }
    std::fill(out, out + count * elements_, 0.0);
    const int64_t pixels = height_ * width_;
    const auto remove = [&](double* row, int64_t pixel) {
      for (int64_t ch = 0; ch < channels_; ++ch) row[ch * pixels + pixel] = 1.0;
    };
    if (options_.perturbation == "square") {
      const int64_t size = options_.patch_size;
      boost::random::uniform_int_distribution<int64_t> top(0, height_ - size), left(0, width_ - size);
      for (int64_t s = 0; s < count; ++s) {
        const int64_t r0 = top(rng), c0 = left(rng);
        for (int64_t r = r0; r < r0 + size; ++r)
          for (int64_t col = c0; col < c0 + size; ++col) remove(out + s * elements_, r * width_ + col);
      }
      return;
    }
    boost::random::bernoulli_distribution<double> removed(options_.removal_probability);
    for (int64_t s = 0; s < count; ++s)
      for (int64_t pixel = 0; pixel < pixels; ++pixel)
        if (removed(rng)) remove(out + s * elements_, pixel);
  }

 private:
  const InfidelityOptions& options_;
  int64_t elements_ = 0, channels_ = 1, height_ = 1, width_ = 1;
};

}  // namespace

bool ImageBaseline::IsValid(std::string* error) const {
  std::ostringstream out;
  if (kind != "constant" && kind != "mean" && kind != "blur") {
    out << "image baseline: kind must be 'constant', 'mean' or 'blur', got '" << kind << "'";
  } else if (kind == "constant" && !std::isfinite(value)) {
    out << "image baseline: constant value must be finite, got " << value;
  } else if (kind == "mean" && (!mean.defined() || mean.numel() == 0)) {
    out << "image baseline: kind 'mean' needs the mean tensor ([C] or [C, H, W])";
  } else if (kind == "blur" && (!(sigma > 0) || !std::isfinite(sigma))) {
    out << "image baseline: blur sigma must be finite and > 0, got " << sigma;
  } else {
    return true;
  }
  *error = out.str();
  return false;
}

torch::Tensor ImageBaseline::For(const torch::Tensor& images) const {
  std::string error;
  if (!IsValid(&error)) throw InvalidInput(error);
  const torch::Tensor x = AsImages("image baseline", images);
  if (kind == "constant") return torch::full_like(x, value);
  if (kind == "blur") return GaussianBlur(x, sigma);
  const int64_t c = x.size(1), h = x.size(2), w = x.size(3);
  const torch::Tensor m = mean.detach().to(torch::kCPU, torch::kDouble).reshape({-1});
  if (!torch::isfinite(m).all().item<bool>()) Fail("image baseline: the mean is not finite");
  if (m.numel() == c) return m.view({1, c, 1, 1}).expand_as(x);
  if (m.numel() == c * h * w) return m.view({1, c, h, w}).expand_as(x);
  Fail("image baseline: the mean has ", m.numel(), " values (shape ", mean.sizes(),
       ") but images of shape ", x.sizes(), " need ", c, " (one per channel) or ", c * h * w,
       " (one per element)");
}

bool DeletionOptions::IsValid(std::string* error) const {
  std::ostringstream out;
  if (pixels_per_step.has_value() && *pixels_per_step < 1) {
    out << "pixels_per_step must be >= 1, got " << *pixels_per_step;
  } else if (max_perturbed_elements < 1) {
    out << "max_perturbed_elements must be >= 1, got " << max_perturbed_elements;
  } else if (fill != "baseline" && fill != "road") {
    out << "fill must be 'baseline' or 'road', got '" << fill << "'";
  } else if (std::string road_error; fill == "road" && !road.IsValid(&road_error)) {
    out << "road: " << road_error;
  } else {
    return baseline.IsValid(error);
  }
  *error = out.str();
  return false;
}

DeletionResult DeletionCurve(Oracle& oracle, const torch::Tensor& inputs, const torch::Tensor& maps,
                             const torch::Tensor& targets, const DeletionOptions& options) {
  return PixelCurve(oracle, "deletion", /*insertion=*/false, inputs, maps, targets, options);
}

DeletionResult InsertionCurve(Oracle& oracle, const torch::Tensor& inputs,
                              const torch::Tensor& maps, const torch::Tensor& targets,
                              const DeletionOptions& options) {
  return PixelCurve(oracle, "insertion", /*insertion=*/true, inputs, maps, targets, options);
}

bool InfidelityOptions::IsValid(std::string* error) const {
  std::ostringstream out;
  const bool removal = perturbation == "square" || perturbation == "subset";
  if (perturbation != "gaussian" && !removal) {
    out << "perturbation must be 'gaussian', 'square' or 'subset', got '" << perturbation << "'";
  } else if (perturbation == "gaussian" && (!(sigma > 0) || !std::isfinite(sigma))) {
    out << "sigma must be finite and > 0, got " << sigma;
  } else if (perturbation == "square" && patch_size < 1) {
    out << "patch_size must be >= 1, got " << patch_size;
  } else if (perturbation == "subset" &&
             !(removal_probability > 0 && removal_probability <= 1)) {
    out << "removal_probability must be in (0, 1], got " << removal_probability;
  } else if (samples < 1) {
    out << "samples must be >= 1, got " << samples;
  } else if (first_index < 0) {
    out << "first_index must be >= 0, got " << first_index;
  } else if (max_perturbed_elements < 1) {
    out << "max_perturbed_elements must be >= 1, got " << max_perturbed_elements;
  } else {
    return !removal || baseline.IsValid(error);
  }
  *error = out.str();
  return false;
}

torch::Tensor Infidelity(Oracle& oracle, const torch::Tensor& inputs,
                         const torch::Tensor& attributions, const torch::Tensor& targets,
                         const InfidelityOptions& options) {
  const std::string what = "infidelity";
  std::string error;
  ThrowIfInvalid(what, options.IsValid(&error), error);
  if (!inputs.defined() || inputs.dim() < 2 || inputs.numel() == 0)
    Fail(what, ": inputs must be [N, *input_shape] with N >= 1, got shape ", ShapeOf(inputs));
  const bool removal = options.perturbation != "gaussian";
  if (removal && inputs.dim() != 4)
    Fail(what, ": '", options.perturbation, "' perturbations remove pixels of images [N, C, H, W], "
         "got inputs of shape ", inputs.sizes());
  const PointBatch batch = MakePointBatch(inputs, options.seed, options.first_index);
  const torch::Tensor& x = batch.flat;  // [N, D]
  const int64_t n = x.size(0), d = x.size(1), samples = options.samples;
  if (!attributions.defined() || attributions.dim() < 2 || attributions.size(0) != n ||
      attributions.numel() != n * d)
    Fail(what, ": attributions must be [N, *input_shape] or [N, D] with N = ", n, " and D = ", d,
         " (inputs of shape ", inputs.sizes(), "), got shape ", ShapeOf(attributions));
  const torch::Tensor phi =
      attributions.detach().to(torch::kCPU, torch::kDouble).reshape({n, d}).contiguous();
  const torch::Tensor finite = torch::isfinite(phi).all(1);
  if (!finite.all().item<bool>())
    Fail(what, ": attributions of point ",
         options.first_index + finite.logical_not().nonzero()[0][0].item<int64_t>(),
         " are not finite");
  torch::Tensor removed_minus_kept;  // removal: x - b, [N, D]
  if (removal) {
    const int64_t size = options.patch_size;
    if (options.perturbation == "square" && (size > inputs.size(2) || size > inputs.size(3)))
      Fail(what, ": patch_size = ", size, " does not fit in images of ", inputs.size(2), " x ",
           inputs.size(3), " pixels");
    const torch::Tensor images = x.view(inputs.sizes());
    removed_minus_kept = x - options.baseline.For(images).reshape({n, d});
  }
  const torch::Tensor point_targets = ExpandTargets(targets, n);
  std::vector<int64_t> row_shape = {0};
  row_shape.insert(row_shape.end(), batch.input_shape.begin(), batch.input_shape.end());
  const auto rows_of = [&](const torch::Tensor& t, int64_t rows) {
    row_shape[0] = rows;
    return t.reshape(row_shape);
  };
  const torch::Tensor fx = oracle.Values(rows_of(x, n), point_targets);

  // a = I·Phi and Δf = f(x) - f(x - I) of every sample, [N, S].
  torch::Tensor explained = torch::empty({n, samples}, torch::kDouble);
  torch::Tensor change = torch::empty({n, samples}, torch::kDouble);
  // Samples [s0, s1) of points [p0, p1), drawn: [m, k, D]; one Oracle call.
  const auto evaluate = [&](int64_t p0, int64_t p1, int64_t s0, int64_t s1,
                            const torch::Tensor& drawn) {
    const int64_t m = p1 - p0, k = s1 - s0;
    const torch::Tensor displacement =
        removal ? drawn * removed_minus_kept.slice(0, p0, p1).unsqueeze(1) : drawn;
    const torch::Tensor perturbed = x.slice(0, p0, p1).unsqueeze(1) - displacement;
    const torch::Tensor row_targets =
        point_targets.slice(0, p0, p1).view({m, 1}).expand({m, k}).reshape({m * k});
    const torch::Tensor values = oracle.Values(rows_of(perturbed, m * k), row_targets).view({m, k});
    change.slice(0, p0, p1).slice(1, s0, s1).copy_(fx.slice(0, p0, p1).unsqueeze(1) - values);
    explained.slice(0, p0, p1).slice(1, s0, s1).copy_(
        (drawn * phi.slice(0, p0, p1).unsqueeze(1)).sum(2));
  };

  const PerturbationDrawer drawer(options, batch.input_shape);
  const int64_t rows_per_call = std::max<int64_t>(1, options.max_perturbed_elements / d);
  if (samples <= rows_per_call) {
    // Blocks of whole points, their streams drawn in parallel.
    const int64_t points_per_call = std::clamp<int64_t>(rows_per_call / samples, 1, n);
    for (int64_t p0 = 0; p0 < n; p0 += points_per_call) {
      const int64_t p1 = std::min(n, p0 + points_per_call);
      torch::Tensor drawn = torch::empty({p1 - p0, samples, d}, torch::kDouble);
      double* data = drawn.data_ptr<double>();
      ForEachPointStream(p1 - p0, options.seed, options.first_index + p0, Component::kMetric,
                         [&](int64_t i, Generator& rng) {
                           drawer.Draw(rng, samples, data + i * samples * d);
                         });
      evaluate(p0, p1, 0, samples, drawn);
    }
  } else {
    // One point's samples exceed the budget: its stream is read on, block after block.
    for (int64_t i = 0; i < n; ++i) {
      Generator rng(StreamSeed(options.seed, options.first_index + i, Component::kMetric));
      for (int64_t s0 = 0; s0 < samples; s0 += rows_per_call) {
        const int64_t s1 = std::min(samples, s0 + rows_per_call);
        torch::Tensor drawn = torch::empty({1, s1 - s0, d}, torch::kDouble);
        drawer.Draw(rng, s1 - s0, drawn.data_ptr<double>());
        evaluate(i, i + 1, s0, s1, drawn);
      }
    }
  }

  if (options.normalise) {
    const torch::Tensor numerator = (explained * change).sum(1);
    const torch::Tensor denominator = (explained * explained).sum(1);
    const torch::Tensor beta =
        torch::where(denominator > 0, numerator / denominator, torch::zeros_like(numerator));
    explained = explained * beta.unsqueeze(1);
  }
  return (explained - change).pow(2).mean(1);
}

}  // namespace lfa
