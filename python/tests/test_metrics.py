"""The metrics from theory: on a linear model every explanation of the eight methods has LFA loss
0 over every neighbourhood; the binary top-k test of exact attributions is the largest
|W_j x_j|; deletion and insertion of a linear image model follow the hand-computed curve; the
gradient of a linear model has infidelity 0; a map equal to the mask localises perfectly and a
constant map scores the mask's area fraction."""

import math

import pytest
import torch

import lfa

NEIGHBOURHOODS = ("kernelshap", "smoothgrad", "occlusion", "integrated_gradients")


def test_every_explanation_of_a_linear_model_has_lfa_loss_zero(linear):
    model, _, x = linear
    explanations = {m: lfa.explain(model, x, explainer=m, target=0, samples=100)
                    for m in lfa.METHODS}
    for neighbourhood in NEIGHBOURHOODS:
        losses = lfa.lfa_losses(model, x, explanations, neighbourhood=neighbourhood, target=0,
                                samples=200)
        assert list(losses) == list(lfa.METHODS)
        for method, loss in losses.items():
            assert loss.shape == (7,)
            assert float(loss.abs().max()) < 1e-16, (method, neighbourhood, loss)


def test_lfa_losses_equal_one_lfa_loss_at_a_time(heloc):
    model, x = heloc["model"], heloc["points"][:20]
    explanations = [lfa.explain(model, x, explainer=m) for m in ("lime", "smoothgrad")]
    together = lfa.lfa_losses(model, x, explanations, neighbourhood="clime", seed=5)
    for e, loss in zip(explanations, together):
        alone = lfa.lfa_loss(model, x, e, neighbourhood="clime", seed=5)
        assert torch.equal(alone, loss)
        assert float(loss.min()) > 0  # a network is not linear: the losses are positive
    # No free lunch on this network: over the Gaussian neighbourhood the Gaussian-fitted
    # explanation beats the mask-fitted one (the paper's Table 3 pattern).
    assert float(together[1].mean()) < float(together[0].mean())


def test_attributions_as_a_tensor_need_their_meaning(linear):
    model, weights, x = linear
    exact = weights[0] * x  # kernelshap's solution with baseline 0
    loss = lfa.lfa_loss(model, x, exact, neighbourhood="smoothgrad", target=0, multiplicative=True)
    assert float(loss.abs().max()) < 1e-16
    wrong = lfa.lfa_loss(model, x, exact, neighbourhood="smoothgrad", target=0,
                         multiplicative=False)
    assert float(wrong.min()) > 1e-3  # read as a slope, W x is not W
    with pytest.raises(ValueError, match=r"does not say whether its attributions carry the "
                                         r"\(x - b\) factor: pass multiplicative=True"):
        lfa.lfa_loss(model, x, exact, neighbourhood="smoothgrad", target=0)
    with pytest.raises(ValueError, match="must be an LFA composition"):
        lfa.lfa_loss(model, x, exact, target=0, multiplicative=True,
                     neighbourhood=lfa.recipe("lime", implementation="classic"))


def test_binary_top_k_of_exact_attributions(linear):
    model, weights, x = linear
    exact = weights[0] * x
    summary = lfa.perturbation_test(model, x, exact, ranking="topk", perturbation="binary", k=1,
                                    target=0)
    assert isinstance(summary, lfa.MetricSummary)
    torch.testing.assert_close(summary.per_point, exact.abs().max(1).values, rtol=0, atol=1e-12)
    curve = lfa.perturbation_test(model, x, exact, k=3, target=0, curve=True)
    assert curve.ks == [1, 2, 3]
    top3 = exact.abs().argsort(1, descending=True)[:, :3]  # the three features set to 0
    torch.testing.assert_close(curve.per_point[:, 2], exact.gather(1, top3).sum(1).abs(), rtol=0,
                               atol=1e-12)
    assert curve.per_k[0].mean == summary.mean


