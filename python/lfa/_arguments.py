"""From the Python values users pass to the types lfa's C++ core takes.

Every public function of lfa accepts Captum-style arguments (a model, `inputs` with the points
along the first dimension, `target`, `baselines`, a feature mask) and the command line's spellings
("patch:4", "mean", "blur:5"); this module turns them into lfa._lfa objects, and raises with a
message that names the argument and the value it got. Nothing here copies the inputs.
"""

import math
import numbers
import os

import torch

from . import _lfa


def as_model(model, example_inputs=None):
    """The model as an lfa.Model, the type every lfa function queries.

    model: an lfa.Model (returned as it is); a torch.jit.ScriptModule (wrapped without a copy when
    it is in eval mode on the right device); a torch.nn.Module, compiled with torch.jit.script or,
    when that fails, traced with torch.jit.trace on the first point of `example_inputs` (in eval
    mode); or the path of a TorchScript file. Converting once and passing the lfa.Model to several
    calls saves scripting the module at each call.
    """
    if isinstance(model, _lfa.Model):
        return model
    if isinstance(model, (str, os.PathLike)):
        return _lfa.Model.load(os.fspath(model))
    if isinstance(model, torch.jit.ScriptModule):
        return _lfa.Model.from_script_module(model._c, _describe(model))
    if isinstance(model, torch.nn.Module):
        return _lfa.Model.from_script_module(_compile(model, example_inputs)._c, _describe(model))
    raise TypeError(
        "model must be a torch.jit.ScriptModule, a torch.nn.Module, the path of a TorchScript "
        f"file or an lfa.Model, got {type(model).__name__}")


def _describe(module):
    name = getattr(module, "original_name", None) or type(module).__name__
    return f"{type(module).__name__} {name}" if name != type(module).__name__ else name


def _first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _compile(module, example_inputs):
    """torch.jit.script(module), else torch.jit.trace on one example point, else a ValueError."""
    try:
        return torch.jit.script(module)
    except Exception as script_error:  # noqa: BLE001 (any failure of the compiler)
        script_reason = _first_line(script_error)
    if example_inputs is None:
        raise ValueError(
            f"model {type(module).__name__}: torch.jit.script cannot compile it ({script_reason}) "
            "and there are no example inputs to trace it with")
    example = example_inputs[:1]
    parameter = next(module.parameters(), None)
    if parameter is not None:
        example = example.to(parameter.device, parameter.dtype)
    was_training = module.training
    module.eval()  # trace what is explained: dropout and batch-norm as in eval mode
    try:
        with torch.no_grad():
            return torch.jit.trace(module, example)
    except Exception as trace_error:  # noqa: BLE001
        raise ValueError(
            f"model {type(module).__name__}: torch.jit.script cannot compile it ({script_reason}) "
            f"and torch.jit.trace cannot trace it on inputs of shape {list(example.shape)} "
            f"({_first_line(trace_error)}); pass a torch.jit.ScriptModule") from trace_error
    finally:
        module.train(was_training)


def points(inputs):
    """`inputs` as a tensor (a tensor is passed on as it is: no copy)."""
    if isinstance(inputs, torch.Tensor):
        return inputs
    raise TypeError(
        f"inputs must be a torch.Tensor [N, *input_shape], got {type(inputs).__name__}")


def targets(target):
    """None, or an int64 tensor: one output for every point (0-d) or one per point (1-d)."""
    if target is None or isinstance(target, torch.Tensor):
        return target
    if isinstance(target, bool):
        raise ValueError(f"target must be an integer or one integer per point, got {target!r}")
    if isinstance(target, numbers.Integral):
        return torch.tensor(int(target), dtype=torch.int64)
    if isinstance(target, (list, tuple)):
        if not all(isinstance(t, numbers.Integral) and not isinstance(t, bool) for t in target):
            raise ValueError(f"target must be an integer or one integer per point, got {target!r}")
        return torch.tensor([int(t) for t in target], dtype=torch.int64)
    raise ValueError(
        f"target must be None, an integer, a list or a tensor of integers, got {type(target).__name__}")


def baseline(value, inputs, what="baselines"):
    """lfa.Baseline from None (0), a number, 'mean', 'blur:S', or a tensor shaped like one input.

    inputs: the points explained, or None before there are any (then 'mean' is an error and a
    tensor is taken as one point)."""
    if value is None:
        return _lfa.Baseline(0.0)
    if isinstance(value, _lfa.Baseline):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _lfa.Baseline(float(value))
    if isinstance(value, str):
        if value == "mean":
            if inputs is None:
                raise ValueError(f"{what}='mean' needs the inputs whose mean it is")
            return _lfa.Baseline(inputs.detach().reshape(inputs.shape[0], -1).double().mean(0).cpu())
        if value.startswith("blur:"):
            return _lfa.Baseline.blur(_positive_number(value[5:], what, value))
    elif isinstance(value, (torch.Tensor, list, tuple)):
        tensor = torch.as_tensor(value)
        if tensor.numel() == 1:
            return _lfa.Baseline(float(tensor))
        return _lfa.Baseline(_one_point(tensor, inputs, what))
    raise ValueError(
        f"{what} must be a number, 'mean', 'blur:S', a tensor shaped like one input, or None, "
        f"got {value!r}")


