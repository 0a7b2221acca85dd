"""lfa: post-hoc explanations of PyTorch models as local function approximations.

Every popular explanation (LIME, KernelSHAP, Occlusion, C-LIME, gradients, SmoothGrad, Integrated
Gradients) is the best local model g of f around x over a neighbourhood Z under a loss; lfa
composes each from those parts in C++ over LibTorch and scores any explanation by its LFA loss
over any neighbourhood (Han, Srinivas & Lakkaraju, NeurIPS 2022). Tensors go in and come out
without copies; the GIL is released while C++ works; Ctrl-C interrupts a long call.

    import torch, lfa
    model = torch.jit.load("heloc_ffnnA.torchscript.pt")           # or any nn.Module
    x = torch.rand(100, 23)
    e = lfa.explain(model, x, explainer="kernelshap", seed=0)
    e.attributions.shape                                           # torch.Size([100, 23])

Explainers: lfa.explain, lfa.recipe (a named method), lfa.compose (a spec dict), lfa.METHODS,
lfa.IMAGE_METHODS.
Metrics: lfa.lfa_loss / lfa.lfa_losses, lfa.perturbation_test, lfa.pgi / lfa.pgu, lfa.deletion /
lfa.insertion, lfa.infidelity, lfa.relevance_mass_accuracy / relevance_rank_accuracy /
pointing_game / localisation_scores, lfa.l1_distance / cosine_distance.
Choosing: lfa.choose (which explanation is most faithful over your neighbourhood; `lfa choose`).
docs/python.md has more.
"""

import torch  # noqa: F401 (torch._C must be loaded before the extension)

from . import _lfa
from ._arguments import as_model
from ._choose import choose
from ._explain import Explainer, compose, explain, recipe
from ._metrics import (cosine_distance, deletion, infidelity, insertion, l1_distance,
                       lfa_loss, lfa_losses, localisation_scores, perturbation_test, pgi, pgu,
                       pointing_game, relevance_mass_accuracy, relevance_rank_accuracy)

Model = _lfa.Model
Explanation = _lfa.Explanation
MetricSummary = _lfa.MetricSummary
PerturbationCurve = _lfa.PerturbationCurve
DeletionResult = _lfa.DeletionResult
LocalisationScores = _lfa.LocalisationScores
Baseline = _lfa.Baseline
ChooseResult = _lfa.ChooseResult
NeighbourhoodChoice = _lfa.NeighbourhoodChoice
CandidateScore = _lfa.CandidateScore
PairedDifference = _lfa.PairedDifference
ProfileChoice = _lfa.ProfileChoice
FeatureGroups = _lfa.FeatureGroups
ImageBaseline = _lfa.ImageBaseline

#: The eight methods of the paper, in its order.
METHODS = tuple(_lfa.method_names())
#: The image methods: smoothgrad_squared, vargrad and the CAM family (these need a model with
#: named layers, e.g. lfa.Model.load_sequential(path)).
IMAGE_METHODS = tuple(_lfa.image_method_names())

__all__ = [
    "IMAGE_METHODS", "METHODS", "Baseline", "CandidateScore", "ChooseResult", "DeletionResult",
    "Explainer", "Explanation", "FeatureGroups", "ImageBaseline", "LocalisationScores",
    "MetricSummary", "Model", "NeighbourhoodChoice", "PairedDifference", "PerturbationCurve",
    "ProfileChoice", "as_model", "choose", "compose", "cosine_distance", "deletion", "explain", "infidelity", "insertion",
    "l1_distance", "lfa_loss", "lfa_losses", "localisation_scores", "perturbation_test", "pgi",
    "pgu", "pointing_game", "recipe", "relevance_mass_accuracy", "relevance_rank_accuracy",
]
