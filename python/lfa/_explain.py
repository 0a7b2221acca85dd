"""lfa.explain, lfa.compose and lfa.Explainer: explanations of a PyTorch model's outputs."""

import json

from . import _arguments, _lfa


class _DefaultSamples(int):
    """The default sample count, recognisable by identity: a spec brings its own count, and the
    image methods default to 25 noisy copies per image, as in `lfa explain`."""


_SAMPLES = _DefaultSamples(1000)
_RECIPE_OPTIONS = ("kernel_width", "layer", "noise_fraction", "sigma", "sliding_window", "strides")


class Explainer:
    """An explainer: a composition (neighbourhood, loss, surrogate, solver, samples) or a classic
    algorithm. Make one with lfa.compose(spec) or lfa.recipe(name, ...); explain with
    .explain(model, inputs, target=..., seed=...)."""

    def __init__(self, core):
        self._core = core

    @property
    def name(self):
        """The explainer's name (a recipe's method name, a spec's "name", "custom" otherwise)."""
        return self._core.name

    @property
    def spec(self):
        """The composition as a spec dict (the JSON schema of lfa explain --spec); None for a
        classic implementation."""
        return json.loads(self._core.spec) if self._core.spec else None

    def explain(self, model, inputs, target=None, seed=0, device=None, batch_size=None):
        """Explains every point of `inputs` [N, *input_shape]; see lfa.explain for the arguments.

        Point i draws its perturbations from the stream (seed, i), as row i of
        `lfa explain --seed seed` does, so results do not depend on how points are batched.
        """
        inputs = _arguments.points(inputs)
        return _lfa.explain(self._core, _arguments.as_model(model, inputs), inputs,
                            targets=_arguments.targets(target), seed=seed, device=device,
                            batch_size=batch_size)

    def __repr__(self):
        return f"lfa.Explainer({self.name!r})"


def recipe(method="kernelshap", samples=_SAMPLES, implementation="lfa", baselines=None,
           groups=None, inputs=None, **options):
    """A named explainer: one of lfa.METHODS ("lime", "kernelshap", "occlusion", "clime",
    "smoothgrad", "gradient", "integrated_gradients", "gradient_x_input"), as its LFA
    composition (implementation="lfa") or the classic algorithm with Captum's conventions
    (implementation="classic"); or one of lfa.IMAGE_METHODS ("smoothgrad_squared", "vargrad",
    "gradcam", "gradcampp", "smoothgradcampp"), which have one implementation and take only
    samples, noise_fraction and (the CAMs) layer.

    samples: perturbations per point (> 0); the noisy copies per image of the image methods
    (default 1000, and 25 for the image methods, as `lfa explain`). baselines: what a removed feature becomes and where
    the integration path starts: None (0), a number, a tensor shaped like one input, "mean" (the
    mean of `inputs`, which must then be given) or "blur:S" (each image's Gaussian blur, S pixels).
    groups: feature groups of the mask methods: None, "patch:P" or a Captum feature mask (integer
    ids shaped like one input). inputs: the points to be explained, needed only for
    baselines="mean" and to check a tensor baseline or mask against their shape. options: sigma (noise of clime / smoothgrad, default 0.1),
    noise_fraction (that noise relative to each point's range), kernel_width (LIME, default 1),
    sliding_window and strides (classic occlusion, as Captum's Occlusion), layer (the CAMs: one
    of the model's layer_names; default the last spatial layer).
    """
    unknown = sorted(set(options) - set(_RECIPE_OPTIONS))
    if unknown:
        raise ValueError(
            f"unknown option {unknown[0]!r} for explainer {method!r} (known: "
            f"{', '.join(_RECIPE_OPTIONS)})")
    if samples is _SAMPLES and isinstance(method, str):
        samples = _lfa.default_samples(method)
    core = _lfa.make_explainer(
        method, implementation=implementation, samples=int(samples),
        baseline=_arguments.baseline(baselines, inputs), groups=_arguments.groups(groups, inputs),
        **{key: _sequence(key, value) for key, value in options.items()})
    return Explainer(core)


def _sequence(key, value):
    if key in ("sliding_window", "strides"):
        return [int(v) for v in ((value,) if isinstance(value, int) else value)]
    return value


