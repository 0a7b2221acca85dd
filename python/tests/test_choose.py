"""lfa.choose gives the ranking and numbers `lfa choose` writes, for the same model, points and
seed, and refuses bad arguments with a clear ValueError before any work.

choose.csv prints every number with %.10g; the Python values printed the same way must read back
as the same numbers, row by row (the same neighbourhoods, candidates, ranks and choices). Both run
the same C++ (RunChoose over the same candidates, settings and seeded streams: point i of the
tensor is row i of `--rows 0:N`) with the same rows per model call."""

import csv
import math
import subprocess

import pytest
import torch

import lfa

POINTS = 12
COMMON = {"samples": 200, "evaluation_samples": 300, "seed": 7}

CASES = [
    # (neighbourhoods, candidates, profile)
    (["smoothgrad:sigma=0.2", "lime"], "lfa", None),
    (["clime:sigma=0.05"], "gradient,smoothgrad,clime,kernelshap_classic", "sigma:0.05..0.5:3"),
]


def run_cli(lfa_binary, heloc, out, neighbourhoods, candidates, profile, *extra):
    flags = [lfa_binary, "choose", "--model", heloc["model_path"], "--data", heloc["data_path"],
             "--label-column", "last", "--rows", f"0:{POINTS}", "--candidates", candidates,
             "--samples", str(COMMON["samples"]), "--evaluation-samples",
             str(COMMON["evaluation_samples"]), "--seed", str(COMMON["seed"]), "--out", str(out),
             *extra]
    for n in neighbourhoods:
        flags += ["--neighbourhood", n]
    if profile:
        flags += ["--profile", profile]
    return subprocess.run(flags, capture_output=True, text=True)


def read_csv(path):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows


def printed(value):
    """A number as choose.csv prints it (%.10g)."""
    return "%.10g" % value


def python_rows(result):
    """The rows of choose.csv, from the typed result."""
    rows = []
    for n in result.neighbourhoods:
        for s in n.scores:
            rows.append({
                "neighbourhood": n.label, "width_kind": n.width_kind or "",
                "width": printed(n.width) if n.width is not None else "",
                "candidate": s.candidate, "kind": s.kind, "own": "1" if s.own else "0",
                "rank": str(s.rank), "mean": printed(s.mean), "sem": printed(s.sem),
                "relative": printed(s.relative), "diff_to_best": printed(s.to_best.mean),
                "diff_low": printed(s.to_best.low), "diff_high": printed(s.to_best.high),
                "win_share": printed(s.win_share),
                "chosen": "1" if s.candidate in n.chosen else "0"})
    return rows


@pytest.mark.parametrize("neighbourhoods,candidates,profile", CASES)
def test_python_equals_the_command_line(lfa_binary, heloc, tmp_path, neighbourhoods, candidates,
                                        profile):
    cli = run_cli(lfa_binary, heloc, tmp_path / "cli", neighbourhoods, candidates, profile)
    assert cli.returncode == 0, cli.stderr
    expected = read_csv(tmp_path / "cli" / "choose.csv")
    result = lfa.choose(heloc["model"], heloc["points"][:POINTS], neighbourhoods,
                        candidates=candidates, profile=profile, out=tmp_path / "python",
                        **COMMON)
    got = python_rows(result)
    assert len(got) == len(expected) > 0
    mismatches = [(i, key, e[key], g[key]) for i, (e, g) in enumerate(zip(expected, got))
                  for key in e if e[key] != g[key]]
    assert mismatches == [], f"{len(mismatches)} value(s) differ, first: {mismatches[:3]}"
    # The files lfa.choose writes with out=: the same table, byte for byte.
    assert ((tmp_path / "python" / "choose.csv").read_bytes()
            == (tmp_path / "cli" / "choose.csv").read_bytes())
    assert (tmp_path / "python" / "report.md").exists()
    # The answer is the paragraph the command prints on stderr, but for the model's name (a
    # path there, the module's description here).
    question, answer = result.answer.split("? ", 1)
    assert question.startswith("Which explanation should I choose for ")
    assert answer in cli.stderr


def test_typed_result(heloc):
    result = lfa.choose(heloc["model"], heloc["points"][:POINTS], "smoothgrad",
                        candidates=["smoothgrad", "clime", "gradient"], **COMMON)
    assert result.input_shape == [23] and result.targets == "output 0"
    (n,) = result.neighbourhoods
    assert n.name == "smoothgrad" and n.points == POINTS
    assert n.evaluation_samples == 300 and n.samples == 200 and n.level == 0.95
    assert n.spec["neighbourhood"]["type"] == "gaussian"
    assert n.spec["neighbourhood"]["sigma"] == 0.1
    means = [s.mean for s in n.scores]
    assert means == sorted(means) and len(means) == 3  # best first
    assert [s.rank for s in n.scores] == [1 + sum(m < s.mean for m in means) for s in n.scores]
    assert n.scores[0].to_best.mean == 0 and n.scores[0].candidate == n.best
    assert sum(s.win_share for s in n.scores) == pytest.approx(1.0)
    assert [s.candidate for s in n.scores if s.own] == ["smoothgrad"] == [n.own]
    for s in n.scores:  # mean and relative from the per-point losses
        assert s.mean == pytest.approx(s.loss.per_point.mean().item(), rel=1e-12)
        assert s.relative == pytest.approx(s.mean / n.constant_loss.mean, rel=1e-12)
        assert s.to_best.low <= s.to_best.mean <= s.to_best.high
    assert result.recommendation == {n.name: n.chosen} and n.chosen[0] == n.best
    assert n.best in result.answer


