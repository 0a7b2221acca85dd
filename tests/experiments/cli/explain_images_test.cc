// `lfa explain` on images, end to end through RunExplain: IDX and CSV pixel input with row ranges
// and shapes, per-element output (patch attributions spread over their pixels), heatmaps, and the
// errors for bad image input. The model is a linear TorchScript classifier on 1x4x4 images,
// f_k(x) = <W_k, x> + b_k, so every expected attribution is written out by hand.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/script.h>

#include "experiments/io/csv.h"
#include "experiments/cli/explain_command.h"
#include "experiments/io/idx.h"
#include "experiments/data/points_input.h"
#include "framework/errors.h"
#include "framework/feature_groups.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;

class ExplainImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "lfa_explain_images_" + std::to_string(getpid());
    std::filesystem::create_directories(dir_);
    weight_ = test::RandomNormal({3, 16}, 11).to(torch::kFloat32);
    bias_ = test::RandomNormal({3}, 12).to(torch::kFloat32);
    auto cu = std::make_shared<torch::jit::CompilationUnit>();
    torch::jit::Module linear("__torch__.LinearImage", cu);
    linear.register_parameter("weight", weight_, false);
    linear.register_parameter("bias", bias_, false);
    linear.define(
        "def forward(self, x):\n    return torch.matmul(x.flatten(1), self.weight.t()) + self.bias\n");
    model_ = dir_ + "/linear.pt";
    linear.save(model_);
    // Six 4x4 uint8 images; pixel values 0..255.
    pixels_ = torch::randint(0, 256, {6, 4, 4}, at::detail::createCPUGenerator(5), torch::kLong)
                  .to(torch::kUInt8);
    idx_ = dir_ + "/images-idx3-ubyte.gz";
    WriteIdx(idx_, pixels_);
  }
  void TearDown() override { test::RemoveTree(dir_); }

  // Runs the command and reads its output: [rows, columns] values and the header.
  CsvTable Explain(ExplainCommandOptions options) {
    options.model = options.model.empty() ? model_ : options.model;
    options.out = dir_ + "/out.csv";
    RunExplain(options);
    return ReadCsv(options.out);
  }
  // Images of rows [begin, end) as float64 [n, 16] in [0, 1].
  torch::Tensor Images(int64_t begin, int64_t end) const {
    return pixels_.slice(0, begin, end).to(torch::kDouble).reshape({end - begin, 16}) / 255.0;
  }

  std::string dir_, model_, idx_;
  torch::Tensor weight_, bias_, pixels_;
};

TEST_F(ExplainImagesTest, GradientOnIdxRowsIsTheTargetWeight) {
  ExplainCommandOptions options;
  options.data = idx_;
  options.rows = "2:5";
  options.explainer = "gradient";
  options.output_index = 1;
  const CsvTable out = Explain(options);
  ASSERT_EQ(out.values.size(0), 3);
  ASSERT_EQ(out.values.size(1), 16 + 4);  // elements, intercept, loss, r2, row
  EXPECT_EQ(out.header[0], "c0_y0_x0");
  EXPECT_EQ(out.header[5], "c0_y1_x1");
  EXPECT_EQ(out.header.back(), "row");
  const torch::Tensor w = weight_[1].to(torch::kDouble).expand({3, 16});
  EXPECT_TRUE(test::AllClose(out.values.slice(1, 0, 16), w, 1e-5));
  EXPECT_TRUE(test::AllClose(out.values.select(1, 19), torch::tensor({2.0, 3.0, 4.0}, torch::kDouble), 0));
}

TEST_F(ExplainImagesTest, PixelScaleAndGradientTimesInput) {
  ExplainCommandOptions options;
  options.data = idx_;
  options.rows = "0:2";
  options.explainer = "gradient_x_input";
  const CsvTable out = Explain(options);
  // Default scale for uint8 IDX: 1/255.
  const torch::Tensor expected = weight_[0].to(torch::kDouble) * Images(0, 2);
  EXPECT_TRUE(test::AllClose(out.values.slice(1, 0, 16), expected, 1e-5));
  options.pixel_scale = 1.0;  // raw 0..255 values
  const CsvTable raw = Explain(options);
  EXPECT_TRUE(test::AllClose(raw.values.slice(1, 0, 16), expected * 255.0, 1e-3));
}