def compose(spec):
    """An explainer composed from a spec dict, with the schema of `lfa explain --spec` files:

        lfa.compose({"neighbourhood": {"type": "gaussian", "sigma": 0.1},
                     "loss": {"type": "gradient_matching"},
                     "surrogate": {"type": "linear", "intercept": False},
                     "samples": 500})

    Neighbourhoods: gaussian, bernoulli_mask, shapley_coalitions, one_hot_removal, scale_path;
    losses: squared, gradient_matching; surrogates: linear, logistic; solvers: auto,
    closed_form, ceres (docs/). Unknown keys and types raise ValueError naming them.
    """
    if not isinstance(spec, dict):
        raise TypeError(f"spec must be a dict, got {type(spec).__name__}")
    try:
        text = json.dumps(spec, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"spec is not JSON: {error}") from error
    return Explainer(_lfa.compose(text))


def explain(model, inputs, explainer="kernelshap", target=None, samples=_SAMPLES, seed=0,
            implementation="lfa", baselines=None, groups=None, device=None, batch_size=None,
            **options):
    """Explains `model` at every point of `inputs`; returns an lfa.Explanation.

    model: a torch.jit.ScriptModule, a torch.nn.Module (scripted, or traced on inputs[:1]), the
        path of a TorchScript file, or an lfa.Model (lfa.as_model). It maps [n, *input_shape] to
        [n, K] (or [n]); rows must not interact (eval mode: lfa explains a copy in eval mode and
        never changes the module).
    inputs: tensor [N, *input_shape], points along the first dimension (tabular rows [N, D],
        images [N, C, H, W]); any real dtype and device. Used in place, not copied.
    explainer: a method name (lfa.METHODS, lfa.IMAGE_METHODS), a spec dict (lfa.compose) or an
        lfa.Explainer.
    target: the output explained, as in Captum: None for a model with one output; an int (the
        same output for every point); a list or int tensor with one output per point.
    samples: perturbations per point (named methods; a spec sets its own "samples"); the image
        methods' noisy copies per image default to 25, as in `lfa explain`.
    seed: random seed; point i uses the stream (seed, i), as row i of `lfa explain --seed`.
    implementation: "lfa" (the composition) or "classic" (the well-known algorithm, Captum's
        conventions).
    baselines: None (0), a number, a tensor shaped like one input, "mean" (of `inputs`) or
        "blur:S" (each image's own Gaussian blur, S pixels): the removed-feature value of the mask
        methods and the start of the integrated-gradients path.
    groups: None, "patch:P" (P x P patches of [C, H, W] images) or a Captum feature mask (integer
        ids shaped like one input): the features the mask methods switch together.
    device: where the model runs ("cpu", "cuda", "cuda:K"); None: the device of `inputs`.
    batch_size: most rows per model call (default None: sized from a byte budget).
    options: sigma, noise_fraction, kernel_width, sliding_window, strides, layer (see
        lfa.recipe).

    The result has attributions [N, *input_shape] (float64, on the inputs' device), intercept,
    loss, r2, ridge [N] and queries (model rows evaluated). Bad arguments raise ValueError with
    the message `lfa explain` prints; Ctrl-C interrupts the call between model batches.

        model = torch.jit.load("heloc_ffnnA.torchscript.pt")
        e = lfa.explain(model, x, explainer="lime", samples=2000, seed=1)
        e.attributions.shape == x.shape
    """
    inputs = _arguments.points(inputs)
    if isinstance(explainer, (dict, Explainer)):
        given = [name for name, value, default in (
            ("samples", samples is not _SAMPLES, False), ("implementation", implementation, "lfa"),
            ("baselines", baselines, None), ("groups", groups, None)) if value != default]
        given += sorted(options)
        if given:
            raise ValueError(
                f"{', '.join(given)} configure a named explainer; a spec or lfa.Explainer "
                "carries its own (set them in the spec)")
        chosen = compose(explainer) if isinstance(explainer, dict) else explainer
    elif isinstance(explainer, str):
        chosen = recipe(explainer, samples=samples, implementation=implementation,
                        baselines=baselines, groups=groups, inputs=inputs, **options)
    else:
        raise TypeError(
            "explainer must be a method name, a spec dict or an lfa.Explainer, got "
            f"{type(explainer).__name__}")
    return chosen.explain(model, inputs, target=target, seed=seed, device=device,
                          batch_size=batch_size)
