"""Tensors cross between Python and C++ without copies (and never through NumPy): the C++ side
sees a CPU tensor's own memory, float64 points are used in place by the explainers, and the
attributions handed back are the C++ result's storage, reshaped."""

import torch

import lfa
from lfa import _lfa


def test_inputs_reach_cpp_in_place():
    x = torch.rand(8, 3, dtype=torch.float64)
    assert _lfa._tensor_address(x) == x.data_ptr()
    assert _lfa._point_batch_address(x) == x.data_ptr()  # MakePointBatch: no copy for float64
    images = torch.rand(2, 1, 4, 4, dtype=torch.float64)
    assert _lfa._point_batch_address(images) == images.data_ptr()  # a reshape, not a copy
    as_float = torch.rand(8, 3)
    assert _lfa._tensor_address(as_float) == as_float.data_ptr()
    assert _lfa._point_batch_address(as_float) != as_float.data_ptr()  # converted: a new tensor


def test_attributions_are_the_cpp_results_storage(linear):
    model, _, x = linear
    e = lfa.explain(model, x, explainer="kernelshap", target=0, samples=50)
    addresses = e._addresses()
    assert isinstance(e.attributions, torch.Tensor)
    assert e.attributions.data_ptr() == addresses["attributions"]
    assert e.attributions.data_ptr() == addresses["feature_attributions"]  # reshaped, not copied
    assert e.attributions.data_ptr() == e.feature_attributions.data_ptr()
    assert e.attributions.data_ptr() == e.attributions.data_ptr()  # no copy per access either
    e.feature_attributions[0, 0] = 123.0  # one storage: writes show through both views
    assert e.attributions[0, 0] == 123.0
