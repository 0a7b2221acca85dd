"""lfa.explain gives the numbers `lfa explain` writes, for the same model, points and seed.

The command line prints every value with %.10g; the Python values, printed the same way, must
read back as the same numbers (NaN as NaN) for every column: the attributions, intercept, loss
and r2 (the methods that fit) of all 100 points. Equality to the last printed digit holds because both run the same C++
(one Explain over all points here, 256-point steps there: every point has its own random
stream, so the batching of points does not change a result). Both use the same rows per model
call: the automatic choice measures the model's memory per row, which differs between a model file
and the same module in memory, and the last bits of a model's outputs may depend on the size of
the batch it is called with (the BLAS kernels' blocking)."""

import csv
import math
import subprocess

import pytest
import torch

import lfa

BATCH_ROWS = 10000  # rows per model call, in both front ends

CASES = [
    # (explainer, implementation, seed, extra CLI flags, extra Python options)
    ("kernelshap", "lfa", 0, [], {}),
    ("lime", "lfa", 3, ["--kernel-width", "0.75"], {"kernel_width": 0.75}),
    ("smoothgrad", "lfa", 1, ["--sigma", "0.05"], {"sigma": 0.05}),
    ("integrated_gradients", "lfa", 2, ["--baseline", "0.5"], {"baselines": 0.5}),
    ("occlusion", "lfa", 0, [], {}),
    ("kernelshap", "classic", 5, [], {}),
    ("vargrad", "lfa", 4, [], {}),  # an image method on rows: 25 noisy copies by default
]


def run_cli(lfa_binary, heloc, tmp_path, explainer, implementation, seed, flags):
    out = tmp_path / f"{explainer}_{implementation}.csv"
    subprocess.run(
        [lfa_binary, "explain", "--model", heloc["model_path"], "--data", heloc["data_path"],
         "--label-column", "last", "--explainer", explainer, "--implementation", implementation,
         "--seed", str(seed), "--batch-size", str(BATCH_ROWS), "--out", str(out), *flags],
        check=True, capture_output=True, text=True)
    with open(out, newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [[float(v) for v in row] for row in rows[1:]]


def printed(value):
    """A value as the CLI's CSV prints it (%.10g), read back."""
    return float("%.10g" % value)


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize("explainer,implementation,seed,flags,options", CASES)
def test_python_equals_the_command_line(lfa_binary, heloc, tmp_path, explainer, implementation,
                                        seed, flags, options):
    header, cli_rows = run_cli(lfa_binary, heloc, tmp_path, explainer, implementation, seed, flags)
    e = lfa.explain(heloc["model"], heloc["points"], explainer=explainer,
                    implementation=implementation, seed=seed, batch_size=BATCH_ROWS, **options)
    # The CSV: one column per feature, then intercept, loss and r2 for the methods that fit (the
    # image methods fit nothing and have none), then the row index.
    fitted = [name for name in ("intercept", "loss", "r2") if name in header]
    assert header[-1] == "row" and len(header) == e.attributions.shape[1] + len(fitted) + 1
    assert fitted == ([] if explainer == "vargrad" else ["intercept", "loss", "r2"])
    python_rows = torch.cat([e.attributions] + [getattr(e, name)[:, None] for name in fitted],
                            dim=1).tolist()
    assert len(python_rows) == len(cli_rows) == 100
    assert all(len(cli) == len(py) + 1 for cli, py in zip(cli_rows, python_rows))
    mismatches = [(i, header[j], cli[j], py[j])
                  for i, (cli, py) in enumerate(zip(cli_rows, python_rows))
                  for j in range(len(py)) if not same(cli[j], printed(py[j]))]
    assert mismatches == [], f"{len(mismatches)} value(s) differ, first: {mismatches[:3]}"
    assert [row[-1] for row in cli_rows] == list(range(100))
