// The parts of the extension module lfa._lfa, one function per group of bindings (module.cc calls
// them in order). The Python package lfa (python/lfa/__init__.py) is the public face: it turns
// Python values (nn.Modules, ints, lists, strings such as "patch:4") into the types bound here and
// documents every argument; these bindings check values and do the work in C++.
//
//   BindModel     lfa._lfa.Model: a TorchScript module in memory or a TorchScript file
//   BindExplain   Baseline, FeatureGroups, Explainer, Explanation; make_explainer, compose, explain
//   BindMetrics   MetricSummary, PerturbationCurve, DeletionResult, LocalisationScores,
//                 ImageBaseline; lfa_losses, the perturbation tests, PGI/PGU, deletion/insertion,
//                 infidelity, localisation, distances
//   BindChoose    ChooseResult, NeighbourhoodChoice, CandidateScore, PairedDifference,
//                 ProfileChoice; choose (`lfa choose` on points in memory; after BindMetrics,
//                 whose MetricSummary it returns)
//
// Every function that queries a model takes the GIL-free path of ModelCall (model_call.h) and
// checks for Ctrl-C between batches (interrupt.h); errors follow python_errors.h.
#pragma once

#include <pybind11/pybind11.h>

namespace lfa {

void BindModel(pybind11::module_& module);
void BindExplain(pybind11::module_& module);
void BindMetrics(pybind11::module_& module);
void BindChoose(pybind11::module_& module);

}  // namespace lfa
