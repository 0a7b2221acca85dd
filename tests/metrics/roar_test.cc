// ROAR / KAR: the removal replaces exactly round(t * H * W) pixels per image (ROAR) or all the
// others (KAR), all channels of a pixel together, by the channel means, ranked by sum_c |map| with
// ties by pixel index; Sobel's known magnitudes on step edges; per-image random streams; and the
// study: the random baseline on a model that ignores its input is the label prior at every
// fraction, and an interrupted study resumes without retraining a finished cell and ends with the
// table of an uninterrupted run.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "experiments/data/fashion_mnist.h"
#include "experiments/zoo/model_zoo.h"
#include "experiments/studies/roar/roar_study.h"
#include "framework/errors.h"
#include "metrics/roar.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;

// Indices of the k largest values of `values`, ties by smaller index (written out independently
// of the library's sort).
std::vector<int64_t> TopIndices(const std::vector<double>& values, int64_t k) {
  std::vector<int64_t> index(values.size());
  std::iota(index.begin(), index.end(), 0);
  std::sort(index.begin(), index.end(), [&](int64_t a, int64_t b) {
    return values[a] != values[b] ? values[a] > values[b] : a < b;
  });
  index.resize(k);
  std::sort(index.begin(), index.end());
  return index;
}

// Pixels of image i whose value differs from the original in some channel, and a check that every
// changed pixel is changed in all channels to the channel means.
std::vector<int64_t> ChangedPixels(const torch::Tensor& original, const torch::Tensor& removed,
                                   const torch::Tensor& means, int64_t i) {
  std::vector<int64_t> changed;
  const int64_t c = original.size(1), h = original.size(2), w = original.size(3);
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      int64_t channels = 0;
      for (int64_t k = 0; k < c; ++k) {
        const double after = removed[i][k][y][x].item<double>();
        if (after != original[i][k][y][x].item<double>()) {
          ++channels;
          EXPECT_DOUBLE_EQ(after, means[k].item<double>());
        }
      }
      if (channels > 0) {
        EXPECT_EQ(channels, c) << "pixel " << y * w + x << " changed in some channels only";
        changed.push_back(y * w + x);
      }
    }
  }
  return changed;
}

TEST(RoarRemoval, RoarReplacesExactlyTheTopPixelsInAllChannels) {
  // Pixel values in [0.5, 1], means 0.1 and 0.2: every replaced pixel changes.
  const torch::Tensor images = test::RandomUniform({3, 2, 5, 4}, 0.5, 1.0, 1);
  const torch::Tensor maps = test::RandomNormal({3, 5, 4}, 2);
  const torch::Tensor means = torch::tensor({0.1, 0.2}, torch::kDouble);
  for (double t : {0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0}) {
    const int64_t k = std::llround(t * 20);
    const torch::Tensor roar = RemoveByRanking(images, maps, t, RemovalMode::kRoar, means);
    const torch::Tensor kar = RemoveByRanking(images, maps, t, RemovalMode::kKar, means);
    for (int64_t i = 0; i < 3; ++i) {
      std::vector<double> values(20);
      for (int64_t j = 0; j < 20; ++j) values[j] = maps[i].reshape({-1})[j].item<double>();
      const std::vector<int64_t> top = TopIndices(values, k);
      EXPECT_EQ(ChangedPixels(images, roar, means, i), top) << "t = " << t;
      std::vector<int64_t> rest;
      for (int64_t j = 0; j < 20; ++j)
        if (!std::binary_search(top.begin(), top.end(), j)) rest.push_back(j);
      EXPECT_EQ(ChangedPixels(images, kar, means, i), rest) << "t = " << t;
    }
  }
}

TEST(RoarRemoval, CountsRoundToNearestWithHalvesUp) {
  EXPECT_EQ(TopPixelCount(0.25, 10), 3);   // 2.5 -> 3
  EXPECT_EQ(TopPixelCount(0.1, 784), 78);  // 78.4
  EXPECT_EQ(TopPixelCount(0.9, 784), 706); // 705.6
  EXPECT_EQ(TopPixelCount(1.0, 784), 784);
  EXPECT_THROW(TopPixelCount(1.5, 10), InvalidInput);
}

