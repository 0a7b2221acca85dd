// `lfa study images` options (experiments/studies/images/image_study.h): the defaults are valid
// and each bad value is rejected with the flag and the value. The study itself takes minutes; its
// outputs are checked against the pre-redesign CSVs by hand (docs/images.md).

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/studies/images/image_study.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;

TEST(ImageStudyOptions, DefaultsAreValidAndBadValuesAreNamed) {
  std::string error;
  EXPECT_TRUE(ImageStudyOptions{}.IsValid(&error)) << error;
  auto rejects = [](ImageStudyOptions options, const std::string& message) {
    std::string error;
    EXPECT_FALSE(options.IsValid(&error));
    EXPECT_THAT(error, HasSubstr(message));
  };
  ImageStudyOptions o;
  o.samples = 9;
  rejects(o, "--samples must be >= 10, got 9");
  o = {};
  o.patch = 5;
  rejects(o, "--patch must divide 28 (1, 2, 4, 7, 14, 28), got 5");
  o = {};
  o.heatmap_images = -1;
  rejects(o, "--heatmap-images must be >= 0, got -1");
  o = {};
  o.noisy_copies = 0;
  rejects(o, "--noisy-copies must be >= 1, got 0");
  o = {};
  o.models = {};
  rejects(o, "--models is empty");
  o = {};
  o.models = {"cnn", "resnet"};
  rejects(o, "--models: unknown zoo architecture 'resnet'");
  o = {};
  o.points = 1;
  rejects(o, "--points must be >= 2");
  o = {};
  o.nfl_samples = {1000, 9};
  rejects(o, "--nfl-samples: each count must be >= 10, got 9");
  o.nfl_samples = {4000, 1000};
  rejects(o, "--nfl-samples must be ascending without repeats, got 4000 then 1000");
  o.nfl_samples = {1000, 4000};
  o.nfl_sweep_methods = {"clime", "occlusion"};
  rejects(o, "--nfl-sweep-methods: 'occlusion' is not a sampled method");
  o.nfl_sweep_methods = {};
  rejects(o, "--nfl-sweep-methods is empty");
  o.nfl_sweep_methods = {"lime", "clime", "smoothgrad", "integrated_gradients"};
  EXPECT_TRUE(o.IsValid(&error)) << error;
}

}  // namespace
}  // namespace lfa
