// Study models (experiments/studies/common/study_models.h): the test-image slice, the models.csv
// format and the report's source column. LoadStudyModel is LoadOrTrain plus one line on stderr;
// the zoo's own tests cover the loading.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "experiments/studies/common/study_models.h"
#include "framework/errors.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;

TEST(FirstTestImages, TheFirstImagesAsFloat64) {
  FashionMnist data;
  data.test_images = torch::arange(12, torch::kFloat).reshape({3, 1, 2, 2});
  const torch::Tensor images = FirstTestImages(data, 2);
  EXPECT_EQ(images.scalar_type(), torch::kDouble);
  EXPECT_EQ(images.sizes(), (std::vector<int64_t>{2, 1, 2, 2}));
  EXPECT_DOUBLE_EQ(images[1][0][1][1].item<double>(), 7.0);
  try {
    FirstTestImages(data, 4);
    FAIL() << "4 of 3 images accepted";
  } catch (const InvalidInput& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("--points must be in [1, 3] (the test images), got 4"));
  }
}

TEST(WriteStudyModelsCsv, KeyAccuracyAndSeconds) {
  std::string name = "lfa_study_models_";
  name += std::to_string(::getpid());
  const fs::path dir = fs::temp_directory_path() / name;
  fs::create_directories(dir);
  const std::string path = (dir / "models.csv").string();
  WriteStudyModelsCsv(path, "task", {{"block", 0.89164, 29.06, true}, {"control", 0.5, 3.0, false}});
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "task,test_accuracy,train_seconds\nblock,0.8916,29.1\ncontrol,0.5000,3.0\n");
  fs::remove_all(dir);
}

TEST(StudyModelSource, CacheOrTrained) {
  EXPECT_EQ(StudyModelSource({"cnn", 0.9, 30.0, true}), "zoo cache");
  EXPECT_EQ(StudyModelSource({"cnn", 0.9, 30.0, false}), "trained in this run");
}

}  // namespace
}  // namespace lfa