TEST(RoarRemoval, TiesGoToTheSmallerPixelIndex) {
  const torch::Tensor images = torch::ones({1, 1, 3, 3}, torch::kDouble);
  const torch::Tensor means = torch::zeros({1}, torch::kDouble);
  // A constant map removes pixels in reading order.
  const torch::Tensor flat = RemoveByRanking(images, torch::zeros({1, 3, 3}), 4.0 / 9,
                                             RemovalMode::kRoar, means);
  EXPECT_TRUE(torch::equal(flat.reshape({-1}),
                           torch::tensor({0., 0., 0., 0., 1., 1., 1., 1., 1.}, torch::kDouble)));
  // Values 2 at pixels 5 and 7, 1 at 1, 3 and 8: top 4 = {5, 7} then {1, 3} (smallest indices).
  const torch::Tensor map = torch::tensor({0., 1., 0., 1., 0., 2., 0., 2., 1.}).reshape({1, 3, 3});
  EXPECT_TRUE(torch::equal(PixelOrder(map).slice(1, 0, 5),
                           torch::tensor({{5, 7, 1, 3, 8}}, torch::kLong)));
}

TEST(RoarRemoval, ElementMapsRankPixelsBySummedMagnitude) {
  // Two channels: pixel 2 has (-3, 0) -> 3, pixel 0 has (1, 1) -> 2, pixel 1 has (0.5, 0) -> 0.5.
  const torch::Tensor maps =
      torch::tensor({1.0, 0.5, -3.0, 0.0, 1.0, 0.0, 0.0, 0.0}).reshape({1, 2, 1, 4});
  EXPECT_TRUE(torch::equal(PixelOrder(maps), torch::tensor({{2, 0, 1, 3}}, torch::kLong)));
  EXPECT_THROW(PixelOrder(torch::full({1, 2, 2}, NAN)), InvalidInput);
  EXPECT_THROW(RemoveByRanking(torch::ones({1, 1, 2, 2}), torch::ones({1, 3, 3}), 0.5,
                               RemovalMode::kRoar, torch::zeros({1})),
               InvalidInput);
}

TEST(RoarRemoval, ChannelMeansAverageOverImagesAndPixels) {
  torch::Tensor images = torch::zeros({2, 2, 2, 2}, torch::kDouble);
  images.select(1, 0).fill_(1.0);
  images[1][1][0][0] = 4.0;
  EXPECT_TRUE(test::AllClose(ChannelMeans(images), torch::tensor({1.0, 0.5}, torch::kDouble), 1e-15));
}

TEST(SobelEdgeMap, VerticalStepHasMagnitudeFourBesideTheEdge) {
  torch::Tensor images = torch::zeros({1, 1, 6, 7}, torch::kDouble);
  images.slice(3, 3).fill_(1.0);  // columns 3..6 are 1: the step lies between columns 2 and 3
  torch::Tensor expected = torch::zeros({1, 6, 7}, torch::kDouble);
  expected.select(2, 2).fill_(4.0);
  expected.select(2, 3).fill_(4.0);
  EXPECT_TRUE(test::AllClose(SobelEdgeMap(images), expected, 1e-12));
  // A horizontal step of height 0.5 in both of two channels: sqrt(2 * 2^2) beside the edge.
  torch::Tensor two = torch::zeros({1, 2, 5, 5}, torch::kDouble);
  two.slice(2, 2).fill_(0.5);
  torch::Tensor expected_two = torch::zeros({1, 5, 5}, torch::kDouble);
  expected_two.select(1, 1).fill_(std::sqrt(8.0));
  expected_two.select(1, 2).fill_(std::sqrt(8.0));
  EXPECT_TRUE(test::AllClose(SobelEdgeMap(two), expected_two, 1e-12));
  EXPECT_EQ(SobelEdgeMap(torch::full({2, 1, 4, 4}, 0.7)).abs().max().item<double>(), 0.0);
}