TEST_F(ExplainImagesTest, PatchOcclusionSpreadsEachPatchEffectOverItsPixels) {
  ExplainCommandOptions options;
  options.data = idx_;
  options.explainer = "occlusion";
  options.groups = "patch:2";
  options.samples = 40;  // 4 patches
  const CsvTable out = Explain(options);
  ASSERT_EQ(out.values.size(0), 6);
  // Occlusion of patch g on a linear model: sum_{i in g} w_i x_i, given to every pixel of g.
  const torch::Tensor contributions = weight_[0].to(torch::kDouble) * Images(0, 6);
  const torch::Tensor ids = FeatureGroups::Patches(2).Resolve({1, 4, 4});
  const torch::Tensor per_patch =
      torch::zeros({6, 4}, torch::kDouble).index_add_(1, ids, contributions);
  EXPECT_TRUE(test::AllClose(out.values.slice(1, 0, 16), per_patch.index_select(1, ids), 1e-5));
}

TEST_F(ExplainImagesTest, CsvPixelsWithInputShapeAndHeatmaps) {
  const std::string csv = dir_ + "/pixels.csv";
  std::vector<std::string> header;
  for (int j = 0; j < 16; ++j) header.push_back('p' + std::to_string(j));
  WriteCsv(csv, header, Images(0, 3));
  ExplainCommandOptions options;
  options.data = csv;
  options.input_shape = {1, 4, 4};
  options.explainer = "integrated_gradients";
  options.heatmaps = dir_ + "/heat";
  const CsvTable out = Explain(options);
  EXPECT_EQ(out.header[0], "c0_y0_x0");
  // IG from the zero baseline on a linear model: w * x.
  EXPECT_TRUE(test::AllClose(out.values.slice(1, 0, 16),
                             weight_[0].to(torch::kDouble) * Images(0, 3), 1e-5));
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(std::filesystem::exists(options.heatmaps + "/row" + std::to_string(i) + ".png"));
}

TEST_F(ExplainImagesTest, ImageMethodsRunLikeEveryExplainer) {
  // SmoothGrad-Squared on a linear model: every noisy copy has the gradient W_k, so the map is
  // W_k^2 per pixel; the image methods' CSV holds the maps and the row (no fit columns).
  ExplainCommandOptions options;
  options.data = idx_;
  options.rows = "1:4";
  options.explainer = "smoothgrad_squared";
  options.output_index = 2;
  options.samples = 3;
  options.heatmaps = dir_ + "/heat";
  const CsvTable out = Explain(options);
  ASSERT_EQ(out.values.size(0), 3);
  ASSERT_EQ(out.values.size(1), 16 + 1);
  EXPECT_EQ(out.header.back(), "row");
  const torch::Tensor w = weight_[2].to(torch::kDouble);
  EXPECT_TRUE(test::AllClose(out.values.slice(1, 0, 16), (w * w).expand({3, 16}), 1e-5));
  EXPECT_TRUE(test::AllClose(out.values.select(1, 16),
                             torch::tensor({1.0, 2.0, 3.0}, torch::kDouble), 0));
  for (int i = 1; i < 4; ++i)
    EXPECT_TRUE(std::filesystem::exists(options.heatmaps + "/row" + std::to_string(i) + ".png"));
}

void ExpectInvalid(const std::function<void()>& run, const std::string& fragment) {
  try {
    run();
    ADD_FAILURE() << "no InvalidInput for: " << fragment;
  } catch (const InvalidInput& error) {
    EXPECT_THAT(error.what(), HasSubstr(fragment));
  }
}

