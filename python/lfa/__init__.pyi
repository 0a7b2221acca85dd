# Type stubs of the public API (lfa/__init__.py; docstrings there and in docs/python.md).
import os
from typing import Any, Mapping, Optional, Sequence, Union, overload

import torch

from ._lfa import (Baseline as Baseline, CandidateScore as CandidateScore,
                   ChooseResult as ChooseResult, DeletionResult as DeletionResult,
                   Explanation as Explanation, FeatureGroups as FeatureGroups,
                   ImageBaseline as ImageBaseline, LocalisationScores as LocalisationScores,
                   MetricSummary as MetricSummary, Model as Model,
                   NeighbourhoodChoice as NeighbourhoodChoice,
                   PairedDifference as PairedDifference, PerturbationCurve as PerturbationCurve,
                   ProfileChoice as ProfileChoice)

ModelLike = Union[Model, torch.jit.ScriptModule, torch.nn.Module, str, os.PathLike]
Target = Union[None, int, Sequence[int], torch.Tensor]
BaselineLike = Union[None, float, str, torch.Tensor, Baseline]
GroupsLike = Union[None, str, torch.Tensor, FeatureGroups]
ImageBaselineLike = Union[None, float, str, torch.Tensor, ImageBaseline]
AttributionsLike = Union[Explanation, torch.Tensor]
Neighbourhood = Union[str, dict[str, Any], "Explainer"]
Composition = Union[str, dict[str, Any], os.PathLike]

METHODS: tuple[str, ...]
IMAGE_METHODS: tuple[str, ...]

class Explainer:
    @property
    def name(self) -> str: ...
    @property
    def spec(self) -> Optional[dict[str, Any]]: ...
    def explain(self, model: ModelLike, inputs: torch.Tensor, target: Target = ..., seed: int = ...,
                device: Optional[str] = ..., batch_size: Optional[int] = ...) -> Explanation: ...

def as_model(model: ModelLike, example_inputs: Optional[torch.Tensor] = ...) -> Model: ...
def recipe(method: str = ..., samples: int = ..., implementation: str = ...,
           baselines: BaselineLike = ..., groups: GroupsLike = ...,
           inputs: Optional[torch.Tensor] = ..., *, sigma: float = ..., noise_fraction: float = ...,
           kernel_width: float = ..., sliding_window: Sequence[int] = ...,
           strides: Sequence[int] = ..., layer: str = ...) -> Explainer: ...
def compose(spec: dict[str, Any]) -> Explainer: ...
def explain(model: ModelLike, inputs: torch.Tensor,
            explainer: Union[str, dict[str, Any], Explainer] = ..., target: Target = ...,
            samples: int = ..., seed: int = ..., implementation: str = ...,
            baselines: BaselineLike = ..., groups: GroupsLike = ..., device: Optional[str] = ...,
            batch_size: Optional[int] = ..., *, sigma: float = ..., noise_fraction: float = ...,
            kernel_width: float = ..., sliding_window: Sequence[int] = ...,
            strides: Sequence[int] = ..., layer: str = ...) -> Explanation: ...

def lfa_loss(model: ModelLike, inputs: torch.Tensor, attributions: AttributionsLike,
             neighbourhood: Neighbourhood = ..., target: Target = ..., samples: int = ...,
             seed: int = ..., multiplicative: Optional[bool] = ..., baselines: BaselineLike = ...,
             groups: GroupsLike = ..., refit_unstated: bool = ..., device: Optional[str] = ...,
             batch_size: Optional[int] = ...) -> torch.Tensor: ...
@overload
def lfa_losses(model: ModelLike, inputs: torch.Tensor,
               explanations: Mapping[str, AttributionsLike], neighbourhood: Neighbourhood = ...,
               target: Target = ..., samples: int = ..., seed: int = ...,
               multiplicative: Optional[bool] = ..., baselines: BaselineLike = ...,
               groups: GroupsLike = ..., refit_unstated: bool = ..., device: Optional[str] = ...,
               batch_size: Optional[int] = ...) -> dict[str, torch.Tensor]: ...
