"""lfa.explain from theory: on a linear model f(x) = W x + c every method has a closed form
(additive methods give W[t], multiplicative ones W[t] (x - b)), so the results are checked
exactly, whatever the sampling. Then the Captum-style arguments (target, baselines, feature
masks), nn.Module versus ScriptModule, the user's module left untouched, and the GIL released."""

import threading
import time

import pytest
import torch

import lfa

ADDITIVE = ("clime", "smoothgrad", "gradient")
MULTIPLICATIVE = ("lime", "kernelshap", "occlusion", "integrated_gradients", "gradient_x_input")


def expected(weights, x, target, baseline, method):
    rows = weights[torch.as_tensor(target).expand(x.shape[0])]
    return rows if method in ADDITIVE else rows * (x - baseline)


@pytest.mark.parametrize("method", ADDITIVE + MULTIPLICATIVE)
def test_every_lfa_composition_recovers_a_linear_model(linear, method):
    model, weights, x = linear
    e = lfa.explain(model, x, explainer=method, target=1, samples=200, seed=4)
    assert e.attributions.dtype == torch.float64 and e.attributions.shape == x.shape
    torch.testing.assert_close(e.attributions, expected(weights, x, 1, 0.0, method),
                               rtol=0, atol=1e-9)
    assert e.method == method and e.multiplicative == (method in MULTIPLICATIVE)
    assert e.queries > 0


@pytest.mark.parametrize("method", ("lime", "kernelshap", "occlusion", "gradient",
                                    "integrated_gradients", "gradient_x_input", "smoothgrad"))
def test_every_classic_implementation_recovers_a_linear_model(linear, method):
    model, weights, x = linear
    e = lfa.explain(model, x, explainer=method, implementation="classic", target=0, samples=200)
    torch.testing.assert_close(e.attributions, expected(weights, x, 0, 0.0, method),
                               rtol=0, atol=1e-9)
    assert e.method == method + "_classic"


def test_one_target_per_point(linear):
    model, weights, x = linear
    target = [0, 1, 1, 0, 1, 0, 0]
    e = lfa.explain(model, x, explainer="gradient", target=target)
    torch.testing.assert_close(e.attributions, weights[torch.tensor(target)], rtol=0, atol=1e-12)
    as_tensor = lfa.explain(model, x, explainer="gradient", target=torch.tensor(target))
    assert torch.equal(as_tensor.attributions, e.attributions)


def test_a_model_with_one_output_needs_no_target(linear):
    _, _, x = linear
    one = torch.nn.Linear(5, 1).double().eval()
    e = lfa.explain(one, x, explainer="gradient")
    torch.testing.assert_close(e.attributions, one.weight.detach().expand(7, 5), rtol=0,
                               atol=1e-12)


def test_baselines_number_tensor_and_mean(linear):
    model, weights, x = linear
    per_element = torch.linspace(0.1, 0.5, 5, dtype=torch.float64)
    for baselines, b in ((0.25, 0.25), (per_element, per_element), ("mean", x.mean(0))):
        for method in ("occlusion", "kernelshap", "integrated_gradients"):
            e = lfa.explain(model, x, explainer=method, target=0, baselines=baselines,
                            samples=100)
            torch.testing.assert_close(e.attributions, expected(weights, x, 0, b, method),
                                       rtol=0, atol=1e-9)
    rows = per_element.expand(7, 5)  # Captum's per-example form, the same row for every point
    same = lfa.explain(model, x, explainer="occlusion", target=0, baselines=rows)
    torch.testing.assert_close(same.attributions, expected(weights, x, 0, per_element,
                                                           "occlusion"), rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="with a different row per point are not supported"):
        lfa.explain(model, x, explainer="occlusion", target=0, baselines=torch.rand(7, 5))


class TinyCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = torch.nn.Conv2d(1, 2, 3, padding=1)
        self.head = torch.nn.Linear(2 * 4 * 4, 3)

    def forward(self, x):
        return self.head(torch.relu(self.conv(x)).flatten(1))