def test_pgi_and_pgu_curves_end_at_the_single_k(heloc):
    model, x = heloc["model"], heloc["points"][:10]
    e = lfa.explain(model, x, explainer="smoothgrad")
    for metric in (lfa.pgi, lfa.pgu):
        single = metric(model, x, e, k=4, draws=20, seed=1)
        curve = metric(model, x, e, k=4, draws=20, seed=1, curve=True)
        assert curve.ks == [1, 2, 3, 4]
        assert torch.equal(curve.per_point[:, 3], single.per_point)
        assert single.sem > 0 and math.isfinite(single.mean)


class PixelSum(torch.nn.Module):
    """f(x) = sum of w * x over a 1 x 2 x 2 image."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor([[[4.0, 3.0], [2.0, 1.0]]], dtype=torch.float64))

    def forward(self, x):
        return (x * self.w).sum((1, 2, 3)).unsqueeze(1)


def test_deletion_and_insertion_of_a_linear_image_model():
    model, x = PixelSum().eval(), torch.ones(1, 1, 2, 2, dtype=torch.float64)
    maps = torch.tensor([[[4.0, 3.0], [2.0, 1.0]]])  # pixels deleted in reading order
    deleted = lfa.deletion(model, x, maps, pixels_per_step=1)
    torch.testing.assert_close(deleted.curves, torch.tensor([[10.0, 6.0, 3.0, 1.0, 0.0]],
                                                            dtype=torch.float64))
    torch.testing.assert_close(deleted.fractions, torch.tensor([0, 0.25, 0.5, 0.75, 1],
                                                               dtype=torch.float64))
    assert float(deleted.auc) == pytest.approx(3.75, abs=1e-12)
    inserted = lfa.insertion(model, x, maps, pixels_per_step=1)
    torch.testing.assert_close(inserted.curves, torch.tensor([[0.0, 4.0, 7.0, 9.0, 10.0]],
                                                             dtype=torch.float64))
    assert float(inserted.auc) == pytest.approx(6.25, abs=1e-12)
    half = lfa.deletion(model, x, maps, pixels_per_step=1, baselines=0.5)
    assert float(half.curves[0, -1]) == pytest.approx(5.0, abs=1e-12)  # every pixel at 0.5


def test_the_gradient_of_a_linear_model_has_infidelity_zero(linear):
    model, weights, x = linear
    gradient = lfa.explain(model, x, explainer="gradient", target=1)
    infidelity = lfa.infidelity(model, x, gradient, target=1, samples=50, normalise=False)
    assert infidelity.shape == (7,) and float(infidelity.max()) < 1e-20
    shuffled = lfa.infidelity(model, x, gradient.attributions.flip(1), target=1, samples=50,
                              normalise=False)
    assert float(shuffled.min()) > 0


def test_localisation_of_the_mask_itself_and_of_a_constant_map():
    mask = torch.zeros(4, 4, dtype=torch.bool)
    mask[1:3, 1:3] = True
    perfect = mask.double()[None].expand(2, 4, 4)
    scores = lfa.localisation_scores(perfect, mask)
    for values in (scores.mass, scores.rank, scores.pointing):
        torch.testing.assert_close(values, torch.ones(2, dtype=torch.float64))
    constant = torch.ones(2, 4, 4)
    for score in (lfa.relevance_mass_accuracy, lfa.relevance_rank_accuracy, lfa.pointing_game):
        torch.testing.assert_close(score(constant, mask), torch.full((2,), 0.25,
                                                                     dtype=torch.float64))


def test_distances():
    a = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    b = torch.tensor([[0.0, 2.0], [-1.0, -1.0]])
    torch.testing.assert_close(lfa.l1_distance(a, b), torch.tensor([3.0, 4.0], dtype=torch.float64))
    torch.testing.assert_close(lfa.cosine_distance(a, b), torch.tensor([1.0, 2.0],
                                                                       dtype=torch.float64))
