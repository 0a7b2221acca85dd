// Model zoo and TorchScript Sequential: deterministic training, the on-disk cache (hits, corrupt
// and stale entries rebuilt, keys that change with the options and the data), layered access
// (outputs equal Forward, activation gradients against finite differences and against the
// closed form of a global-average-pooling head), and a Fashion-MNIST smoke test that skips when
// the dataset is absent. Training here uses a tiny synthetic dataset so the suite stays fast;
// ZooMeasure.DISABLED_FullFashionMnist (run with --gtest_also_run_disabled_tests) measures the
// full training.
// Longer than ~500 lines on purpose: it mirrors experiments/zoo/model_zoo.cc and zoo_cache.cc,
// whose cases share the tiny synthetic dataset and training options defined at its top.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/script.h>

#include "experiments/data/fashion_mnist.h"
#include "experiments/zoo/model_zoo.h"
#include "models/torchscript_sequential.h"
#include "framework/errors.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// n noisy images whose label k is drawn as a bright horizontal bar at row 2 + 2k.
void MakeBars(int64_t n, uint64_t seed, torch::Tensor* images, torch::Tensor* labels) {
  at::Generator generator = at::detail::createCPUGenerator(seed);
  *labels = torch::randint(0, 10, {n}, generator, torch::kLong);
  *images = 0.3 * torch::rand({n, 1, 28, 28}, generator, torch::kFloat32);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t row = 2 + 2 * (*labels)[i].item<int64_t>();
    images->index_put_({i, 0, row}, 1.0);
  }
}

FashionMnist TinyData(uint64_t seed = 1) {
  FashionMnist data;
  MakeBars(256, seed, &data.train_images, &data.train_labels);
  MakeBars(64, seed + 100, &data.test_images, &data.test_labels);
  return data;
}

ZooTrainingOptions TinyOptions(const std::string& architecture = "cnn") {
  return ZooTrainingOptions{.architecture = architecture, .epochs = 1, .batch_size = 16,
                            .learning_rate = 1e-2, .seed = 7};
}

bool SameParameters(ZooModel& a, ZooModel& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  if (pa.size() != pb.size()) return false;
  for (size_t i = 0; i < pa.size(); ++i)
    if (pa[i].first != pb[i].first || !torch::equal(pa[i].second, pb[i].second)) return false;
  return true;
}

class ZooCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("lfa_zoo_test_" + std::to_string(getpid()) + "_" + info->name());
    test::RemoveTree(dir_);
  }
  void TearDown() override { test::RemoveTree(dir_); }

  // LoadOrTrain, returning what it printed on stderr in `warning`.
  ZooEntry Load(const ZooTrainingOptions& options, const FashionMnist& data, std::string* warning) {
    ::testing::internal::CaptureStderr();
    ZooEntry entry = LoadOrTrain(options, data, dir_.string());
    *warning = ::testing::internal::GetCapturedStderr();
    return entry;
  }

  fs::path dir_;
};

TEST(ZooTraining, SameSeedGivesIdenticalParametersAndAccuracy) {
  const FashionMnist data = TinyData();
  const ZooEntry a = TrainZooModel(TinyOptions(), data);
  const ZooEntry b = TrainZooModel(TinyOptions(), data);
  EXPECT_TRUE(SameParameters(*a.model, *b.model));
  EXPECT_EQ(a.test_accuracy, b.test_accuracy);
  EXPECT_GT(a.test_accuracy, 0.2) << "the bars are easy; one epoch should beat chance (0.1)";

  ZooTrainingOptions other = TinyOptions();
  other.seed = 8;
  EXPECT_FALSE(SameParameters(*a.model, *TrainZooModel(other, data).model));
}

TEST(ZooTraining, InvalidOptionsAreRejectedWithTheValue) {
  std::string error;
  EXPECT_TRUE(ZooTrainingOptions{}.IsValid(&error));
  ZooTrainingOptions options;
  options.architecture = "resnet";
  EXPECT_FALSE(options.IsValid(&error));
  EXPECT_THAT(error, HasSubstr("resnet"));
  options = ZooTrainingOptions{};
  options.learning_rate = -1;
  EXPECT_FALSE(options.IsValid(&error));
  EXPECT_THAT(error, HasSubstr("learning_rate"));
  EXPECT_THROW(LoadOrTrain(options, TinyData(), ::testing::TempDir()), InvalidInput);
  options = TinyOptions();
  options.train_subset = 100000;
  EXPECT_THROW(TrainZooModel(options, TinyData()), InvalidInput);
  EXPECT_THROW(ZooModel("resnet", 0), InvalidInput);
}

