"""Bad input raises ValueError with the message the command line prints (without its
"lfa: error: " prefix), and Python-only mistakes name the argument and the value."""

import json
import subprocess

import pytest
import torch

import lfa


def cli_error(lfa_binary, heloc, tmp_path, *flags):
    """The one line `lfa explain` prints for these flags, without the prefix."""
    result = subprocess.run(
        [lfa_binary, "explain", "--model", heloc["model_path"], "--data", heloc["data_path"],
         "--label-column", "last", "--out", str(tmp_path / "never.csv"), *flags],
        capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lfa: error: "), result.stderr
    assert not (tmp_path / "never.csv").exists()
    return lines[0][len("lfa: error: "):]


def python_error(call):
    with pytest.raises(ValueError) as error:
        call()
    return str(error.value)


def test_unknown_explainer(lfa_binary, heloc, tmp_path):
    expected = cli_error(lfa_binary, heloc, tmp_path, "--explainer", "shapley")
    assert expected.startswith("unknown explainer 'shapley' (recipes: lime, kernelshap")
    assert python_error(lambda: lfa.explain(heloc["model"], heloc["points"],
                                            explainer="shapley")) == expected


def test_unknown_implementation(lfa_binary, heloc, tmp_path):
    expected = cli_error(lfa_binary, heloc, tmp_path, "--explainer", "lime",
                         "--implementation", "captum")
    assert python_error(lambda: lfa.explain(heloc["model"], heloc["points"], explainer="lime",
                                            implementation="captum")) == expected


def test_window_on_the_lfa_occlusion(lfa_binary, heloc, tmp_path):
    expected = cli_error(lfa_binary, heloc, tmp_path, "--explainer", "occlusion",
                         "--window", "2,2")
    assert "sliding_window is an option of the classic occlusion" in expected
    assert python_error(lambda: lfa.explain(heloc["model"], heloc["points"],
                                            explainer="occlusion",
                                            sliding_window=[2, 2])) == expected


@pytest.mark.parametrize("spec", [
    {"neighbourhood": {"type": "gaussian", "sigma": 0.1, "sigmaa": 2}},
    {"neighbourhood": {"type": "gaussain"}},
    {"neighbourhood": {"type": "gaussian"}, "surrogate": {"type": "linear", "intercept": 3}},
    {"loss": {"type": "squared"}},
])
def test_spec_errors(lfa_binary, heloc, tmp_path, spec):
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec))
    expected = cli_error(lfa_binary, heloc, tmp_path, "--spec", str(spec_file))
    assert python_error(lambda: lfa.compose(spec)) == expected
    assert python_error(lambda: lfa.explain(heloc["model"], heloc["points"],
                                            explainer=spec)) == expected


def test_sigma_and_noise_fraction_together(heloc):
    message = python_error(lambda: lfa.explain(heloc["model"], heloc["points"],
                                               explainer="smoothgrad", sigma=0.1,
                                               noise_fraction=0.2))
    assert message == ("give sigma (absolute noise) or noise_fraction (of each point's range), "
                       "not both (sigma 0.1, noise_fraction 0.2)")


def test_python_argument_errors(linear):
    model, _, x = linear
    cases = {
        "inputs must be [N, *input_shape] with the points along the first dimension, got shape "
        "[5] (one point x: pass x.unsqueeze(0))": lambda: lfa.explain(model, x[0], target=0),
        "inputs have shape [7, 4] (4 element(s) per point) but model 'LinearModel' expects 5 "
        "input(s) per point": lambda: lfa.explain(model, x[:, :4], target=0),
        "batch_size must be > 0, got 0": lambda: lfa.explain(model, x, target=0, batch_size=0),
        "target=None needs a model with one output; this model has 2 outputs: give target=K "
        "(the same output for every point) or one target per point": lambda: lfa.explain(model, x),
        "target 2 is out of range: the model has 2 output(s)":
            lambda: lfa.explain(model, x, target=2),
        "target -1 is out of range: the model has 2 output(s)":
            lambda: lfa.explain(model, x, target=[0, 1, 0, 1, -1, 0, 0]),
        "target must be one integer or one per point (7), got shape [3]":
            lambda: lfa.explain(model, x, target=[0, 1, 0]),
        "samples must be > 0, got 0": lambda: lfa.explain(model, x, target=0, samples=0),
        "unknown option 'sigmaa' for explainer 'smoothgrad' (known: kernel_width, layer, "
        "noise_fraction, sigma, sliding_window, strides)":
            lambda: lfa.explain(model, x, explainer="smoothgrad", target=0, sigmaa=0.1),
        "samples configure a named explainer; a spec or lfa.Explainer carries its own (set them "
        "in the spec)": lambda: lfa.explain(model, x, explainer=lfa.compose(
            {"neighbourhood": {"type": "gaussian"}}), target=0, samples=10),
        "groups must be 'patch:P' (square patches of P x P pixels), a feature mask or None, got "
        "'tile:2'": lambda: lfa.explain(model, x, target=0, groups="tile:2"),
        "baselines 'blur:S' needs a positive blur sigma S in pixels, got 'blur:-1'":
            lambda: lfa.explain(model, x, target=0, baselines="blur:-1"),
        "device 'gpu' is not a device name (cpu, cuda, cuda:K)":
            lambda: lfa.explain(model, x, target=0, device="gpu"),
    }
    for expected, call in cases.items():
        assert python_error(call) == expected


def test_model_that_can_be_neither_scripted_nor_traced():
    class Opaque(torch.nn.Module):
        def forward(self, x):
            scale = len({1, 2})                  # set literals do not script
            return {"out": x.sum(1) * scale}     # dict outputs do not trace (strict mode)

    with pytest.raises(ValueError, match=r"model Opaque: torch.jit.script cannot compile it .* "
                                         r"and torch.jit.trace cannot trace it .*pass a "
                                         r"torch.jit.ScriptModule"):
        lfa.explain(Opaque(), torch.rand(3, 4))


def test_wrong_types_raise_type_error(linear):
    model, _, x = linear
    with pytest.raises(TypeError, match="model must be a torch.jit.ScriptModule"):
        lfa.explain(lambda t: t, x)
    with pytest.raises(TypeError, match="inputs must be a torch.Tensor"):
        lfa.explain(model, x.tolist(), target=0)