@overload
def lfa_losses(model: ModelLike, inputs: torch.Tensor,
               explanations: Sequence[AttributionsLike], neighbourhood: Neighbourhood = ...,
               target: Target = ..., samples: int = ..., seed: int = ...,
               multiplicative: Optional[bool] = ..., baselines: BaselineLike = ...,
               groups: GroupsLike = ..., refit_unstated: bool = ..., device: Optional[str] = ...,
               batch_size: Optional[int] = ...) -> list[torch.Tensor]: ...
def perturbation_test(model: ModelLike, inputs: torch.Tensor, attributions: AttributionsLike,
                      ranking: str = ..., perturbation: str = ..., k: int = ...,
                      target: Target = ..., sigma: float = ..., draws: int = ...,
                      baselines: BaselineLike = ..., groups: GroupsLike = ..., seed: int = ...,
                      curve: bool = ..., device: Optional[str] = ...,
                      batch_size: Optional[int] = ...) -> Union[MetricSummary, PerturbationCurve]: ...
def pgi(model: ModelLike, inputs: torch.Tensor, attributions: AttributionsLike, k: int = ...,
        target: Target = ..., sigma: float = ..., draws: int = ..., groups: GroupsLike = ...,
        seed: int = ..., curve: bool = ..., device: Optional[str] = ...,
        batch_size: Optional[int] = ...) -> Union[MetricSummary, PerturbationCurve]: ...
def pgu(model: ModelLike, inputs: torch.Tensor, attributions: AttributionsLike, k: int = ...,
        target: Target = ..., sigma: float = ..., draws: int = ..., groups: GroupsLike = ...,
        seed: int = ..., curve: bool = ..., device: Optional[str] = ...,
        batch_size: Optional[int] = ...) -> Union[MetricSummary, PerturbationCurve]: ...
def deletion(model: ModelLike, inputs: torch.Tensor, maps: AttributionsLike, target: Target = ...,
             pixels_per_step: Optional[int] = ..., baselines: ImageBaselineLike = ...,
             device: Optional[str] = ..., batch_size: Optional[int] = ...) -> DeletionResult: ...
def insertion(model: ModelLike, inputs: torch.Tensor, maps: AttributionsLike, target: Target = ...,
              pixels_per_step: Optional[int] = ..., baselines: ImageBaselineLike = ...,
              device: Optional[str] = ..., batch_size: Optional[int] = ...) -> DeletionResult: ...
def infidelity(model: ModelLike, inputs: torch.Tensor, attributions: AttributionsLike,
               target: Target = ..., perturbation: str = ..., sigma: float = ...,
               patch_size: int = ..., removal_probability: float = ...,
               baselines: ImageBaselineLike = ..., samples: int = ..., normalise: bool = ...,
               seed: int = ..., device: Optional[str] = ...,
               batch_size: Optional[int] = ...) -> torch.Tensor: ...
def relevance_mass_accuracy(maps: AttributionsLike, masks: torch.Tensor, absolute: bool = ...,
                            smoothing_sigma: float = ...,
                            keep_top_fraction: float = ...) -> torch.Tensor: ...
def relevance_rank_accuracy(maps: AttributionsLike, masks: torch.Tensor, absolute: bool = ...,
                            smoothing_sigma: float = ...,
                            keep_top_fraction: float = ...) -> torch.Tensor: ...
def pointing_game(maps: AttributionsLike, masks: torch.Tensor, absolute: bool = ...,
                  smoothing_sigma: float = ..., keep_top_fraction: float = ...) -> torch.Tensor: ...
def localisation_scores(maps: AttributionsLike, masks: torch.Tensor, absolute: bool = ...,
                        smoothing_sigma: float = ...,
                        keep_top_fraction: float = ...) -> LocalisationScores: ...
def l1_distance(a: AttributionsLike, b: AttributionsLike) -> torch.Tensor: ...
def cosine_distance(a: AttributionsLike, b: AttributionsLike) -> torch.Tensor: ...
def choose(model: ModelLike, inputs: torch.Tensor,
           neighbourhoods: Union[Composition, Sequence[Composition]],
           candidates: Union[str, Sequence[str]] = ...,
           specs: Union[Composition, Sequence[Composition]] = ..., profile: Optional[str] = ...,
           samples: int = ..., evaluation_samples: int = ..., seed: int = ..., level: float = ...,
           target: Target = ..., device: Optional[str] = ..., batch_size: Optional[int] = ...,
           out: Union[None, str, os.PathLike] = ...) -> ChooseResult: ...