TEST(RandomMap, EachImageHasItsOwnSeededStream) {
  const torch::Tensor all = RandomMap(5, 4, 3, 11);
  EXPECT_EQ(all.sizes(), (std::vector<int64_t>{5, 4, 3}));
  EXPECT_TRUE(torch::equal(RandomMap(1, 4, 3, 11, /*first_index=*/2)[0], all[2]));
  EXPECT_TRUE(torch::equal(RandomMap(5, 4, 3, 11), all));
  EXPECT_FALSE(torch::equal(RandomMap(5, 4, 3, 12), all));
  EXPECT_FALSE(torch::equal(all[0], all[1]));
  EXPECT_GE(all.min().item<double>(), 0.0);
  EXPECT_LT(all.max().item<double>(), 1.0);
}

// Tiny synthetic data: 40 training and 20 test images of 1 x 8 x 8.
FashionMnist TinyData() {
  FashionMnist d;
  d.train_images = test::RandomUniform({40, 1, 8, 8}, 0, 1, 5).to(torch::kFloat);
  d.test_images = test::RandomUniform({20, 1, 8, 8}, 0, 1, 6).to(torch::kFloat);
  d.train_labels = torch::arange(40, torch::kLong).remainder(3);  // 0, 1, 2, 0, 1, 2, ...
  d.train_labels[1] = 0;  // the first 30: eleven 0s, nine 1s, ten 2s
  d.test_labels = torch::ones({20}, torch::kLong);
  d.test_labels.slice(0, 0, 7).fill_(0);  // the first 12: seven 0s, five 1s
  return d;
}

std::string TempDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("lfa_roar_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir.string();
}

std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

RoarStudyOptions TinyOptions(const std::string& out) {
  RoarStudyOptions o;
  o.out = out;
  o.fractions = {0.1, 0.5, 0.9};
  o.retrains = 2;
  o.train_subset = 30;
  o.test_subset = 12;
  o.epochs = 1;
  o.methods = {"random", "sobel"};
  return o;
}

TEST(RoarStudy, RandomBaselineOnAnInputBlindModelIsTheLabelPrior) {
  // The "model" ignores the images: it predicts the most frequent training label (0: eleven of the
  // first 30), so its accuracy is that label's share of the test labels, 7 of the first 12, at
  // every fraction, whatever the removal did to the images.
  const auto prior = [](const FashionMnist& d, uint64_t) {
    const torch::Tensor counts = torch::bincount(d.train_labels);
    const int64_t majority = counts.argmax().item<int64_t>();
    return d.test_labels.eq(majority).to(torch::kDouble).mean().item<double>();
  };
  const std::string out = TempDir("prior");
  RunRoarStudy(TinyOptions(out), TinyData(), prior);
  std::ifstream csv(out + "/roar.csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "mode,fraction,method,metric,mean,sem,n");
  int random_rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream parts(line);
    for (std::string p; std::getline(parts, p, ',');) f.push_back(p);
    ASSERT_EQ(f.size(), 7u) << line;
    EXPECT_NEAR(std::stod(f[4]), 7.0 / 12, 1e-6) << line;
    EXPECT_NEAR(std::stod(f[5]), 0.0, 1e-12) << line;
    random_rows += f[2] == "random";
  }
  EXPECT_EQ(random_rows, 6);  // 2 modes x 3 fractions
  EXPECT_NE(ReadText(out + "/report.md").find("Unmodified model"), std::string::npos);
  fs::remove_all(out);
}

// A trainer whose "accuracy" depends on the modified images and the seed, counting its calls and
// throwing after `fail_after` of them (0: never).
struct CountingTrainer {
  int* calls;
  int fail_after = 0;
  double operator()(const FashionMnist& d, uint64_t seed) const {
    if (fail_after > 0 && *calls >= fail_after) throw std::runtime_error("interrupted");
    ++*calls;
    return d.train_images.sum().item<double>() / 1000 + d.test_images.sum().item<double>() / 1e4 +
           1e-3 * static_cast<double>(seed);
  }
};

