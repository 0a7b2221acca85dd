"""The stubs say what the code does: every public name of lfa and of its extension has a stub,
the stub of every public function takes the parameters the function takes (same names, order and
defaults-or-not), and every public function and class documents itself for help()."""

import ast
import inspect
import pathlib

import pytest

import lfa
from lfa import _lfa

PACKAGE = pathlib.Path(lfa.__file__).parent


def stub_functions(name):
    tree = ast.parse((PACKAGE / name).read_text())
    functions, names = {}, set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions.setdefault(node.name, node)
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return functions, names


def stub_parameters(node):
    arguments = node.args
    positional = arguments.args
    with_default = len(arguments.defaults)
    listed = [(a.arg, i >= len(positional) - with_default) for i, a in enumerate(positional)]
    listed += [(a.arg, True) for a in arguments.kwonlyargs]
    return listed


def runtime_parameters(function, keyword_options):
    listed = []
    for p in inspect.signature(function).parameters.values():
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            listed += [(name, True) for name in keyword_options]
        else:
            listed.append((p.name, p.default is not inspect.Parameter.empty))
    return listed


def test_every_public_name_has_a_stub():
    _, names = stub_functions("__init__.pyi")
    assert set(lfa.__all__) <= names, set(lfa.__all__) - names
    _, extension_names = stub_functions("_lfa.pyi")
    public = {n for n in dir(_lfa) if not n.startswith("__")}
    assert public <= extension_names, public - extension_names


@pytest.mark.parametrize("name", [n for n in lfa.__all__ if inspect.isfunction(getattr(lfa, n))])
def test_stub_parameters_match_the_function(name):
    functions, _ = stub_functions("__init__.pyi")
    options = ("sigma", "noise_fraction", "kernel_width", "sliding_window", "strides", "layer")
    assert stub_parameters(functions[name]) == runtime_parameters(getattr(lfa, name), options)


@pytest.mark.parametrize("name", lfa.__all__)
def test_public_names_are_documented(name):
    value = getattr(lfa, name)
    if name == "METHODS":
        assert value == ("lime", "kernelshap", "occlusion", "clime", "smoothgrad", "gradient",
                         "integrated_gradients", "gradient_x_input")
        return
    if name == "IMAGE_METHODS":
        assert value == ("smoothgrad_squared", "vargrad", "gradcam", "gradcampp",
                         "smoothgradcampp")
        return
    assert inspect.getdoc(value), f"lfa.{name} has no docstring"


def test_help_of_explain_explains_the_arguments():
    text = inspect.getdoc(lfa.explain)
    for argument in ("model:", "inputs:", "explainer:", "target:", "samples:", "seed:",
                     "implementation:", "baselines:", "groups:", "device:", "batch_size:"):
        assert argument in text, argument