def test_images_with_patches_and_an_equivalent_feature_mask():
    net, x = TinyCnn().eval(), torch.rand(2, 1, 4, 4)
    e = lfa.explain(net, x, explainer="kernelshap", target=2, groups="patch:2", samples=64)
    assert e.attributions.shape == x.shape and e.grouped
    assert e.feature_attributions.shape == (2, 4)
    corners = e.attributions[:, 0, ::2, ::2].reshape(2, 4)
    assert torch.equal(corners, e.feature_attributions)
    assert torch.equal(e.attributions[:, 0, 1::2, 1::2].reshape(2, 4), e.feature_attributions)
    mask = torch.tensor([[10, 10, 20, 20], [10, 10, 20, 20], [30, 30, 40, 40], [30, 30, 40, 40]])
    masked = lfa.explain(net, x, explainer="kernelshap", target=2, groups=mask[None], samples=64)
    assert torch.equal(masked.attributions, e.attributions)


def test_an_nn_module_works_as_well_as_its_script(linear):
    model, _, x = linear
    for method in ("kernelshap", "smoothgrad"):
        from_module = lfa.explain(model, x, explainer=method, target=1, seed=9)
        from_script = lfa.explain(torch.jit.script(model), x, explainer=method, target=1, seed=9)
        for name in ("attributions", "intercept", "loss", "r2"):
            assert torch.equal(getattr(from_module, name), getattr(from_script, name))


def test_a_module_that_only_traces_is_traced(linear):
    model, weights, x = linear

    class Untypable(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = model

        def forward(self, x):
            return self.inner(x) * len({1})  # a set literal: torch.jit.script fails

    e = lfa.explain(Untypable(), x, explainer="gradient", target=0)
    torch.testing.assert_close(e.attributions, weights[0].expand(7, 5), rtol=0, atol=1e-12)


def test_the_users_module_is_left_as_it_was(linear):
    model, _, x = linear
    script = torch.jit.script(model)
    script.train()
    assert lfa.as_model(script)._owns_copy  # explained in eval mode, on a copy
    lfa.explain(script, x, target=0)
    assert script.training and script.linear.training
    script.eval()
    assert not lfa.as_model(script)._owns_copy  # eval mode on the inputs' device: shared
    model.train()
    lfa.explain(model, x, target=0)
    assert model.training
    model.eval()


def test_compose_a_recipe_spec_explains_as_the_recipe(linear):
    model, _, x = linear
    spec = lfa.recipe("smoothgrad", samples=50).spec
    assert spec["neighbourhood"]["type"] == "gaussian" and spec["samples"] == 50
    composed = lfa.explain(model, x, explainer=spec, target=0, seed=2)
    named = lfa.explain(model, x, explainer="smoothgrad", samples=50, target=0, seed=2)
    assert torch.equal(composed.attributions, named.attributions)
    assert lfa.recipe("lime", implementation="classic").spec is None


def test_a_model_from_a_file_and_an_lfa_model(linear, tmp_path):
    model, weights, x = linear
    path = tmp_path / "linear.pt"
    torch.jit.save(torch.jit.script(model), str(path))
    for source in (str(path), path, lfa.as_model(str(path))):
        e = lfa.explain(source, x, explainer="gradient", target=1)
        torch.testing.assert_close(e.attributions, weights[1].expand(7, 5), rtol=0, atol=1e-12)


def test_the_gil_is_released_while_cpp_works(heloc):
    model, x = heloc["model"], heloc["points"]
    start = time.perf_counter()
    lfa.explain(model, x, explainer="kernelshap", samples=1000)
    alone = time.perf_counter() - start
    ticks, done = [], threading.Event()

    def explain():
        lfa.explain(model, x, explainer="kernelshap", samples=1000 * max(1, int(1.0 / alone)))
        done.set()

    worker = threading.Thread(target=explain)
    worker.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.005)
    worker.join()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 20, "the main thread hardly ran while C++ worked"
    assert max(gaps) < 0.25, f"the main thread waited {max(gaps):.3f} s for the GIL"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device for this torch")
def test_cuda_inputs_run_on_cuda_and_match_the_cpu(linear):
    model, _, x = linear
    on_gpu = lfa.explain(model, x.cuda(), explainer="kernelshap", target=0)
    on_cpu = lfa.explain(model, x, explainer="kernelshap", target=0)
    assert on_gpu.attributions.is_cuda
    torch.testing.assert_close(on_gpu.attributions.cpu(), on_cpu.attributions, rtol=0, atol=1e-9)
    assert next(model.parameters()).device.type == "cpu"