TEST(RoarStudy, ResumesWithoutRetrainingFinishedCells) {
  const FashionMnist data = TinyData();
  const int cells = 2 * (1 + 2 * 2 * 3);  // retrains x (unmodified + methods x modes x fractions)

  const std::string whole = TempDir("whole");
  int whole_calls = 0;
  RunRoarStudy(TinyOptions(whole), data, CountingTrainer{&whole_calls});
  EXPECT_EQ(whole_calls, cells);

  const std::string resumed = TempDir("resumed");
  int calls = 0;
  EXPECT_THROW(RunRoarStudy(TinyOptions(resumed), data, CountingTrainer{&calls, 5}),
               std::runtime_error);
  EXPECT_EQ(calls, 5);
  // A torn line, as a kill in the middle of a write would leave.
  std::ofstream(resumed + "/state.csv", std::ios::app) << "0123456789abcdef,roar,0.1,ran";
  int more = 0;
  RunRoarStudy(TinyOptions(resumed), data, CountingTrainer{&more});
  EXPECT_EQ(more, cells - 5);
  EXPECT_EQ(ReadText(resumed + "/roar.csv"), ReadText(whole + "/roar.csv"));
  EXPECT_EQ(ReadText(resumed + "/runs.csv").size(), ReadText(whole + "/runs.csv").size());

  int none = 0;
  RunRoarStudy(TinyOptions(resumed), data, CountingTrainer{&none});
  EXPECT_EQ(none, 0);

  // Other options that change results never reuse the journal; more fractions reuse what they can.
  RoarStudyOptions other = TinyOptions(resumed);
  other.epochs = 2;
  int fresh = 0;
  RunRoarStudy(other, data, CountingTrainer{&fresh});
  EXPECT_EQ(fresh, cells);
  RoarStudyOptions wider = TinyOptions(resumed);
  wider.fractions = {0.1, 0.3, 0.5, 0.9};
  int extra = 0;
  RunRoarStudy(wider, data, CountingTrainer{&extra});
  EXPECT_EQ(extra, 2 * 2 * 2);  // the new fraction: retrains x methods x modes
  fs::remove_all(whole);
  fs::remove_all(resumed);
}

TEST(RoarStudy, OptionsAreValidated) {
  std::string error;
  RoarStudyOptions o;
  EXPECT_TRUE(o.IsValid(&error)) << error;
  o.fractions = {0.1, 1.0};
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("--fractions"), std::string::npos);
  o = RoarStudyOptions{};
  o.methods = {"gradient", "lime"};
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("lime"), std::string::npos);
  o = RoarStudyOptions{};
  o.retrains = 0;
  EXPECT_FALSE(o.IsValid(&error));
}

// Measurements, not tests (run with --gtest_also_run_disabled_tests and Fashion-MNIST present):
// one training at the default scale, and the whole default study into $LFA_ROAR_OUT (default
// out/roar), the same as `lfa study roar` with its defaults.
TEST(RoarMeasure, DISABLED_OneTrainingAtTheDefaultScale) {
  if (!FashionMnistPresent()) GTEST_SKIP() << "Fashion-MNIST not found";
  const FashionMnist data = LoadFashionMnist();
  const RoarStudyOptions defaults;
  ZooTrainingOptions training;
  training.epochs = defaults.epochs;
  training.train_subset = defaults.train_subset;
  const ZooEntry entry = TrainZooModel(training, data);
  std::printf("cnn, %lld images, %lld epochs: %.1f s, test accuracy %.4f\n",
              static_cast<long long>(defaults.train_subset), static_cast<long long>(defaults.epochs),
              entry.train_seconds, entry.test_accuracy);
  EXPECT_GT(entry.test_accuracy, 0.5);
}

TEST(RoarMeasure, DISABLED_DefaultStudy) {
  if (!FashionMnistPresent()) GTEST_SKIP() << "Fashion-MNIST not found";
  RoarStudyOptions options;
  if (const char* out = std::getenv("LFA_ROAR_OUT")) options.out = out;
  RunRoarStudy(options);
  EXPECT_TRUE(fs::exists(options.out + "/report.md"));
}

}  // namespace
}  // namespace lfa
