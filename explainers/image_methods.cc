#include "explainers/image_methods.h"

#include <algorithm>

#include "explainers/cam.h"
#include "framework/errors.h"

namespace lfa {

const std::vector<std::string>& ImageMethodNames() {
  static const std::vector<std::string> names = {"smoothgrad_squared", "vargrad", "gradcam",
                                                 "gradcampp", "smoothgradcampp"};
  return names;
}

bool IsImageMethod(const std::string& name) {
  const auto& names = ImageMethodNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool IsCamMethod(const std::string& name) {
  return name == "gradcam" || name == "gradcampp" || name == "smoothgradcampp";
}

std::string LastSpatialLayer(LayeredModel& model, const std::vector<int64_t>& input_shape,
                             const torch::Device& device) {
  std::vector<int64_t> shape = {1};
  shape.insert(shape.end(), input_shape.begin(), input_shape.end());
  const torch::Tensor probe =
      torch::zeros(shape, torch::TensorOptions().dtype(model.dtype()).device(device));
  torch::NoGradGuard no_grad;
  const auto names = model.layer_names();
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    if (model.ForwardWithActivation(probe, *it).second.dim() == 4) return *it;
  Fail(model.description(), ": no layer with a spatial activation [n, K, h, w] for the CAM family");
}

torch::Tensor ComputeImageMap(const std::string& name, Oracle& oracle, LayeredModel* layered,
                              const torch::Tensor& inputs, const torch::Tensor& targets,
                              const ImageMethodOptions& options) {
  if (!IsImageMethod(name)) Fail("unknown image method '", name, "'");
  if (inputs.dim() != 4) Fail(name, ": inputs must be images [N, C, H, W], got ", inputs.sizes());
  if (name == "smoothgrad_squared")
    return SmoothGradSquared(oracle, inputs, targets, options.samples, options.noise_fraction,
                             options.seed, options.first_index);
  if (name == "vargrad")
    return VarGrad(oracle, inputs, targets, options.samples, options.noise_fraction, options.seed,
                   options.first_index);
  if (layered == nullptr)
    Fail(name, " needs a model with named layers (a zoo model or a TorchScript Sequential), got ",
         oracle.model().description());
  CamOptions cam;
  cam.method = name;
  cam.layer = options.layer.empty()
                  ? LastSpatialLayer(*layered, {inputs.size(1), inputs.size(2), inputs.size(3)},
                                     oracle.device())
                  : options.layer;
  cam.samples = options.samples;
  cam.noise_fraction = options.noise_fraction;
  cam.seed = options.seed;
  cam.first_index = options.first_index;
  cam.max_batch_rows = std::max<int64_t>(1, oracle.options().max_batch_rows);
  const torch::Tensor maps = ComputeCam(*layered, inputs.to(oracle.device()), targets, cam);
  return UpsampleToInput(maps, inputs.size(2), inputs.size(3))
      .unsqueeze(1)
      .expand({-1, inputs.size(1), -1, -1})
      .contiguous();
}

}  // namespace lfa
