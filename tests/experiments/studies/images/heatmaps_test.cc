// The image study's montages (experiments/studies/images/heatmaps.h): one PNG per image up to the
// count, named <model>_<i>.png under heatmaps/, and short tile titles.

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "experiments/studies/images/heatmaps.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;

TEST(WriteImageStudyMontages, OneFilePerImageUpToTheCount) {
  std::string name = "lfa_image_montages_";
  name += std::to_string(::getpid());
  const fs::path out = fs::temp_directory_path() / name;
  fs::create_directories(out / "heatmaps");
  const torch::Tensor images = torch::rand({2, 1, 4, 4}, torch::kDouble);
  const std::vector<ExplainedMap> maps = {{"gradient", torch::rand({2, 1, 4, 4}, torch::kDouble)},
                                          {"gradcam", torch::rand({2, 1, 4, 4}, torch::kDouble)}};
  EXPECT_EQ(WriteImageStudyMontages(out.string(), "cnn", images, maps, 5),
            (std::vector<std::string>{"heatmaps/cnn_0.png", "heatmaps/cnn_1.png"}));
  EXPECT_TRUE(fs::is_regular_file(out / "heatmaps" / "cnn_1.png"));
  EXPECT_EQ(WriteImageStudyMontages(out.string(), "mlp", images, maps, 1),
            (std::vector<std::string>{"heatmaps/mlp_0.png"}));
  EXPECT_FALSE(fs::exists(out / "heatmaps" / "mlp_1.png"));
  EXPECT_TRUE(WriteImageStudyMontages(out.string(), "mlp", images, maps, 0).empty());
  fs::remove_all(out);
}

TEST(MontageTitle, ShortNamesForLongMethods) {
  EXPECT_EQ(MontageTitle("integrated_gradients"), "ig");
  EXPECT_EQ(MontageTitle("smoothgradcampp"), "smooth gradcam++");
  EXPECT_EQ(MontageTitle("lime"), "lime");
}

}  // namespace
}  // namespace lfa
