// `lfa study localisation` (experiments/studies/localisation/localisation_study.h): option validation. The study itself
// trains three cnns on the full Fashion-MNIST, minutes not milliseconds, so it runs only in
// LocalisationStudyMeasure.DISABLED_Default (--gtest_also_run_disabled_tests; output directory
// from LFA_LOCALISATION_OUT, default out/localisation; LFA_LOCALISATION_POINTS and
// LFA_LOCALISATION_TASKS (comma-separated) override the defaults for a quick look).

#include <cstdlib>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiments/data/fashion_mnist.h"
#include "experiments/studies/localisation/localisation_study.h"
#include "framework/errors.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;

TEST(LocalisationStudyOptions, DefaultsAreValidAndBadValuesAreNamed) {
  std::string error;
  EXPECT_TRUE(LocalisationStudyOptions{}.IsValid(&error)) << error;
  LocalisationStudyOptions options;
  options.points = 1;
  EXPECT_FALSE(options.IsValid(&error));
  EXPECT_THAT(error, HasSubstr("--points must be >= 2"));
  options = {};
  options.samples = 0;
  EXPECT_FALSE(options.IsValid(&error));
  EXPECT_THAT(error, HasSubstr("--samples must be >= 2, got 0"));
  options = {};
  options.tasks = {"block", "stripes"};
  EXPECT_FALSE(options.IsValid(&error));
  EXPECT_THAT(error, HasSubstr("unknown task 'stripes'"));
  options = {};
  options.epochs = 0;
  EXPECT_FALSE(options.IsValid(&error));
  EXPECT_THAT(error, HasSubstr("--epochs"));
  options = {};
  options.points = 1;
  EXPECT_THROW(RunLocalisationStudy(options), InvalidInput);
}

TEST(LocalisationStudyMeasure, DISABLED_Default) {
  if (!FashionMnistPresent()) GTEST_SKIP() << "Fashion-MNIST not installed";
  LocalisationStudyOptions options;
  if (const char* out = std::getenv("LFA_LOCALISATION_OUT"); out != nullptr && *out != '\0')
    options.out = out;
  if (const char* points = std::getenv("LFA_LOCALISATION_POINTS"); points != nullptr && *points != '\0')
    options.points = std::stoll(points);
  if (const char* tasks = std::getenv("LFA_LOCALISATION_TASKS"); tasks != nullptr && *tasks != '\0') {
    options.tasks.clear();
    std::stringstream list(tasks);
    for (std::string task; std::getline(list, task, ',');) options.tasks.push_back(task);
  }
  RunLocalisationStudy(options);
}

}  // namespace
}  // namespace lfa
