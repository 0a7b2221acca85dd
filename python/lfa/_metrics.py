"""The metrics: LFA loss over any neighbourhood, perturbation tests, PGI/PGU, deletion and
insertion, infidelity, localisation and distances. Arguments follow lfa.explain: `model` and
`inputs` as there, `target` as in Captum, and attributions as an lfa.Explanation or a tensor."""

from collections.abc import Mapping

import torch

from . import _arguments, _explain, _lfa


def _evaluation(neighbourhood, samples):
    if isinstance(neighbourhood, str):
        return _explain.recipe(neighbourhood, samples=samples)._core
    if isinstance(neighbourhood, dict):
        return _explain.compose(neighbourhood)._core
    if isinstance(neighbourhood, _explain.Explainer):
        return neighbourhood._core
    raise TypeError(
        "neighbourhood must be a method name, a spec dict or an lfa.Explainer, got "
        f"{type(neighbourhood).__name__}")


def _explanation(value, inputs, multiplicative, baselines, groups):
    if isinstance(value, _lfa.Explanation):
        if multiplicative is not None or baselines is not None or groups is not None:
            raise ValueError(
                "multiplicative, baselines and groups describe attributions given as a tensor; "
                "an lfa.Explanation states its own")
        return value
    if not isinstance(value, torch.Tensor):
        raise TypeError(
            f"attributions must be an lfa.Explanation or a torch.Tensor, got {type(value).__name__}")
    return _lfa.explanation_from_tensor(
        value, list(inputs.shape[1:]), multiplicative=multiplicative,
        baseline=_arguments.baseline(baselines, inputs), groups=_arguments.groups(groups, inputs))


def lfa_losses(model, inputs, explanations, neighbourhood="kernelshap", target=None, samples=1000,
               seed=0, multiplicative=None, baselines=None, groups=None, refit_unstated=True,
               device=None, batch_size=None):
    """LFA loss of several explanations over one neighbourhood, querying the model once.

    explanations: a dict name -> explanation (returns a dict of [N] tensors) or a list (returns a
    list); each an lfa.Explanation or a tensor described by multiplicative / baselines / groups.
    See lfa.lfa_loss for the other arguments. The no-free-lunch matrix is one call per column:

        losses = {z: lfa.lfa_losses(model, x, explanations, neighbourhood=z) for z in lfa.METHODS}
    """
    inputs = _arguments.points(inputs)
    names = list(explanations) if isinstance(explanations, Mapping) else None
    values = [explanations[n] for n in names] if names is not None else list(explanations)
    core = [_explanation(v, inputs, multiplicative, baselines, groups) for v in values]
    losses = _lfa.lfa_losses(
        _arguments.as_model(model, inputs), inputs, core, _evaluation(neighbourhood, samples),
        targets=_arguments.targets(target), seed=seed, refit_unstated=refit_unstated,
        device=device, batch_size=batch_size)
    return dict(zip(names, losses)) if names is not None else losses


def lfa_loss(model, inputs, attributions, neighbourhood="kernelshap", target=None, samples=1000,
             seed=0, multiplicative=None, baselines=None, groups=None, refit_unstated=True,
             device=None, batch_size=None):
    """The faithfulness of an explanation over a neighbourhood: its LFA loss, per point [N].

    An explanation states an affine local model g(x') = c + s.(x' - x) with input-space slope
    s = a (additive attributions: gradient, smoothgrad, clime) or s = a / (x - b) (multiplicative:
    lime, kernelshap, occlusion, integrated_gradients, gradient_x_input). Its loss over the
    neighbourhood Z' and loss l' of `neighbourhood` is the empirical loss of g on `samples` fresh
    draws of Z' (seeded by `seed`), with the intercept fitted when Z''s surrogate has one. On a
    linear model every method scores 0; in general no method is best over every neighbourhood.

    attributions: an lfa.Explanation (which knows its meaning), or a tensor [N, *input_shape]
        ([N, G] with groups) with multiplicative=True/False and its baselines (a number).
    neighbourhood: a method name (its LFA composition's neighbourhood and loss), a spec dict or
        an lfa.Explainer composition.
    refit_unstated: slopes a multiplicative explanation cannot state (x_i at its baseline) take
        their best value (True, the paper's convention) or 0 (False).
    """
    return lfa_losses(model, inputs, [attributions], neighbourhood, target, samples, seed,
                      multiplicative, baselines, groups, refit_unstated, device, batch_size)[0]


