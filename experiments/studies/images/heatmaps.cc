#include "experiments/studies/images/heatmaps.h"

#include <algorithm>
#include <map>

#include "experiments/report/heatmap.h"
#include "explainers/image_methods.h"

namespace lfa {

std::string MontageTitle(const std::string& method) {
  static const std::map<std::string, std::string> short_names = {
      {"integrated_gradients", "ig"}, {"gradient_x_input", "grad x input"},
      {"smoothgrad_squared", "sg squared"}, {"smoothgradcampp", "smooth gradcam++"},
      {"gradcampp", "gradcam++"}};
  const auto it = short_names.find(method);
  return it == short_names.end() ? method : it->second;
}

std::vector<ExplainedMap> MontageMaps(const std::vector<ExplainedMap>& maps, int64_t count) {
  std::vector<ExplainedMap> kept;
  for (const ExplainedMap& x : maps)
    kept.push_back({x.name, x.maps.slice(0, 0, std::min(count, x.maps.size(0))).clone()});
  return kept;
}

std::vector<std::string> WriteImageStudyMontages(const std::string& out, const std::string& model,
                                                 const torch::Tensor& images,
                                                 const std::vector<ExplainedMap>& maps,
                                                 int64_t count) {
  std::vector<std::string> files;
  for (int64_t i = 0; i < std::min(count, images.size(0)); ++i) {
    std::vector<MontagePanel> panels;
    for (const ExplainedMap& x : maps) {
      const bool cam = IsCamMethod(x.name);
      // A CAM's channels repeat one map: the overlay takes it at [H, W].
      panels.push_back({MontageTitle(x.name), cam ? x.maps[i][0] : x.maps[i],
                        cam ? PanelKind::kCamOverlay : PanelKind::kAttribution});
    }
    std::string file = "heatmaps/";
    file += model;
    file += "_";
    file += std::to_string(i);
    file += ".png";
    WriteMontage(out + "/" + file, images[i], panels, MontageOptions{});
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace lfa
