"""Shared fixtures of the Python tests (run by CTest as the test `python`, or by hand:
PYTHONPATH=build/python LFA_BINARY=build/lfa /usr/bin/python3 -m pytest python/tests).

heloc: the paper's heloc_ffnnA and its 100 normalised test points, from LFA_DATA_DIR (the tests
that need them skip with a message when it is absent). lfa_binary: the `lfa` program the results
are compared with (LFA_BINARY; skipped when unset)."""

import os
import pathlib

import pytest
import torch


@pytest.fixture(scope="session")
def heloc():
    data_dir = os.environ.get("LFA_DATA_DIR")
    if not data_dir:
        pytest.skip("LFA_DATA_DIR is not set: the paper's heloc_ffnnA and data are needed")
    root = pathlib.Path(data_dir) / "lfa-paper"
    model_path = root / "models" / "heloc_ffnnA.torchscript.pt"
    data_path = root / "clean" / "heloc-clean-test20-normalized-subset.csv"
    if not model_path.exists() or not data_path.exists():
        pytest.skip(f"the paper's data is not under {root} (heloc_ffnnA.torchscript.pt, "
                    "heloc-clean-test20-normalized-subset.csv)")
    lines = data_path.read_text().splitlines()
    rows = [[float(v) for v in line.split(",")] for line in lines[1:] if line]
    points = torch.tensor(rows, dtype=torch.float64)[:, :-1]  # the last column is the target
    return {"model_path": str(model_path), "data_path": str(data_path),
            "model": torch.jit.load(str(model_path)), "points": points}


@pytest.fixture(scope="session")
def lfa_binary():
    binary = os.environ.get("LFA_BINARY")
    if not binary or not os.path.exists(binary):
        pytest.skip("LFA_BINARY is not set to the lfa program (CTest sets it)")
    return binary


class LinearModel(torch.nn.Module):
    """f(x) = x W^T + c in float64: every method's result is known in closed form."""

    def __init__(self, weights, bias):
        super().__init__()
        self.linear = torch.nn.Linear(weights.shape[1], weights.shape[0]).double()
        with torch.no_grad():
            self.linear.weight.copy_(weights)
            self.linear.bias.copy_(bias)

    def forward(self, x):
        return self.linear(x)


@pytest.fixture
def linear():
    """A two-output linear model on 5 features and 7 points."""
    generator = torch.Generator().manual_seed(3)
    weights = torch.randn(2, 5, generator=generator, dtype=torch.float64)
    bias = torch.tensor([0.5, -0.25], dtype=torch.float64)
    points = torch.rand(7, 5, generator=generator, dtype=torch.float64) + 0.5
    return LinearModel(weights, bias).eval(), weights, points
