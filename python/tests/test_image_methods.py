"""The image methods (lfa.IMAGE_METHODS) from Python, from theory: on a linear model every noisy
copy has the gradient W[t], so SmoothGrad-Squared is W[t]^2 and VarGrad 0; Grad-CAM of a
TorchScript Sequential (lfa.Model.load_sequential) equals ReLU(sum_k alpha_k A^k) computed here
with autograd. A CAM needs named layers, and `layer` belongs to the CAMs only."""

import pytest
import torch

import lfa


def test_gradient_ensembles_of_a_linear_model(linear):
    model, weights, x = linear
    squared = lfa.explain(model, x, explainer="smoothgrad_squared", target=1, seed=3)
    torch.testing.assert_close(squared.attributions, (weights[1] ** 2).expand(7, 5), rtol=0,
                               atol=1e-12)
    variance = lfa.explain(model, x, explainer="vargrad", target=1, seed=3)
    torch.testing.assert_close(variance.attributions, torch.zeros(7, 5, dtype=torch.float64),
                               rtol=0, atol=1e-12)
    # 25 noisy copies per point by default, as `lfa explain`; one gradient row per copy.
    assert squared.queries == 7 * lfa._lfa.default_samples("vargrad") == 7 * 25
    assert lfa.explain(model, x, explainer="vargrad", target=1, samples=4).queries == 7 * 4
    assert squared.multiplicative is None  # a map states no affine local model


def small_cnn():
    torch.manual_seed(1)
    return torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3, padding=1), torch.nn.ReLU(),
                               torch.nn.Flatten(), torch.nn.Linear(3 * 4 * 4, 2)).double().eval()


def grad_cam(net, x, target, layer_index):
    """Grad-CAM at the output of child `layer_index`, by autograd (layer resolution = input's)."""
    head, tail = net[:layer_index + 1], net[layer_index + 1:]
    activation = head(x).detach().requires_grad_(True)
    score = tail(activation)[torch.arange(x.shape[0]), target].sum()
    (gradient,) = torch.autograd.grad(score, activation)
    alpha = gradient.mean(dim=(2, 3), keepdim=True)
    return torch.relu((alpha * activation).sum(1, keepdim=True)).detach()


def test_grad_cam_of_a_sequential_file(tmp_path):
    net, x = small_cnn(), torch.rand(3, 1, 4, 4, dtype=torch.float64)
    path = tmp_path / "cnn.pt"
    torch.jit.save(torch.jit.script(net), str(path))
    model = lfa.Model.load_sequential(str(path))
    assert model.layer_names == ["0", "1", "2", "3"]
    e = lfa.explain(model, x, explainer="gradcam", target=[0, 1, 1], layer="1")
    torch.testing.assert_close(e.attributions, grad_cam(net, x, torch.tensor([0, 1, 1]), 1),
                               rtol=0, atol=1e-12)
    assert e.queries == 3
    last_spatial = lfa.explain(model, x, explainer="gradcam", target=[0, 1, 1])
    assert torch.equal(last_spatial.attributions, e.attributions)  # "1" is the last spatial one


def test_a_cam_needs_named_layers_and_layer_is_a_cam_option(tmp_path, linear):
    net, x = small_cnn(), torch.rand(2, 1, 4, 4, dtype=torch.float64)
    with pytest.raises(ValueError) as error:  # a module in memory is a plain model: no layers
        lfa.explain(net, x, explainer="gradcam", target=0)
    assert str(error.value) == ("gradcam needs a model with named layers (a zoo model or a "
                                "TorchScript Sequential), got Sequential")
    model, _, points = linear
    with pytest.raises(ValueError) as error:
        lfa.explain(model, points, explainer="lime", target=0, layer="1")
    assert str(error.value) == ("layer '1' is an option of gradcam, gradcampp and "
                                "smoothgradcampp, not of 'lime'")
    assert lfa.as_model(net).layer_names == []