TEST_F(ExplainImagesTest, BadImageInputIsNamed) {
  ExplainCommandOptions options;
  options.data = idx_;
  options.explainer = "gradient";
  options.model = model_;
  options.out = dir_ + "/bad.csv";
  auto with = [&](auto change) {
    ExplainCommandOptions o = options;
    change(o);
    return [o] { RunExplain(o); };
  };
  ExpectInvalid(with([](auto& o) { o.rows = "4:2"; }), "'4:2' is empty");
  ExpectInvalid(with([](auto& o) { o.rows = "0:99"; }), "the file has 6 rows");
  ExpectInvalid(with([](auto& o) { o.rows = "a:b"; }), "'a:b'");
  ExpectInvalid(with([](auto& o) { o.input_shape = {1, 5, 5}; }), "1,5,5 has 25 elements");
  ExpectInvalid(with([](auto& o) { o.groups = "patch:x"; }), "patch:x");
  ExpectInvalid(with([](auto& o) { o.groups = "square:2"; }), "square:2");
  ExpectInvalid(with([](auto& o) { o.label_column = "last"; }), "IDX file");
  ExpectInvalid(with([](auto& o) { o.explainer = "gradcam"; }), "named layers");
  ExpectInvalid(with([](auto& o) { o.layer = "conv1"; }), "layer 'conv1'");
  ExpectInvalid(with([](auto& o) { o.explainer = "vargrad"; o.sigma = 0.2; }), "sigma 0.2");
  EXPECT_FALSE(std::filesystem::exists(options.out));

  // A truncated IDX file: the header promises 6 images of 16 bytes.
  const std::string truncated = dir_ + "/truncated-idx3-ubyte";
  {
    std::ofstream file(truncated, std::ios::binary);
    const unsigned char header[] = {0, 0, 8, 3, 0, 0, 0, 6, 0, 0, 0, 4, 0, 0, 0, 4, 1, 2, 3};
    file.write(reinterpret_cast<const char*>(header), sizeof(header));
  }
  ExpectInvalid(with([&](auto& o) { o.data = truncated; }), "truncated");
  // CSV pixels whose count does not fit the shape.
  const std::string csv = dir_ + "/short.csv";
  WriteCsv(csv, {"a", "b", "c"}, torch::ones({2, 3}, torch::kDouble));
  ExpectInvalid(with([&](auto& o) { o.data = csv; o.input_shape = {1, 4, 4}; }),
                "each row of data file");
  ExpectInvalid(with([&](auto& o) { o.data = dir_ + "/none.idx"; }), "does not exist");
}

TEST(PointsInputTest, IdxShapesScalesAndNames) {
  const std::string path = ::testing::TempDir() + "lfa_points_" + std::to_string(getpid()) + ".idx";
  WriteIdx(path, torch::arange(2 * 3 * 2 * 2, torch::kFloat32).reshape({2, 3, 2, 2}));
  const Points all = ReadPoints({.path = path});
  EXPECT_EQ(all.shape, (std::vector<int64_t>{3, 2, 2}));
  EXPECT_TRUE(all.from_idx);
  EXPECT_EQ(all.names[4], "c1_y0_x0");
  // float32 files are not rescaled by default.
  EXPECT_DOUBLE_EQ(all.values[1][2][1][1].item<double>(), 23.0);
  const Points second = ReadPoints({.path = path, .rows = "1:", .input_shape = {12}, .scale = 0.5});
  EXPECT_EQ(second.first_row, 1);
  EXPECT_EQ(second.values.sizes(), (c10::IntArrayRef{1, 12}));
  EXPECT_DOUBLE_EQ(second.values[0][11].item<double>(), 11.5);
  EXPECT_EQ(second.names[11], "x11");
  std::remove(path.c_str());
}

TEST(PointsInputTest, RowRanges) {
  EXPECT_EQ(ParseRowRange("", 7, "f"), (std::pair<int64_t, int64_t>{0, 7}));
  EXPECT_EQ(ParseRowRange("2:", 7, "f"), (std::pair<int64_t, int64_t>{2, 7}));
  EXPECT_EQ(ParseRowRange("0:7", 7, "f"), (std::pair<int64_t, int64_t>{0, 7}));
  EXPECT_THROW(ParseRowRange("3", 7, "f"), InvalidInput);
  EXPECT_THROW(ParseRowRange("-1:3", 7, "f"), InvalidInput);
  EXPECT_THROW(ParseRowRange("0:8", 7, "f"), InvalidInput);
  EXPECT_THROW(ParseRowRange("1:1x", 7, "f"), InvalidInput);
}

TEST(FeatureGroupsTest, SpreadToElementsGivesEveryPixelItsPatchValue) {
  const FeatureGroups patches = FeatureGroups::Patches(2);
  const torch::Tensor values = torch::tensor({{1.0, 2.0, 3.0, 4.0}}, torch::kDouble);
  const torch::Tensor spread = patches.SpreadToElements(values, {1, 4, 4}).reshape({4, 4});
  const torch::Tensor expected = torch::tensor(
      {{1.0, 1.0, 2.0, 2.0}, {1.0, 1.0, 2.0, 2.0}, {3.0, 3.0, 4.0, 4.0}, {3.0, 3.0, 4.0, 4.0}},
      torch::kDouble);
  EXPECT_TRUE(test::AllClose(spread, expected, 0));
  EXPECT_THROW(patches.SpreadToElements(torch::ones({1, 5}), {1, 4, 4}), InvalidInput);
}

}  // namespace
}  // namespace lfa