def perturbation_test(model, inputs, attributions, ranking="topk", perturbation="binary", k=1,
                      target=None, sigma=0.1, draws=100, baselines=None, groups=None, seed=0,
                      curve=False, device=None, batch_size=None):
    """The paper's perturbation test: |f(x) - f(x')| after perturbing k ranked features.

    ranking: "topk" (largest |attribution| first), "bottomk" or "non_topk" (all but the top k);
    ties go to the lower feature index. perturbation: "binary" (set to `baselines`, a number or
    a tensor shaped like one input) or "continuous" (add N(0, sigma^2) noise, `draws` draws per
    point). groups: the feature groups the attributions refer to (an lfa.Explanation over groups
    brings its own). Returns an lfa.MetricSummary (per_point, mean, sem) for k, or with
    curve=True an lfa.PerturbationCurve for k = 1..k (shared noise: paired across k).
    """
    inputs = _arguments.points(inputs)
    values, feature_groups = _arguments.attributions(attributions, inputs, groups)
    return _lfa.perturbation_test(
        _arguments.as_model(model, inputs), inputs, values, targets=_arguments.targets(target),
        ranking=ranking, perturbation=perturbation, k=k, sigma=sigma, draws=draws,
        baseline=_arguments.baseline(baselines, inputs), groups=feature_groups, seed=seed,
        curve=curve, device=device, batch_size=batch_size)


def _prediction_gap(kind, model, inputs, attributions, k, target, sigma, draws, groups, seed,
                    curve, device, batch_size):
    inputs = _arguments.points(inputs)
    values, feature_groups = _arguments.attributions(attributions, inputs, groups)
    return _lfa.prediction_gap(
        kind, _arguments.as_model(model, inputs), inputs, values,
        targets=_arguments.targets(target), k=k, sigma=sigma, draws=draws, groups=feature_groups,
        seed=seed, curve=curve, device=device, batch_size=batch_size)


def pgi(model, inputs, attributions, k=1, target=None, sigma=0.1, draws=100, groups=None, seed=0,
        curve=False, device=None, batch_size=None):
    """OpenXAI's Prediction Gap on Important features: E|f(x) - f(x')| with N(0, sigma^2) noise on
    the top-k features (higher is better). curve=True: k = 1..k, whose .area is OpenXAI's
    area-under-k variant. Returns an lfa.MetricSummary or lfa.PerturbationCurve."""
    return _prediction_gap("pgi", model, inputs, attributions, k, target, sigma, draws, groups,
                           seed, curve, device, batch_size)


def pgu(model, inputs, attributions, k=1, target=None, sigma=0.1, draws=100, groups=None, seed=0,
        curve=False, device=None, batch_size=None):
    """OpenXAI's Prediction Gap on Unimportant features: noise on every feature outside the top k
    (lower is better). Arguments and result as lfa.pgi."""
    return _prediction_gap("pgu", model, inputs, attributions, k, target, sigma, draws, groups,
                           seed, curve, device, batch_size)


def _curve(kind, model, inputs, maps, target, pixels_per_step, baselines, device, batch_size):
    inputs = _arguments.points(inputs)
    return _lfa.deletion_curve(
        kind, _arguments.as_model(model, inputs), inputs, _arguments.maps(maps),
        targets=_arguments.targets(target), pixels_per_step=pixels_per_step,
        baseline=_arguments.image_baseline(baselines), device=device, batch_size=batch_size)


def deletion(model, inputs, maps, target=None, pixels_per_step=None, baselines=0.0, device=None,
             batch_size=None):
    """RISE's deletion curve: images [N, C, H, W] lose their highest-ranked pixels first (all
    channels of a pixel together), `pixels_per_step` at a time (default ceil(H W / 50)), to
    `baselines` (a number, "blur:S" or a mean image). Lower AUC is better. maps: [N, H, W],
    [N, C, H, W] (summed over channels) or an lfa.Explanation. Returns an lfa.DeletionResult
    (auc [N], curves [N, T + 1], fractions [T + 1])."""
    return _curve("deletion", model, inputs, maps, target, pixels_per_step, baselines, device,
                  batch_size)


