"""Overhead of the Python bindings: lfa.explain from Python against the same explanation in C++.

The C++ side is `lfa bench` (experiments/cli/bench_command.h): it times explainer->Explain on the
paper's heloc_ffnnA and its 100 points, 1000 samples, with the model loaded, the explainer built
and the Oracle warm, and reports the median of --repeats runs. The Python side times the whole
user call, lfa.explain(model, x, explainer=method) with model = torch.jit.load(...): wrapping the
module, building the explainer and the Oracle, probing the outputs, explaining, and handing the
tensors back. Both run with the same number of threads; the two sides alternate `--rounds`
times and each keeps its fastest median, so load from other processes on a shared machine
(which only ever slows a run down) affects the comparison as little as possible.

    PYTHONPATH=build/python LFA_DATA_DIR=/path/to/data /usr/bin/python3 python/bench/overhead.py \
        --lfa build/lfa [--repeats 5] [--rounds 2] [--threads 2] [--check 1.1]

Prints one row per method (C++ seconds, Python seconds, ratio) and the ratio of the totals; with
--check R exits 1 when that ratio exceeds R.
"""

import argparse
import csv
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import torch

import lfa


def cpp_medians(lfa_binary, repeats, threads):
    with tempfile.TemporaryDirectory() as directory:
        out = pathlib.Path(directory) / "bench.csv"
        env = dict(os.environ, LFA_NUM_THREADS=str(threads))
        subprocess.run([lfa_binary, "bench", "--samples", "1000", "--repeats", str(repeats),
                        "--out", str(out)], check=True, env=env, stdout=subprocess.DEVNULL)
        with open(out, newline="") as handle:
            return {row["explainer"]: float(row["seconds"]) for row in csv.DictReader(handle)}


def python_medians(model, points, repeats):
    medians = {}
    for method in lfa.METHODS:
        lfa.explain(model, points, explainer=method)  # warm-up, as lfa bench does
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            lfa.explain(model, points, explainer=method)
            times.append(time.perf_counter() - start)
        medians[method] = statistics.median(times)
    return medians


def load_heloc():
    root = pathlib.Path(os.environ["LFA_DATA_DIR"]) / "lfa-paper"
    model = torch.jit.load(str(root / "models" / "heloc_ffnnA.torchscript.pt"))
    lines = (root / "clean" / "heloc-clean-test20-normalized-subset.csv").read_text().splitlines()
    rows = [[float(v) for v in line.split(",")[:-1]] for line in lines[1:] if line]
    return model, torch.tensor(rows, dtype=torch.float64)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lfa", required=True, help="the lfa program (build/lfa)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--check", type=float, default=None,
                        help="exit 1 when Python total / C++ total exceeds this ratio")
    args = parser.parse_args()
    if "LFA_DATA_DIR" not in os.environ:
        sys.exit("overhead.py: set LFA_DATA_DIR to the directory that holds lfa-paper/")
    torch.set_num_threads(args.threads)
    model, points = load_heloc()
    cpp, python = {}, {}
    for _ in range(args.rounds):
        for method, seconds in cpp_medians(args.lfa, args.repeats, args.threads).items():
            cpp[method] = min(seconds, cpp.get(method, float("inf")))
        for method, seconds in python_medians(model, points, args.repeats).items():
            python[method] = min(seconds, python.get(method, float("inf")))
    print(f"heloc_ffnnA, 100 points x 1000 samples, {args.threads} thread(s), "
          f"fastest of {args.rounds} medians of {args.repeats}")
    print(f"{'method':<22} {'C++ s':>9} {'Python s':>9} {'ratio':>6}")
    for method in lfa.METHODS:
        print(f"{method:<22} {cpp[method]:9.4f} {python[method]:9.4f} "
              f"{python[method] / cpp[method]:6.3f}")
    ratio = sum(python.values()) / sum(cpp[m] for m in python)
    print(f"{'total':<22} {sum(cpp[m] for m in python):9.4f} {sum(python.values()):9.4f} "
          f"{ratio:6.3f}")
    if args.check is not None and ratio > args.check:
        sys.exit(f"overhead.py: Python costs {ratio:.3f}x the C++ call (limit {args.check})")


if __name__ == "__main__":
    main()
