// Models, explainers and explanations (bindings.h).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// torch's casters: torch.Tensor <-> at::Tensor without a copy (THPVariable_Wrap / _Unpack).
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/utils/pybind.h>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "explainers/image_methods.h"
#include "explainers/recipes.h"
#include "framework/layered_model.h"
#include "framework/explainer.h"
#include "framework/feature_groups.h"
#include "models/script_module_model.h"
#include "models/torchscript_model.h"
#include "models/torchscript_sequential.h"
#include "model_call.h"
#include "neighbourhoods/baseline.h"
#include "python_explanation.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace lfa {
namespace {

uintptr_t Address(const torch::Tensor& tensor) {
  return reinterpret_cast<uintptr_t>(tensor.data_ptr());
}

PythonModel FromScriptModule(py::handle c_module, const std::string& description) {
  // torch._C.ScriptModule is torch::jit::Module, registered by torch._C (shared pybind11 internals).
  const auto module = py::cast<torch::jit::Module>(c_module);
  return {std::make_shared<ScriptModuleModel>(module, description)};
}

void BindBaselineAndGroups(py::module_& m) {
  py::class_<Baseline>(m, "Baseline",
                       "What a removed feature becomes and where an integration path starts: a "
                       "number, one value per input element, or the blur of each point.")
      .def(py::init<double>(), "value"_a)
      .def(py::init<torch::Tensor>(), "values"_a)
      .def_static("blur", &Baseline::Blur, "sigma"_a,
                  "The Gaussian blur of each point itself (images [C, H, W]), sigma in pixels.")
      .def("__repr__", [](const Baseline& b) { return "Baseline(" + b.ToJson().dump() + ")"; });

  py::class_<FeatureGroups>(m, "FeatureGroups",
                            "Which input elements the mask methods switch on and off together.")
      .def(py::init<>())
      .def_static("patches", &FeatureGroups::Patches, "size"_a,
                  "Square patches of size x size pixels of [C, H, W] inputs, shared by channels.")
      .def_static("explicit", &FeatureGroups::Explicit, "group_of_element"_a,
                  "One group id in [0, G) per input element (row-major), every id used.")
      .def_property_readonly("is_identity", &FeatureGroups::is_identity)
      .def("count", &FeatureGroups::Count, "input_shape"_a, "Number of groups G for this shape.")
      .def("resolve", &FeatureGroups::Resolve, "input_shape"_a,
           "The group id of every input element: int64 [D].")
      .def("__repr__",
           [](const FeatureGroups& g) { return "FeatureGroups(" + g.ToJson().dump() + ")"; });
}

void BindExplanation(py::module_& m) {
  py::class_<PythonExplanation>(m, "Explanation",
                                "What an explainer returns for a batch of points (float64 tensors).")
      .def_property_readonly(
          "attributions", [](const PythonExplanation& e) { return e.attributions; },
          "[N, *input_shape]: one attribution per input element (a group's value on each of its "
          "elements for grouped mask methods), on the inputs' device.")
      .def_property_readonly(
          "feature_attributions",
          [](const PythonExplanation& e) { return e.explanation.attributions; },
          "[N, d] on the CPU: one per interpretable feature (d = D, or G feature groups).")
      .def_property_readonly(
          "intercept", [](const PythonExplanation& e) { return e.explanation.intercepts; },
          "[N]: the surrogate's intercept (0 without one).")
      .def_property_readonly(
          "loss", [](const PythonExplanation& e) { return e.explanation.loss; },
          "[N]: the achieved empirical LFA loss (NaN for methods that fit nothing).")
      .def_property_readonly(
          "r2", [](const PythonExplanation& e) { return e.explanation.r2; },
          "[N]: the fit's weighted R^2 (NaN for methods that fit nothing).")
      .def_property_readonly(
          "ridge", [](const PythonExplanation& e) { return e.explanation.ridge; },
          "[N]: ridge strength the solver had to add (0: none).")
      .def_property_readonly(
          "queries", [](const PythonExplanation& e) { return e.explanation.model_queries; },
          "Model rows evaluated for this batch.")
      .def_property_readonly(
          "method", [](const PythonExplanation& e) { return e.explanation.method; })
      .def_property_readonly(
          "input_shape", [](const PythonExplanation& e) { return e.explanation.input_shape; })
      .def_property_readonly(
          "grouped", [](const PythonExplanation& e) { return e.grouped; },
          "True when there is one attribution per feature group, not per element.")
      .def_property_readonly(
          "multiplicative", [](const PythonExplanation& e) { return e.meaning.multiplicative; },
          "True when the attributions carry the (x - b) factor; None when unknown.")
      .def_property_readonly(
          "baseline", [](const PythonExplanation& e) { return e.meaning.baseline; })
      .def_property_readonly(
          "groups", [](const PythonExplanation& e) { return e.meaning.groups; })
      .def("brief_report",
           [](const PythonExplanation& e) { return e.explanation.BriefReport(); })
      .def("__repr__", &PythonExplanation::Repr)
      .def("_addresses", [](const PythonExplanation& e) {
        return py::dict("attributions"_a = Address(e.attributions),
                        "feature_attributions"_a = Address(e.explanation.attributions));
      });
}

}  // namespace

