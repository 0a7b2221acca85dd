"""`cmake --install build --component python` installs a working package: imported from the
installation alone (not the build tree), it explains a model."""

import os
import pathlib
import subprocess
import sys

import pytest


def test_cmake_install_gives_an_importable_package(tmp_path):
    build, cmake = os.environ.get("LFA_BUILD_DIR"), os.environ.get("LFA_CMAKE")
    if not build or not cmake:
        pytest.skip("LFA_BUILD_DIR and LFA_CMAKE are not set (CTest sets them)")
    subprocess.run([cmake, "--install", build, "--component", "python", "--prefix", str(tmp_path)],
                   check=True, capture_output=True, text=True)
    packages = [p.parent for p in tmp_path.glob("lib/python3*/*-packages/lfa/__init__.py")]
    assert len(packages) == 1, list(tmp_path.rglob("*"))
    installed = packages[0]
    assert list(installed.glob("_lfa*.so")) and (installed / "__init__.pyi").exists()
    assert (installed / "py.typed").exists()
    script = ("import torch, lfa; print(lfa.__file__); "
              "m = torch.nn.Linear(3, 1).double().eval(); x = torch.rand(4, 3, dtype=torch.float64); "
              "e = lfa.explain(m, x, explainer='gradient'); "
              "print(float((e.attributions - m.weight.detach()).abs().max()))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(installed.parent)
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                            text=True, env=env, cwd=tmp_path)
    location, error = result.stdout.split()
    assert pathlib.Path(location).parent == installed
    assert float(error) < 1e-12
