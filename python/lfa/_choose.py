"""lfa.choose: which explanation should I choose? `lfa choose` on a PyTorch model and points."""

import json
import os

from . import _arguments, _lfa


def _compositions(value, argument, names_allowed):
    """[GivenComposition] from one or a list of: names (neighbourhoods only), spec dicts, paths of
    JSON spec files. Each remembers where it came from (argument[k]) to label a nameless spec."""
    if value is None:
        raise TypeError(f"{argument} must be a name, a spec dict, a .json path or a list of "
                        "them, got None")
    items = [value] if isinstance(value, (str, dict, os.PathLike)) else list(value)
    given = []
    for k, item in enumerate(items):
        source = f"{argument}[{k}]"
        if isinstance(item, dict):
            try:
                text = json.dumps(item, allow_nan=False)
            except (TypeError, ValueError) as error:
                raise ValueError(f"{source} is not JSON: {error}") from error
        elif isinstance(item, (str, os.PathLike)):
            text = os.fspath(item)
            if not names_allowed and not text.endswith(".json"):
                raise ValueError(f"{source} must be a spec dict or the path of a .json spec "
                                 f"file, got {text!r}")
            if text.startswith("{"):
                raise ValueError(f"{source}: pass a spec as a dict, not as JSON text: {text!r}")
        else:
            raise TypeError(f"{source} must be a name, a spec dict or a .json path, got "
                            f"{type(item).__name__}")
        given.append(_lfa.GivenComposition(text, source))
    return given


def _candidate_list(candidates):
    if isinstance(candidates, str):
        return candidates
    names = list(candidates)
    if not all(isinstance(name, str) for name in names):
        raise TypeError(f"candidates must be a string or a list of names, got {candidates!r}")
    return ",".join(names)


def choose(model, inputs, neighbourhoods, candidates="all", specs=(), profile=None,
           samples=1000, evaluation_samples=1000, seed=0, level=0.95, target=None, device=None,
           batch_size=None, out=None):
    """Which explanation should I choose? Every candidate's LFA loss over each neighbourhood of
    interest, ranked, with a verdict; the binding of `lfa choose` (docs/choose.md), whose options
    these are, with its defaults. Returns an lfa.ChooseResult.

    model: as lfa.explain (a ScriptModule, an nn.Module, a TorchScript path or an lfa.Model).
    inputs: tensor [N, *input_shape], N >= 2 (tabular rows or images); point i draws the random
        streams of row i of `lfa choose --rows 0:N --seed seed`.
    neighbourhoods: the neighbourhoods of interest (one or a list; --neighbourhood): a name with
        parameters ("smoothgrad:sigma=0.2", "lime:patch=2,kernel_width=4"), a spec dict
        (neighbourhood, loss, surrogate; as lfa.compose) or the path of a .json spec file.
    candidates: "all" (every explainer that applies), "lfa", "classic", "image", or names
        ("lime,lime_classic" or a list of them) (--candidates).
    specs: compositions added as candidates: spec dicts or .json paths (--spec).
    profile: sweep one width, e.g. "sigma:0.01..1:8", "patch:2,4,7", "length:0.2..1:5"
        (--profile); None: no sweep.
    samples: perturbations per point of the compositions (--samples).
    evaluation_samples: fresh samples per point of every loss (--evaluation-samples).
    seed: random seed (--seed). level: confidence level of the intervals, in (0, 1) (--level).
    target: the explained output (--output-index): None for output 0 of a one-output model and
        each point's predicted class otherwise; an int; or one int per point.
    device: where the model runs; None: the device of `inputs`.
    batch_size: rows per model call; None: sized from a byte budget (the Oracle's default).
    out: a directory to also write the command's files (choose.csv, report.md, PNGs); None:
        nothing is written.

    The result holds .neighbourhoods (one lfa.NeighbourhoodChoice each, profiles expanded: the
    ranked .scores with mean, sem, relative, to_best, win_share, rank; .verdict, .chosen,
    .best), .recommendation ({neighbourhood: chosen candidates}), .profiles and .answer (the
    paragraph `lfa choose` prints). Bad arguments raise ValueError.

        r = lfa.choose(model, x, "smoothgrad:sigma=0.2", candidates="lfa")
        r.neighbourhoods[0].chosen        # e.g. ['smoothgrad', 'clime']
    """
    inputs = _arguments.points(inputs)
    if isinstance(profile, str) and not profile:
        raise ValueError("profile must be a sweep such as 'sigma:0.01..1:8', or None")
    if out is not None:
        out = os.fspath(out)
        if os.path.exists(out) and not os.path.isdir(out):
            raise ValueError(f"out '{out}' exists and is not a directory")
    return _lfa.choose(
        _arguments.as_model(model, inputs), inputs, _arguments.targets(target),
        _compositions(neighbourhoods, "neighbourhoods", names_allowed=True),
        _candidate_list(candidates), _compositions(specs, "specs", names_allowed=False),
        profile or "", samples, evaluation_samples, seed, level, device, batch_size, out or "")