TEST_F(ZooCacheTest, SecondLoadComesFromTheCacheWithTheSameParameters) {
  const FashionMnist data = TinyData();
  std::string warning;
  const ZooEntry first = Load(TinyOptions(), data, &warning);
  EXPECT_FALSE(first.from_cache);
  EXPECT_TRUE(fs::exists(first.path));
  EXPECT_EQ(first.path, ZooCachePath(TinyOptions(), data, dir_.string()));
  EXPECT_EQ(fs::path(first.path).parent_path(), dir_);
  for (const auto& file : fs::directory_iterator(dir_))
    EXPECT_EQ(file.path().string(), first.path) << "temporary file left behind";

  const ZooEntry second = Load(TinyOptions(), data, &warning);
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(warning, "");
  EXPECT_TRUE(SameParameters(*first.model, *second.model));
  EXPECT_EQ(first.test_accuracy, second.test_accuracy);
  EXPECT_EQ(first.train_seconds, second.train_seconds);
  EXPECT_DOUBLE_EQ(ZooAccuracy(*second.model, data.test_images, data.test_labels),
                   first.test_accuracy);
}

// The offset of `needle` in the file at `path` (npos when absent).
size_t FindInFile(const std::string& path, const std::string& needle) {
  std::ifstream file(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return bytes.find(needle);
}

void FlipByte(const std::string& path, size_t offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(static_cast<std::streamoff>(offset));
  const char byte = static_cast<char>(file.get());
  file.seekp(static_cast<std::streamoff>(offset));
  file.put(static_cast<char>(byte ^ 0x10));
}

TEST_F(ZooCacheTest, CorruptEntriesAreDetectedAndRebuilt) {
  const FashionMnist data = TinyData();
  std::string warning;
  const ZooEntry original = Load(TinyOptions(), data, &warning);
  const auto size = fs::file_size(original.path);

  // Truncated.
  fs::resize_file(original.path, size / 2);
  ZooEntry rebuilt = Load(TinyOptions(), data, &warning);
  EXPECT_FALSE(rebuilt.from_cache);
  EXPECT_THAT(warning, HasSubstr(original.path));
  EXPECT_THAT(warning, HasSubstr("truncated or corrupt"));
  EXPECT_THAT(warning, HasSubstr("retraining"));
  EXPECT_EQ(std::count(warning.begin(), warning.end(), '\n'), 1) << warning;
  EXPECT_TRUE(SameParameters(*original.model, *rebuilt.model));
  // The rebuilt entry is whole again (its size may differ by a digit of the recorded train time).
  EXPECT_TRUE(Load(TinyOptions(), data, &warning).from_cache);

  // One flipped byte in the bytes of a parameter (the fc layer's first weights) and in the stored
  // cache key: LibTorch's reader would load both without complaint, the records' CRC-32 catch
  // them. Then one in the zip file's end record (where the central directory starts).
  torch::Tensor fc_weight;
  for (const auto& [name, parameter] : original.model->named_parameters())
    if (name == "fc.weight") fc_weight = parameter.detach().contiguous();
  ASSERT_TRUE(fc_weight.defined());
  const std::string weight_bytes(static_cast<const char*>(fc_weight.data_ptr()), 64);
  const std::vector<std::pair<std::string, std::string>> targets = {
      {"parameter", weight_bytes}, {"key", "data_fingerprint"}};
  for (const auto& [what, needle] : targets) {
    SCOPED_TRACE(what);
    const size_t offset = FindInFile(original.path, needle);
    ASSERT_NE(offset, std::string::npos);
    FlipByte(original.path, offset + needle.size() / 2);
    rebuilt = Load(TinyOptions(), data, &warning);
    EXPECT_FALSE(rebuilt.from_cache);
    EXPECT_THAT(warning, HasSubstr("unusable"));
    EXPECT_THAT(warning, HasSubstr("CRC-32 mismatch"));
    EXPECT_EQ(std::count(warning.begin(), warning.end(), '\n'), 1) << warning;
    EXPECT_TRUE(SameParameters(*original.model, *rebuilt.model));
  }
  FlipByte(original.path, fs::file_size(original.path) - 3);
  rebuilt = Load(TinyOptions(), data, &warning);
  EXPECT_FALSE(rebuilt.from_cache);
  EXPECT_THAT(warning, HasSubstr("truncated or corrupt"));
  EXPECT_TRUE(SameParameters(*original.model, *rebuilt.model));

  std::ofstream(original.path, std::ios::trunc).close();
  EXPECT_FALSE(Load(TinyOptions(), data, &warning).from_cache);
  EXPECT_THAT(warning, HasSubstr("truncated"));

  // Rebuilt entries are good again.
  EXPECT_TRUE(Load(TinyOptions(), data, &warning).from_cache);
  EXPECT_EQ(warning, "");
}

// An archive under the right name and key whose parameters are not the architecture's (another
// architecture's layers; the right layers with another number of classes) is unusable too.
TEST_F(ZooCacheTest, ArchivesWithoutTheArchitecturesParametersAreRebuilt) {
  const FashionMnist data = TinyData();
  std::string warning;
  const ZooEntry original = Load(TinyOptions(), data, &warning);
  c10::IValue key;
  {
    torch::serialize::InputArchive stored;
    stored.load_from(original.path);
    ASSERT_TRUE(stored.try_read("cache_key", key));
  }
  const auto forge = [&](ZooModel& model) {
    torch::serialize::OutputArchive forged, parameters;
    model.module()->save(parameters);
    forged.write("test_accuracy", c10::IValue(0.5));
    forged.write("train_seconds", c10::IValue(1.0));
    forged.write("parameters", parameters);
    forged.write("cache_key", key);
    forged.save_to(original.path);
  };
  ZooModel mlp("mlp", 7);
  ZooModel two_classes("cnn", 7, /*classes=*/2);
  const std::vector<std::pair<ZooModel*, std::string>> cases = {
      {&mlp, "parameters cannot be read"}, {&two_classes, "'fc.weight' differs in shape"}};
  for (const auto& [model, reason] : cases) {
    SCOPED_TRACE(reason);
    forge(*model);
    const ZooEntry rebuilt = Load(TinyOptions(), data, &warning);
    EXPECT_FALSE(rebuilt.from_cache);
    EXPECT_THAT(warning, HasSubstr(reason));
    EXPECT_TRUE(SameParameters(*original.model, *rebuilt.model));
  }
}

TEST_F(ZooCacheTest, ChangedOptionsOrDataUseAnotherFileAndStaleEntriesAreRebuilt) {
  const FashionMnist data = TinyData();
  const std::string dir = dir_.string();
  const std::string base = ZooCachePath(TinyOptions(), data, dir);
  ZooTrainingOptions seed = TinyOptions(), epochs = TinyOptions(), rate = TinyOptions(),
                     architecture = TinyOptions("mlp"), quiet = TinyOptions();
  seed.seed = 8;
  epochs.epochs = 2;
  rate.learning_rate = 1.0001e-2;
  quiet.progress = true;
  EXPECT_NE(ZooCachePath(seed, data, dir), base);
  EXPECT_NE(ZooCachePath(epochs, data, dir), base);
  EXPECT_NE(ZooCachePath(rate, data, dir), base);
  EXPECT_NE(ZooCachePath(architecture, data, dir), base);
  EXPECT_NE(ZooCachePath(TinyOptions(), TinyData(2), dir), base);
  EXPECT_EQ(ZooCachePath(quiet, data, dir), base) << "progress is not part of the key";

  // An entry for other options copied over this one's name is stale, not used.
  std::string warning;
  const ZooEntry other = Load(seed, data, &warning);
  fs::create_directories(dir_);
  fs::copy_file(other.path, base);
  const ZooEntry entry = Load(TinyOptions(), data, &warning);
  EXPECT_FALSE(entry.from_cache);
  EXPECT_THAT(warning, HasSubstr("stale"));
  EXPECT_FALSE(SameParameters(*other.model, *entry.model));
}

TEST(ZooClasses, TwoClassModelsTrainAndKeyOnlyChangesAwayFromTen) {
  FashionMnist data = TinyData();
  // Bars in the upper half (labels 0..4) against the lower half (5..9): a two-class task.
  data.train_labels = data.train_labels.ge(5).to(torch::kLong);
  data.test_labels = data.test_labels.ge(5).to(torch::kLong);
  ZooTrainingOptions options = TinyOptions();
  options.classes = 2;
  const ZooEntry entry = TrainZooModel(options, data);
  EXPECT_EQ(entry.model->Forward(data.test_images.slice(0, 0, 3)).sizes(),
            (std::vector<int64_t>{3, 2}));
  EXPECT_GT(entry.test_accuracy, 0.6) << "the halves are easy; one epoch should beat chance (0.5)";

  // The key text is unchanged at the default, so entries cached before the option stay valid.
  EXPECT_EQ(TinyOptions().CacheKeyText(),
            R"({"architecture":"cnn","batch_size":16,"epochs":1,"learning_rate":"0.01","seed":7,)"
            R"("train_subset":0})");
  EXPECT_THAT(options.CacheKeyText(), HasSubstr(R"("classes":2)"));
  EXPECT_NE(ZooCachePath(options, data, ::testing::TempDir()),
            ZooCachePath(TinyOptions(), data, ::testing::TempDir()));

  std::string error;
  options.classes = 1;
  EXPECT_FALSE(options.IsValid(&error));
  EXPECT_THAT(error, HasSubstr("classes must be >= 2, got 1"));
  EXPECT_THROW(ZooModel("cnn", 0, 1), InvalidInput);
  // Ten-class labels do not fit two outputs: the labels are named, not a crash in cross_entropy.
  options.classes = 2;
  try {
    TrainZooModel(options, TinyData());
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_THAT(e.what(), HasSubstr("labels must lie in 0..1"));
  }
}

TEST(ZooCacheDirectory, ArgumentThenEnvironmentThenHome) {
  const char* saved = std::getenv("LFA_CACHE_DIR");
  const std::string saved_value = saved ? saved : "";
  setenv("LFA_CACHE_DIR", "/cache/from-environment", 1);
  EXPECT_EQ(ZooCacheDir("/cache/explicit"), "/cache/explicit");
  EXPECT_EQ(ZooCacheDir(), "/cache/from-environment");
  unsetenv("LFA_CACHE_DIR");
  if (const char* home = std::getenv("HOME")) {
    EXPECT_EQ(ZooCacheDir(), (fs::path(home) / ".cache" / "lfa").string());
  }
  if (saved) setenv("LFA_CACHE_DIR", saved_value.c_str(), 1);
}

TEST(ZooLayers, ForwardWithActivationMatchesForwardForEveryLayer) {
  torch::Tensor x, labels;
  MakeBars(5, 3, &x, &labels);
  for (const auto& architecture : ZooArchitectures()) {
    ZooModel model(architecture, 3);
    const torch::Tensor expected = model.Forward(x);
    EXPECT_EQ(expected.sizes(), (std::vector<int64_t>{5, 10}));
    for (const auto& layer : model.layer_names()) {
      SCOPED_TRACE(architecture + " " + layer);
      const auto [outputs, activation] = model.ForwardWithActivation(x, layer);
      EXPECT_TRUE(torch::equal(outputs, expected));
      ASSERT_TRUE(activation.defined());
      EXPECT_EQ(activation.size(0), 5);
    }
  }
  ZooModel cnn("cnn", 3);
  EXPECT_EQ(cnn.ForwardWithActivation(x, "relu2").second.sizes(),
            (std::vector<int64_t>{5, 32, 14, 14}));
  ZooModel gap("cnn_gap", 3);
  EXPECT_EQ(gap.ForwardWithActivation(x, "relu3").second.sizes(),
            (std::vector<int64_t>{5, 64, 7, 7}));
}

TEST(ZooLayers, UnknownLayerNamesTheKnownOnes) {
  ZooModel model("cnn", 0);
  try {
    model.ForwardWithActivation(torch::zeros({1, 1, 28, 28}), "conv9");
    ADD_FAILURE() << "no exception";
  } catch (const InvalidInput& error) {
    EXPECT_THAT(error.what(), HasSubstr("conv9"));
    EXPECT_THAT(error.what(), HasSubstr("conv1, relu1, pool1, conv2"));
  }
}

// d logit_k / d A at "conv2" by autograd against a central difference that reruns the rest of the
// network from the perturbed activation, in float64.
TEST(ZooLayers, ActivationGradientMatchesFiniteDifferences) {
  const ZooEntry trained = TrainZooModel(TinyOptions(), TinyData());
  ZooModel& model = *trained.model;
  model.module()->to(torch::kDouble);
  torch::Tensor x, labels;
  MakeBars(2, 5, &x, &labels);
  x = x.to(torch::kDouble);
  const auto names = model.layer_names();
  const size_t index = std::find(names.begin(), names.end(), "conv2") - names.begin();
  auto net = std::dynamic_pointer_cast<torch::nn::SequentialImpl>(model.module());
  ASSERT_NE(net, nullptr);
  auto tail = [&](torch::Tensor a) {
    for (size_t i = index + 1; i < net->size(); ++i) a = (net->begin() + i)->forward(a);
    return a;
  };

  const int64_t k = 3;
  const auto [outputs, activation] = model.ForwardWithActivation(x, "conv2");
  const torch::Tensor gradient =
      torch::autograd::grad({outputs.select(1, k).sum()}, {activation})[0];
  ASSERT_TRUE(gradient.defined());
  EXPECT_TRUE(test::AllClose(tail(activation.detach()), outputs.detach(), 1e-12));

  // The element with the largest gradient (certainly not on a flat ReLU piece).
  const int64_t flat = gradient.abs().reshape({-1}).argmax().item<int64_t>();
  const double h = 1e-6;
  torch::NoGradGuard no_grad;
  torch::Tensor plus = activation.detach().clone(), minus = activation.detach().clone();
  plus.reshape({-1})[flat] += h;
  minus.reshape({-1})[flat] -= h;
  const double numeric =
      (tail(plus).select(1, k).sum() - tail(minus).select(1, k).sum()).item<double>() / (2 * h);
  EXPECT_NEAR(gradient.reshape({-1})[flat].item<double>(), numeric, 1e-6 * (1 + std::abs(numeric)));
}

// cnn_gap: logit_k = sum_c w_kc mean_ij A_cij + b_k, so d logit_k / d A_cij = w_kc / (H W): the
// identity that makes Grad-CAM equal CAM there.
TEST(ZooLayers, GlobalAveragePoolingHeadHasTheClosedFormGradient) {
  ZooModel model("cnn_gap", 11);
  torch::Tensor x, labels;
  MakeBars(3, 9, &x, &labels);
  const auto [outputs, maps] = model.ForwardWithActivation(x, "relu3");
  const int64_t k = 4;
  const torch::Tensor gradient = torch::autograd::grad({outputs.select(1, k).sum()}, {maps})[0];
  torch::Tensor fc_weight;
  for (const auto& [name, parameter] : model.named_parameters())
    if (name == "fc.weight") fc_weight = parameter.detach();
  ASSERT_TRUE(fc_weight.defined());
  const torch::Tensor expected =
      (fc_weight[k] / 49.0).reshape({1, 64, 1, 1}).expand({3, 64, 7, 7});
  EXPECT_TRUE(test::AllClose(gradient, expected, 1e-7));
}

TEST(ZooFashionMnist, SmallTrainingBeatsChance) {
  if (!FashionMnistPresent()) GTEST_SKIP() << "Fashion-MNIST not installed (dataset-fashion-mnist)";
  const FashionMnist data = LoadFashionMnist();
  ZooTrainingOptions options;
  options.epochs = 1;
  options.train_subset = 2000;
  const std::string dir =
      (fs::temp_directory_path() / ("lfa_zoo_fmnist_" + std::to_string(getpid()))).string();
  const ZooEntry entry = LoadOrTrain(options, data, dir);
  test::RemoveTree(dir);
  EXPECT_FALSE(entry.from_cache);
  EXPECT_GT(entry.test_accuracy, 0.5);
  EXPECT_EQ(entry.model->Forward(data.test_images.slice(0, 0, 4)).sizes(),
            (std::vector<int64_t>{4, 10}));
}

// Full training with the default options; prints accuracy and time. LFA_ZOO_ARCHITECTURE picks
// the architecture (default cnn).
TEST(ZooMeasure, DISABLED_FullFashionMnist) {
  if (!FashionMnistPresent()) GTEST_SKIP() << "Fashion-MNIST not installed";
  const FashionMnist data = LoadFashionMnist();
  ZooTrainingOptions options;
  if (const char* architecture = std::getenv("LFA_ZOO_ARCHITECTURE")) options.architecture = architecture;
  if (const char* epochs = std::getenv("LFA_ZOO_EPOCHS")) options.epochs = std::atoi(epochs);
  options.progress = true;
  const ZooEntry entry = TrainZooModel(options, data);
  std::cout << "model zoo " << options.architecture << ": test accuracy " << entry.test_accuracy
            << ", " << entry.train_seconds << " s training, " << at::get_num_threads()
            << " threads\n";
}

// A TorchScript Sequential built in C++ (Linear 3->4, ReLU, Linear 4->2), saved and reloaded.
class TorchScriptSequentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "lfa_sequential_" + std::to_string(getpid()) + ".pt";
    w1_ = test::RandomNormal({4, 3}, 1).to(torch::kFloat32);
    b1_ = test::RandomNormal({4}, 2).to(torch::kFloat32);
    w2_ = test::RandomNormal({2, 4}, 3).to(torch::kFloat32);
    b2_ = test::RandomNormal({2}, 4).to(torch::kFloat32);
    auto cu = std::make_shared<torch::jit::CompilationUnit>();
    torch::jit::Module sequential("__torch__.torch.nn.modules.container.Sequential", cu);
    sequential.register_module("0", Linear(cu, "Linear0", w1_, b1_));
    torch::jit::Module relu("__torch__.ReLU1", cu);
    relu.define("def forward(self, x):\n    return torch.relu(x)\n");
    sequential.register_module("1", relu);
    sequential.register_module("2", Linear(cu, "Linear2", w2_, b2_));
    sequential.save(path_);
  }
  void TearDown() override { std::remove(path_.c_str()); }

  static torch::jit::Module Linear(const std::shared_ptr<torch::jit::CompilationUnit>& cu,
                                   const std::string& name, const torch::Tensor& w,
                                   const torch::Tensor& b) {
    torch::jit::Module linear("__torch__." + name, cu);
    linear.register_parameter("weight", w, false);
    linear.register_parameter("bias", b, false);
    linear.define("def forward(self, x):\n    return torch.matmul(x, self.weight.t()) + self.bias\n");
    return linear;
  }

  std::string path_;
  torch::Tensor w1_, b1_, w2_, b2_;
};