def _one_point(values, inputs, what):
    """One value per input element, [D] float64, from one point or N equal points (inputs None:
    `values` is taken as one point)."""
    values = values.detach()
    if inputs is None:
        return values.reshape(-1).double().cpu()
    one = inputs.shape[1:]
    if values.shape == inputs.shape and inputs.shape[0] > 1:
        if not bool((values == values[:1]).all()):
            raise ValueError(
                f"{what} with a different row per point are not supported: give one baseline "
                f"shaped like a single input {list(one)} (it is shared by every point)")
        values = values[0]
    elif values.shape == inputs.shape:
        values = values[0]
    if values.numel() != math.prod(one):
        raise ValueError(
            f"{what} has shape {list(values.shape)}; expected one value per input element, "
            f"shaped like one input {list(one)}")
    return values.reshape(-1).double().cpu()


def _positive_number(text, what, value):
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not number > 0 or not math.isfinite(number):
        raise ValueError(f"{what} 'blur:S' needs a positive blur sigma S in pixels, got {value!r}")
    return number


def groups(value, inputs):
    """lfa.FeatureGroups from None, 'patch:P', or a Captum feature mask (ids shaped like one input).

    A feature mask's ids need not be 0..G-1: they are ranked, so group g is the g-th smallest id.
    """
    if value is None:
        return _lfa.FeatureGroups()
    if isinstance(value, _lfa.FeatureGroups):
        return value
    if isinstance(value, str):
        if not value.startswith("patch:"):
            raise ValueError(
                f"groups must be 'patch:P' (square patches of P x P pixels), a feature mask or "
                f"None, got {value!r}")
        size = value[len("patch:"):]
        if not size.isdigit() or int(size) < 1:
            raise ValueError(f"groups 'patch:P' needs a positive integer P, got {value!r}")
        return _lfa.FeatureGroups.patches(int(size))
    if isinstance(value, (torch.Tensor, list, tuple)):
        mask = torch.as_tensor(value)
        if mask.is_floating_point() or mask.dtype == torch.bool:
            raise ValueError(f"groups: a feature mask holds integer ids, got dtype {mask.dtype}")
        one = inputs.shape[1:] if inputs is not None else mask.shape
        if mask.shape == one or mask.shape == (1, *one) or mask.numel() == math.prod(one):
            ranked = torch.unique(mask.reshape(-1), sorted=True, return_inverse=True)[1]
            return _lfa.FeatureGroups.explicit(ranked.tolist())
        raise ValueError(
            f"groups: a feature mask must be shaped like one input {list(one)}, got "
            f"{list(mask.shape)}")
    raise ValueError(f"groups must be 'patch:P', a feature mask or None, got {value!r}")


def image_baseline(value, what="baselines"):
    """lfa.ImageBaseline from a number (constant), 'blur:S', or a mean image ([C] or [C, H, W])."""
    if value is None:
        return _lfa.ImageBaseline()
    if isinstance(value, _lfa.ImageBaseline):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _lfa.ImageBaseline("constant", value=float(value))
    if isinstance(value, str) and value.startswith("blur:"):
        return _lfa.ImageBaseline("blur", sigma=_positive_number(value[5:], what, value))
    if isinstance(value, torch.Tensor):
        return _lfa.ImageBaseline("mean", mean=value.detach().double().cpu())
    raise ValueError(
        f"{what} must be a number, 'blur:S' or a mean image tensor ([C] or [C, H, W]), got "
        f"{value!r}")


def attributions(value, inputs, given_groups):
    """(attributions tensor, FeatureGroups) for a metric, from an Explanation or a tensor."""
    if isinstance(value, _lfa.Explanation):
        if value.grouped and given_groups is None:
            return value.feature_attributions, value.groups
        return value.attributions, groups(given_groups, inputs)
    if isinstance(value, torch.Tensor):
        return value, groups(given_groups, inputs)
    raise TypeError(
        f"attributions must be an lfa.Explanation or a torch.Tensor, got {type(value).__name__}")


def maps(value):
    """A tensor of maps from an Explanation (its per-element attributions) or a tensor."""
    if isinstance(value, _lfa.Explanation):
        return value.attributions
    if isinstance(value, torch.Tensor):
        return value
    raise TypeError(f"maps must be an lfa.Explanation or a torch.Tensor, got {type(value).__name__}")