void BindModel(py::module_& m) {
  py::class_<PythonModel>(m, "Model", "A model lfa can query: f(inputs [n, *shape]) -> [n, K].")
      .def_static("from_script_module", &FromScriptModule, "module"_a,
                  "description"_a = "TorchScript module",
                  "Wraps a torch._C.ScriptModule (a ScriptModule's ._c) without copying it unless "
                  "it is in training mode or must move to another device.")
      .def_static(
          "load", [](const std::string& path) { return PythonModel{LoadModel(path)}; }, "path"_a,
          "Loads a TorchScript file (torch.jit.save).")
      .def_static(
          "load_sequential",
          [](const std::string& path) { return PythonModel{LoadTorchScriptSequential(path)}; },
          "path"_a,
          "Loads a TorchScript nn.Sequential file with its children as named layers (the CAMs "
          "read their activations).")
      .def_property_readonly(
          "layer_names",
          [](const PythonModel& m) {
            const auto* layered = dynamic_cast<const LayeredModel*>(m.model.get());
            return layered != nullptr ? layered->layer_names() : std::vector<std::string>{};
          },
          "The layers a CAM can read, input to output; empty for a model without named layers.")
      .def_property_readonly("input_shape",
                             [](const PythonModel& m) { return m.model->input_shape(); })
      .def_property_readonly("description",
                             [](const PythonModel& m) { return m.model->description(); })
      .def_property_readonly("_owns_copy",
                             [](const PythonModel& m) {
                               const auto* s = dynamic_cast<const ScriptModuleModel*>(m.model.get());
                               return s != nullptr && s->owns_copy();
                             })
      .def("__repr__",
           [](const PythonModel& m) { return "Model('" + m.model->description() + "')"; });
}

void BindExplain(py::module_& m) {
  BindBaselineAndGroups(m);
  BindExplanation(m);
  py::class_<PythonExplainer>(m, "Explainer")
      .def_property_readonly("name",
                             [](const PythonExplainer& e) { return e.explainer->name(); })
      .def_property_readonly("spec", [](const PythonExplainer& e) { return e.spec; },
                             "The composition as JSON text; empty for a classic implementation.");

  m.def("method_names", &MethodNames, "The eight recipes, in the paper's order.");
  m.def("image_method_names", &ImageMethodNames,
        "The image methods (smoothgrad_squared, vargrad and the CAM family).");
  m.def("default_samples", &DefaultSamples, "method"_a,
        "The samples `lfa explain` uses for `method` (25 noisy copies for the image methods, "
        "1000 otherwise).");
  m.def(
      "make_explainer",
      [](const std::string& method, const std::string& implementation, int64_t samples,
         std::optional<double> sigma, std::optional<double> noise_fraction,
         std::optional<double> kernel_width, const Baseline& baseline, const FeatureGroups& groups,
         std::vector<int64_t> sliding_window, std::vector<int64_t> strides, std::string layer) {
        RecipeOptions options{.samples = samples, .sigma = sigma, .noise_fraction = noise_fraction,
                              .kernel_width = kernel_width, .baseline = baseline,
                              .groups = groups, .sliding_window = std::move(sliding_window),
                              .strides = std::move(strides), .layer = std::move(layer)};
        return MakePythonExplainer(method, implementation, options);
      },
      "method"_a, "implementation"_a = "lfa", "samples"_a = 1000, "sigma"_a = py::none(),
      "noise_fraction"_a = py::none(), "kernel_width"_a = py::none(),
      "baseline"_a = Baseline(0.0), "groups"_a = FeatureGroups(),
      "sliding_window"_a = std::vector<int64_t>{}, "strides"_a = std::vector<int64_t>{},
      "layer"_a = "");
  m.def("compose", &ComposePythonExplainer, "spec_json"_a);
  m.def(
      "explain",
      [](const PythonExplainer& explainer, const PythonModel& model, const torch::Tensor& inputs,
         std::optional<torch::Tensor> targets, uint64_t seed, std::optional<std::string> device,
         std::optional<int64_t> batch_size) {
        return ExplainPoints(explainer, model, inputs, targets, seed, {device, batch_size});
      },
      "explainer"_a, "model"_a, "inputs"_a, "targets"_a = py::none(), "seed"_a = 0,
      "device"_a = py::none(), "batch_size"_a = py::none());
  m.def(
      "explanation_from_tensor",
      [](const torch::Tensor& attributions, std::vector<int64_t> input_shape,
         std::optional<bool> multiplicative, const Baseline& baseline, const FeatureGroups& groups,
         const std::string& method) {
        return ExplanationFromTensor(attributions, input_shape,
                                     {multiplicative, baseline, groups}, method);
      },
      "attributions"_a, "input_shape"_a, "multiplicative"_a = py::none(),
      "baseline"_a = Baseline(0.0), "groups"_a = FeatureGroups(), "method"_a = "given");
  // Zero-copy checks for the tests: where the C++ side sees a tensor's data, as passed and after
  // MakePointBatch (float64 CPU points are used in place).
  m.def("_tensor_address", &Address, "tensor"_a);
  m.def(
      "_point_batch_address",
      [](const torch::Tensor& points) { return Address(MakePointBatch(points, 0).flat); },
      "points"_a);
}

}  // namespace lfa