TEST_F(TorchScriptSequentialTest, ChildrenRunInOrderAndExposeActivations) {
  auto model = LoadTorchScriptSequential(path_);
  EXPECT_EQ(model->layer_names(), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(model->input_shape(), (std::vector<int64_t>{3}));
  // The saved parameters do not require grad; inputs that do put the activation in the graph.
  const torch::Tensor x = test::RandomNormal({5, 3}, 9).to(torch::kFloat32).requires_grad_();
  const torch::Tensor hidden = torch::relu(x.matmul(w1_.t()) + b1_);
  const torch::Tensor expected = hidden.matmul(w2_.t()) + b2_;
  EXPECT_TRUE(test::AllClose(model->Forward(x), expected, 1e-5));

  const auto [outputs, activation] = model->ForwardWithActivation(x, "1");
  EXPECT_TRUE(test::AllClose(outputs, expected, 1e-5));
  EXPECT_TRUE(test::AllClose(activation, hidden, 1e-5));
  // d (sum_i out_i1) / d hidden = w2[1] in every row.
  const torch::Tensor gradient =
      torch::autograd::grad({outputs.select(1, 1).sum()}, {activation})[0];
  EXPECT_TRUE(test::AllClose(gradient, w2_[1].expand({5, 4}), 1e-6));
}

TEST_F(TorchScriptSequentialTest, BadLayersAndFilesAreInvalidInput) {
  auto model = LoadTorchScriptSequential(path_);
  try {
    model->ForwardWithActivation(torch::zeros({1, 3}), "conv1");
    ADD_FAILURE() << "no exception";
  } catch (const InvalidInput& error) {
    EXPECT_THAT(error.what(), HasSubstr("conv1"));
    EXPECT_THAT(error.what(), HasSubstr("0, 1, 2"));
  }
  EXPECT_THROW(LoadTorchScriptSequential(path_ + ".missing"), InvalidInput);

  // A module that is not a Sequential.
  const std::string other = path_ + ".plain.pt";
  auto cu = std::make_shared<torch::jit::CompilationUnit>();
  torch::jit::Module plain("__torch__.Plain", cu);
  plain.define("def forward(self, x):\n    return x\n");
  plain.save(other);
  try {
    LoadTorchScriptSequential(other);
    ADD_FAILURE() << "no exception";
  } catch (const InvalidInput& error) {
    EXPECT_THAT(error.what(), HasSubstr("not a Sequential"));
  }
  std::remove(other.c_str());
}

}  // namespace
}  // namespace lfa