def insertion(model, inputs, maps, target=None, pixels_per_step=None, baselines=0.0, device=None,
              batch_size=None):
    """RISE's insertion curve: from `baselines` (RISE uses "blur:5"), the highest-ranked pixels of
    each image come back first. Higher AUC is better. Arguments and result as lfa.deletion."""
    return _curve("insertion", model, inputs, maps, target, pixels_per_step, baselines, device,
                  batch_size)


def infidelity(model, inputs, attributions, target=None, perturbation="gaussian", sigma=0.1,
               patch_size=4, removal_probability=0.5, baselines=0.0, samples=100, normalise=True,
               seed=0, device=None, batch_size=None):
    """Infidelity (Yeh et al. 2019): E[(I.Phi - (f(x) - f(x - I)))^2] per point, [N].

    perturbation: "gaussian" (I ~ N(0, sigma^2), any shape), "square" (a random patch_size square
    set to `baselines`) or "subset" (each pixel removed with removal_probability); images
    [N, C, H, W] for the last two. normalise: rescale Phi by the optimal scale first (Captum's
    normalize=True), so maps of different scales compare fairly."""
    inputs = _arguments.points(inputs)
    return _lfa.infidelity(
        _arguments.as_model(model, inputs), inputs, _arguments.maps(attributions),
        targets=_arguments.targets(target), perturbation=perturbation, sigma=sigma,
        patch_size=patch_size, removal_probability=removal_probability,
        baseline=_arguments.image_baseline(baselines), samples=samples, normalise=normalise,
        seed=seed, device=device, batch_size=batch_size)


def _localisation(score, maps, masks, absolute, smoothing_sigma, keep_top_fraction):
    return score(_arguments.maps(maps), masks, absolute=absolute, smoothing_sigma=smoothing_sigma,
                 keep_top_fraction=keep_top_fraction)


def relevance_mass_accuracy(maps, masks, absolute=True, smoothing_sigma=0.0, keep_top_fraction=0.0):
    """sum of relevance on the mask / total relevance, per image [N] (Arras et al. 2022).

    maps [N, H, W] or [N, C, H, W] (summed over C after |.|) or an lfa.Explanation; masks bool
    [N, H, W] or [H, W]. Preprocessing: absolute value, Gaussian smoothing (pixels), keeping the
    top fraction of pixels. Ties count by their expectation: a constant map scores |M| / P."""
    return _localisation(_lfa.relevance_mass_accuracy, maps, masks, absolute, smoothing_sigma,
                         keep_top_fraction)


def relevance_rank_accuracy(maps, masks, absolute=True, smoothing_sigma=0.0, keep_top_fraction=0.0):
    """|top-K(R) on the mask| / K with K = |M|, per image [N]; arguments as
    lfa.relevance_mass_accuracy."""
    return _localisation(_lfa.relevance_rank_accuracy, maps, masks, absolute, smoothing_sigma,
                         keep_top_fraction)


def pointing_game(maps, masks, absolute=True, smoothing_sigma=0.0, keep_top_fraction=0.0):
    """1 when the map's maximum lies on the mask (tied maxima: the fraction on it), per image [N];
    arguments as lfa.relevance_mass_accuracy."""
    return _localisation(_lfa.pointing_game, maps, masks, absolute, smoothing_sigma,
                         keep_top_fraction)


def localisation_scores(maps, masks, absolute=True, smoothing_sigma=0.0, keep_top_fraction=0.0):
    """The three localisation scores from one preprocessing: an lfa.LocalisationScores with mass,
    rank and pointing, each [N]."""
    return _localisation(_lfa.localisation_scores, maps, masks, absolute, smoothing_sigma,
                         keep_top_fraction)


def _flat(value, what):
    tensor = _arguments.maps(value) if isinstance(value, _lfa.Explanation) else value
    if not isinstance(tensor, torch.Tensor) or tensor.dim() < 1:
        raise TypeError(f"{what} must be an lfa.Explanation or a tensor [N, ...]")
    return tensor.detach().reshape(tensor.shape[0], -1).double().cpu()


def l1_distance(a, b):
    """sum_j |a_j - b_j| per point [N] (the paper's "mean L1" is its mean)."""
    return _lfa.l1_distance(_flat(a, "a"), _flat(b, "b"))


def cosine_distance(a, b):
    """1 - a.b / (|a| |b|) per point [N]: 0 parallel, 2 opposite, 1 for a zero vector."""
    return _lfa.cosine_distance(_flat(a, "a"), _flat(b, "b"))