def test_a_linear_model_ties_at_zero(linear):
    """On f(x) = Wx + c every exact candidate's local model is f itself: zero loss, a tie."""
    model, weights, points = linear
    result = lfa.choose(model, points, ["smoothgrad", "kernelshap"], target=1,
                        candidates="gradient,smoothgrad,occlusion,kernelshap",
                        samples=100, evaluation_samples=100)
    assert result.targets == "output 1"
    for n in result.neighbourhoods:
        assert n.verdict_kind == "tie_at_zero", n.verdict
        assert sorted(n.chosen) == ["gradient", "kernelshap", "occlusion", "smoothgrad"]
        assert all(s.zero and s.relative < 1e-8 for s in n.scores)


def cli_error(lfa_binary, heloc, tmp_path, neighbourhoods, candidates, *extra):
    result = run_cli(lfa_binary, heloc, tmp_path / "never", neighbourhoods, candidates, None,
                     *extra)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lfa: error: "), result.stderr
    return lines[0][len("lfa: error: "):]


def python_error(call):
    with pytest.raises(ValueError) as error:
        call()
    return str(error.value)


@pytest.mark.parametrize("neighbourhoods,candidates,profile", [
    (["smoothgrd"], "lfa", None),                     # an unknown neighbourhood
    (["smoothgrad:sigma=-1"], "lfa", None),           # a parameter out of range
    (["smoothgrad:width=2"], "lfa", None),            # a parameter the method does not have
    (["smoothgrad"], "lime,shapley", None),           # an unknown candidate
    (["lime"], "lfa", "sigma:0.1..1:4"),              # a profile that applies to none
    (["smoothgrad"], "lfa", "sigma:1..0.1:3"),        # a malformed profile
])
def test_bad_input_raises_the_command_lines_message(lfa_binary, heloc, tmp_path, neighbourhoods,
                                                     candidates, profile):
    extra = ["--profile", profile] if profile else []
    expected = cli_error(lfa_binary, heloc, tmp_path, neighbourhoods, candidates, *extra)
    got = python_error(lambda: lfa.choose(heloc["model"], heloc["points"][:POINTS],
                                          neighbourhoods, candidates=candidates,
                                          profile=profile))
    assert got == expected
    assert not (tmp_path / "never").exists()


def test_bad_arguments_name_the_argument_and_value(heloc, tmp_path):
    model, x = heloc["model"], heloc["points"][:POINTS]
    assert python_error(lambda: lfa.choose(model, x, "lime", samples=0)) == (
        "samples must be >= 1, got 0")
    assert python_error(lambda: lfa.choose(model, x, "lime", evaluation_samples=-3)) == (
        "evaluation samples must be >= 1, got -3")
    assert python_error(lambda: lfa.choose(model, x, "lime", level=1.0)) == (
        "confidence level must be in (0, 1), got 1")
    assert python_error(lambda: lfa.choose(model, x, [])).startswith(
        "no neighbourhood of interest")
    assert python_error(lambda: lfa.choose(model, x[:1], "lime")) == (
        "lfa choose needs at least 2 points (a standard error needs two), got 1")
    assert python_error(lambda: lfa.choose(model, x, "lime", target=3)) == (
        "target 3 is out of range: the model has 1 output(s)")
    assert python_error(lambda: lfa.choose(model, x, "lime", batch_size=0)) == (
        "batch_size must be > 0, got 0")
    assert "specs[0] must be a spec dict or the path of a .json spec file" in python_error(
        lambda: lfa.choose(model, x, "lime", specs=["lime"]))
    assert "unknown" in python_error(lambda: lfa.choose(
        model, x, {"neighbourhood": {"type": "gaussain"}, "loss": {"type": "squared"}}))
    (tmp_path / "file").write_text("")
    assert python_error(lambda: lfa.choose(model, x, "lime", out=tmp_path / "file")) == (
        f"out '{tmp_path / 'file'}' exists and is not a directory")
    with pytest.raises(TypeError):
        lfa.choose(model, x, "lime", candidates=[1, 2])
    with pytest.raises(TypeError, match="neighbourhoods must be"):
        lfa.choose(model, x, None)


def test_spec_dicts_as_neighbourhood_and_candidate(heloc):
    spec = {"neighbourhood": {"type": "gaussian", "sigma": 0.2},
            "loss": {"type": "gradient_matching"},
            "surrogate": {"type": "linear", "intercept": False}}
    named = dict(spec, name="my_smoothgrad")
    result = lfa.choose(heloc["model"], heloc["points"][:POINTS], spec, candidates="gradient",
                        specs=[named], **COMMON)
    (n,) = result.neighbourhoods
    assert n.label == "neighbourhoods[0]"  # a spec without "name" is labelled by its argument
    names = {s.candidate: s for s in n.scores}
    assert set(names) == {"gradient", "my_smoothgrad"}
    assert names["my_smoothgrad"].own and names["my_smoothgrad"].kind == "spec"
