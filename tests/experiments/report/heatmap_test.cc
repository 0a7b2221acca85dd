// Heatmaps and montages, against values worked out by hand:
//   - PNG files round-trip byte for byte through libpng; grey comes back as three equal channels;
//   - percentiles follow numpy's "linear" rule (0..100 -> P99 = 99; [1, 2, 3, 4] -> P50 = 2.5);
//   - display maps: |a| summed over channels and capped at that percentile; signed maps keep signs,
//     0 -> 0, outliers clamp to -1; an all-zero map stays zero; a sparse map falls back to its max;
//   - colours at control points and midpoints of the tables (white at 0, red at +1, blue at -1);
//   - overlays at alpha 0 (the image) and 1 (the colours), including a bilinear upsample with
//     align_corners = false whose values are known;
//   - montage sizes and tile positions from the documented formula, the input tile equal to the
//     scaled image, titles drawn where the formula puts them, and every bad input naming itself.

#include "experiments/io/png.h"
#include "experiments/report/heatmap.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include "framework/errors.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using ::testing::HasSubstr;
using test::AllClose;

// Expects `call` to throw InvalidInput whose message contains every one of `parts`.
void ExpectInvalid(const std::function<void()>& call, const std::vector<std::string>& parts) {
  try {
    call();
    ADD_FAILURE() << "did not throw (expected a message with '" << parts.front() << "')";
  } catch (const InvalidInput& error) {
    for (const std::string& part : parts) EXPECT_THAT(error.what(), HasSubstr(part));
  }
}

torch::Tensor Bytes(std::vector<int64_t> shape, const std::vector<int>& values) {
  return torch::tensor(std::vector<int64_t>(values.begin(), values.end()), torch::kLong)
      .reshape(shape)
      .to(torch::kUInt8);
}

// [H, W, 3] pixel (row, column) as a vector of three ints.
std::vector<int> Pixel(const torch::Tensor& rgb, int64_t row, int64_t column) {
  const torch::Tensor p = rgb[row][column].to(torch::kInt);
  return {p[0].item<int>(), p[1].item<int>(), p[2].item<int>()};
}

// Number of black pixels in rows [top, bottom) and columns [left, right) of an [H, W, 3] canvas.
int64_t BlackPixels(const torch::Tensor& rgb, int64_t top, int64_t bottom, int64_t left,
                    int64_t right) {
  return (rgb.slice(0, top, bottom).slice(1, left, right).sum(2) == 0).sum().item<int64_t>();
}

class HeatmapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("lfa_heatmap_test_" + std::to_string(getpid()) + "_" + info->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { test::RemoveTree(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// A grey image [1, H, W] whose pixel (i, j) is byte (7 i + 3 j) mod 256, as a value in [0, 1].
torch::Tensor GreyPattern(int64_t height, int64_t width) {
  const torch::Tensor i = torch::arange(height, torch::kLong).unsqueeze(1);
  const torch::Tensor j = torch::arange(width, torch::kLong).unsqueeze(0);
  return ((7 * i + 3 * j) % 256).to(torch::kDouble).div(255.0).unsqueeze(0);
}

// ------------------------------------------------------------------------------------------------
// PNG

TEST_F(HeatmapTest, PngRoundTripsRgbBytes) {
  const torch::Tensor i = torch::arange(5, torch::kLong).view({5, 1, 1});
  const torch::Tensor j = torch::arange(7, torch::kLong).view({1, 7, 1});
  const torch::Tensor c = torch::arange(3, torch::kLong).view({1, 1, 3});
  const torch::Tensor rgb = ((31 * i + 7 * j + 101 * c) % 256).to(torch::kUInt8);
  const std::string path = Path("pattern.png");
  WritePng(path, rgb);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const torch::Tensor back = ReadPng(path);
  EXPECT_EQ(back.sizes(), rgb.sizes());
  EXPECT_EQ(back.scalar_type(), torch::kUInt8);
  EXPECT_TRUE(torch::equal(back, rgb));
}

TEST_F(HeatmapTest, PngGreyReadsAsThreeEqualChannels) {
  const torch::Tensor grey = Bytes({2, 3}, {0, 1, 127, 128, 254, 255});
  WritePng(Path("grey.png"), grey);
  const torch::Tensor back = ReadPng(Path("grey.png"));
  ASSERT_EQ(back.sizes(), torch::IntArrayRef({2, 3, 3}));
  for (int64_t channel = 0; channel < 3; ++channel)
    EXPECT_TRUE(torch::equal(back.select(2, channel), grey)) << "channel " << channel;
  WritePng(Path("grey1.png"), grey.unsqueeze(2));  // [H, W, 1] is grey too
  EXPECT_TRUE(torch::equal(ReadPng(Path("grey1.png")), back));
}

TEST_F(HeatmapTest, PngErrorsNameThePath) {
  const torch::Tensor rgb = torch::zeros({2, 2, 3}, torch::kUInt8);
  const std::string missing_dir = Path("no-such-dir/x.png");
  ExpectInvalid([&] { WritePng(missing_dir, rgb); }, {missing_dir, "does not exist"});
  {
    std::ofstream(Path("file.txt")) << "not a directory";
  }
  const std::string under_file = Path("file.txt/x.png");
  ExpectInvalid([&] { WritePng(under_file, rgb); }, {under_file, "not a directory"});
  // Not writable even for root: libpng's fopen fails and the error says so.
  if (std::filesystem::is_directory("/proc")) {
    ExpectInvalid([&] { WritePng("/proc/lfa_heatmap_test.png", rgb); },
                  {"/proc/lfa_heatmap_test.png", "cannot create"});
  }
  ExpectInvalid([&] { WritePng(Path("f.png"), torch::zeros({2, 2, 3})); },
                {Path("f.png"), "uint8", "Float"});
  ExpectInvalid([&] { WritePng(Path("f.png"), torch::zeros({2, 2, 2}, torch::kUInt8)); },
                {Path("f.png"), "[2, 2, 2]"});
  ExpectInvalid([&] { WritePng(Path("f.png"), torch::zeros({0, 2, 3}, torch::kUInt8)); },
                {Path("f.png"), "empty"});
  ExpectInvalid([&] { ReadPng(Path("missing.png")); }, {Path("missing.png"), "no such file"});
  ExpectInvalid([&] { ReadPng(Path("file.txt")); }, {Path("file.txt"), "not a readable PNG"});
  EXPECT_FALSE(std::filesystem::exists(Path("f.png")));
}

// ------------------------------------------------------------------------------------------------
// Percentiles and display maps

TEST(PercentileTest, LinearInterpolationBetweenOrderStatistics) {
  // 0..100 in a scrambled order: h = 100 P / 100, exactly the order statistic P.
  const torch::Tensor values = (torch::arange(101, torch::kLong) * 37 % 101).to(torch::kDouble);
  EXPECT_DOUBLE_EQ(Percentile(values, 99), 99.0);
  EXPECT_DOUBLE_EQ(Percentile(values, 50), 50.0);
  EXPECT_DOUBLE_EQ(Percentile(values, 0), 0.0);
  EXPECT_DOUBLE_EQ(Percentile(values, 100), 100.0);
  // [4, 1, 3, 2]: h = 3 P / 100; P50 -> h = 1.5 -> 2.5, P25 -> h = 0.75 -> 1.75, P90 -> 3.7.
  const torch::Tensor four = torch::tensor({4.0, 1.0, 3.0, 2.0});
  EXPECT_DOUBLE_EQ(Percentile(four, 50), 2.5);
  EXPECT_DOUBLE_EQ(Percentile(four, 25), 1.75);
  EXPECT_NEAR(Percentile(four, 90), 3.7, 1e-12);
  EXPECT_DOUBLE_EQ(Percentile(torch::tensor({5.0}), 99), 5.0);
  ExpectInvalid([&] { Percentile(four, 101); }, {"percentile", "101"});
  ExpectInvalid([&] { Percentile(torch::zeros({0}), 50); }, {"empty"});
}

TEST(DisplayMapTest, UnsignedCapsAtThe99thPercentile) {
  // Values 0..100 on a 1 x 101 map: cap = 99, D = min(v, 99) / 99.
  const torch::Tensor v = torch::arange(101, torch::kDouble).view({1, 101});
  const torch::Tensor display = DisplayMap(v);
  EXPECT_EQ(display.scalar_type(), torch::kDouble);
  EXPECT_TRUE(AllClose(display, v.clamp_max(99) / 99.0, 1e-15));
  EXPECT_EQ(display[0][100].item<double>(), 1.0);
  EXPECT_EQ(display[0][99].item<double>(), 1.0);
  // Percentile 50: cap = 50.
  EXPECT_TRUE(AllClose(DisplayMap(v, {.percentile = 50}), v.clamp_max(50) / 50.0, 1e-15));
}

TEST(DisplayMapTest, SumsAbsoluteValuesOverChannels) {
  // Channels v, -v, 2v (float32): sum |a| = 4 v, cap = 4 * 99; the signed sum is 2 v.
  const torch::Tensor v = torch::arange(101, torch::kDouble).view({1, 101});
  const torch::Tensor attribution = torch::stack({v, -v, 2 * v}).to(torch::kFloat);
  EXPECT_TRUE(AllClose(DisplayMap(attribution), v.clamp_max(99) / 99.0, 1e-15));
  EXPECT_TRUE(AllClose(DisplayMap(attribution, {.signed_map = true}), v.clamp_max(99) / 99.0,
                       1e-15));
  // Channels that cancel: unsigned sees them, signed shows nothing.
  const torch::Tensor cancel = torch::stack({v, -v});
  EXPECT_TRUE(AllClose(DisplayMap(cancel), v.clamp_max(99) / 99.0, 1e-15));
  EXPECT_TRUE(AllClose(DisplayMap(cancel, {.signed_map = true}), torch::zeros({1, 101}), 0.0));
}

TEST(DisplayMapTest, SignedKeepsSignsAndClampsOutliers) {
  // s_i = (-1)^i i for i = 0..99 and one outlier -1000: |s| = 0..99, 1000, so P99 = 99.
  std::vector<double> s;
  for (int i = 0; i < 100; ++i) s.push_back(i % 2 == 0 ? i : -i);
  s.push_back(-1000);
  const torch::Tensor map = torch::tensor(s, torch::kDouble).view({1, 101});
  const torch::Tensor display = DisplayMap(map, {.signed_map = true});
  torch::Tensor expected = map / 99.0;
  expected[0][100] = -1.0;
  EXPECT_TRUE(AllClose(display, expected, 1e-15));
  EXPECT_EQ(display[0][0].item<double>(), 0.0);
  EXPECT_EQ(display[0][99].item<double>(), -1.0);
  // Unsigned: |s| capped at 99, the outlier saturates at 1.
  EXPECT_TRUE(AllClose(DisplayMap(map), map.abs().clamp_max(99) / 99.0, 1e-15));
}

TEST(DisplayMapTest, AllZeroAndSparseMaps) {
  for (bool is_signed : {false, true}) {
    const torch::Tensor display =
        DisplayMap(torch::zeros({3, 4, 5}), {.signed_map = is_signed});
    EXPECT_EQ(display.sizes(), torch::IntArrayRef({4, 5}));
    EXPECT_TRUE(AllClose(display, torch::zeros({4, 5}), 0.0)) << "signed " << is_signed;
  }
  // One non-zero pixel in 1000: P99 = 0 (h = 989.01 lands among the zeros), so the cap is the max.
  torch::Tensor sparse = torch::zeros({40, 25}, torch::kDouble);
  sparse[3][4] = -5.0;
  torch::Tensor expected = torch::zeros({40, 25}, torch::kDouble);
  expected[3][4] = 1.0;
  EXPECT_TRUE(AllClose(DisplayMap(sparse), expected, 0.0));
  expected[3][4] = -1.0;
  EXPECT_TRUE(AllClose(DisplayMap(sparse, {.signed_map = true}), expected, 0.0));
}

TEST(DisplayMapTest, RejectsBadInput) {
  ExpectInvalid([] { DisplayMap(torch::zeros({1, 1, 2, 2})); }, {"[1, 1, 2, 2]"});
  ExpectInvalid([] { DisplayMap(torch::zeros({5})); }, {"[5]"});
  ExpectInvalid([] { DisplayMap(torch::zeros({2, 2}, torch::kLong)); }, {"floating", "Long"});
  ExpectInvalid([] { DisplayMap(torch::zeros({0, 2})); }, {"empty"});
  ExpectInvalid([] { DisplayMap(torch::full({2, 2}, NAN)); }, {"4 non-finite"});
  ExpectInvalid([] { DisplayMap(torch::ones({2, 2}), {.percentile = 0}); }, {"percentile", "0"});
  std::string error;
  EXPECT_FALSE((DisplayOptions{.percentile = 100.5}).IsValid(&error));
  EXPECT_THAT(error, HasSubstr("100.5"));
  EXPECT_TRUE((DisplayOptions{.percentile = 100}).IsValid(&error));
}

// ------------------------------------------------------------------------------------------------
// Colours and overlays

TEST(ColouriseTest, DivergingIsWhiteAtZeroRedAtOneBlueAtMinusOne) {
  const torch::Tensor map = torch::tensor({-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0}).view({1, 7});
  const torch::Tensor rgb = Colourise(map, Colormap::kBlueWhiteRed);
  ASSERT_EQ(rgb.sizes(), torch::IntArrayRef({1, 7, 3}));
  EXPECT_EQ(rgb.scalar_type(), torch::kUInt8);
  EXPECT_EQ(Pixel(rgb, 0, 0), (std::vector<int>{0, 0, 255}));      // clamped to -1
  EXPECT_EQ(Pixel(rgb, 0, 1), (std::vector<int>{0, 0, 255}));
  EXPECT_EQ(Pixel(rgb, 0, 2), (std::vector<int>{128, 128, 255}));  // 127.5 rounds up
  EXPECT_EQ(Pixel(rgb, 0, 3), (std::vector<int>{255, 255, 255}));
  EXPECT_EQ(Pixel(rgb, 0, 4), (std::vector<int>{255, 128, 128}));
  EXPECT_EQ(Pixel(rgb, 0, 5), (std::vector<int>{255, 0, 0}));
  EXPECT_EQ(Pixel(rgb, 0, 6), (std::vector<int>{255, 0, 0}));      // clamped to 1
}

TEST(ColouriseTest, SequentialTablesAtControlPoints) {
  const torch::Tensor map = torch::tensor({0.0, 0.25, 0.375, 0.625, 0.75, 1.0}).view({2, 3});
  const torch::Tensor jet = Colourise(map, Colormap::kJet);
  EXPECT_EQ(Pixel(jet, 0, 0), (std::vector<int>{0, 0, 128}));
  EXPECT_EQ(Pixel(jet, 0, 1), (std::vector<int>{0, 128, 255}));
  EXPECT_EQ(Pixel(jet, 0, 2), (std::vector<int>{0, 255, 255}));
  EXPECT_EQ(Pixel(jet, 1, 0), (std::vector<int>{255, 255, 0}));
  EXPECT_EQ(Pixel(jet, 1, 1), (std::vector<int>{255, 128, 0}));
  EXPECT_EQ(Pixel(jet, 1, 2), (std::vector<int>{128, 0, 0}));
  const torch::Tensor grey = Colourise(torch::tensor({0.0, 0.5, 1.0, -1.0}).view({1, 4}),
                                       Colormap::kGrey);
  EXPECT_EQ(Pixel(grey, 0, 0), (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(Pixel(grey, 0, 1), (std::vector<int>{128, 128, 128}));
  EXPECT_EQ(Pixel(grey, 0, 2), (std::vector<int>{255, 255, 255}));
  EXPECT_EQ(Pixel(grey, 0, 3), (std::vector<int>{0, 0, 0}));
  const torch::Tensor inferno = Colourise(torch::tensor({0.0, 0.5, 1.0}).view({1, 3}),
                                          Colormap::kInferno);
  EXPECT_EQ(Pixel(inferno, 0, 0), (std::vector<int>{0x00, 0x00, 0x04}));
  EXPECT_EQ(Pixel(inferno, 0, 1), (std::vector<int>{0xbc, 0x37, 0x54}));
  EXPECT_EQ(Pixel(inferno, 0, 2), (std::vector<int>{0xfc, 0xff, 0xa4}));
  ExpectInvalid([] { Colourise(torch::zeros({1, 2, 2}), Colormap::kJet); }, {"[1, 2, 2]"});
  ExpectInvalid([] { Colourise(torch::full({2, 2}, NAN), Colormap::kJet); }, {"NaN"});
}

TEST(OverlayTest, AlphaZeroIsTheImageAndAlphaOneTheColours) {
  const torch::Tensor image = GreyPattern(4, 6);  // bytes (7 i + 3 j) mod 256
  const torch::Tensor map = torch::rand({4, 6}, at::detail::createCPUGenerator(3));
  const torch::Tensor plain = Overlay(image, map, 0.0);
  ASSERT_EQ(plain.sizes(), torch::IntArrayRef({4, 6, 3}));
  for (int64_t i = 0; i < 4; ++i) {
    for (int64_t j = 0; j < 6; ++j) {
      const int byte = static_cast<int>((7 * i + 3 * j) % 256);
      EXPECT_EQ(Pixel(plain, i, j), (std::vector<int>{byte, byte, byte})) << i << ", " << j;
    }
  }
  EXPECT_TRUE(torch::equal(plain, ImageToRgb(image)));
  EXPECT_TRUE(torch::equal(Overlay(image, map, 1.0), Colourise(map, Colormap::kJet)));
  // Half and half: black under jet(1) = (128, 0, 0) -> (64, 0, 0); white under jet(3/8) =
  // (0, 255, 255) -> (127.5 -> 128, 255, 255).
  const torch::Tensor rgb_image = torch::stack({torch::tensor({{0.0, 1.0}}),
                                                torch::tensor({{0.0, 1.0}}),
                                                torch::tensor({{0.0, 1.0}})});
  const torch::Tensor half = Overlay(rgb_image, torch::tensor({{1.0, 0.375}}), 0.5);
  EXPECT_EQ(Pixel(half, 0, 0), (std::vector<int>{64, 0, 0}));
  EXPECT_EQ(Pixel(half, 0, 1), (std::vector<int>{128, 255, 255}));
}

TEST(OverlayTest, RejectsBadInput) {
  const torch::Tensor image = torch::zeros({1, 4, 6});
  ExpectInvalid([&] { Overlay(image, torch::zeros({4, 5}), 0.5); }, {"[4, 6]", "[4, 5]"});
  ExpectInvalid([&] { Overlay(image, torch::zeros({4, 6}), 1.5); }, {"alpha", "1.5"});
  ExpectInvalid([&] { Overlay(torch::zeros({2, 4, 6}), torch::zeros({4, 6}), 0.5); },
                {"C = 1 or 3", "[2, 4, 6]"});
  ExpectInvalid([&] { ImageToRgb(torch::zeros({1, 1, 4, 6})); }, {"[1, 1, 4, 6]"});
}

// ------------------------------------------------------------------------------------------------
// Montages

TEST_F(HeatmapTest, MontageSizesAndInputTileFollowTheFormula) {
  // H = 6, W = 5, 3 panels, scale 4, gap 3, font_scale 2: tiles 24 x 20, band 18,
  // width = 3 + 4 (20 + 3) = 95, height = 3 + 18 + 24 + 3 = 48.
  const torch::Tensor image = GreyPattern(6, 5);
  torch::Tensor signed_map = torch::zeros({6, 5}, torch::kDouble);
  signed_map[1][2] = 1.0;
  signed_map[4][0] = -1.0;
  const std::vector<MontagePanel> panels = {
      {"abs", torch::rand({3, 6, 5}, at::detail::createCPUGenerator(1)), PanelKind::kAttribution},
      {"sign", signed_map, PanelKind::kSignedAttribution},
      {"cam", torch::full({2, 2}, 2.0), PanelKind::kCamOverlay},
  };
  const MontageOptions options{.scale = 4, .gap = 3, .font_scale = 2, .overlay_alpha = 0.2};
  const torch::Tensor montage = RenderMontage(image, panels, options);
  ASSERT_EQ(montage.sizes(), torch::IntArrayRef({48, 95, 3}));

  // Input tile at (x, y) = (3, 21): pixel (r, c) is the image's byte at (r / 4, c / 4).
  const torch::Tensor input_tile = montage.slice(0, 21, 45).slice(1, 3, 23);
  for (int64_t r = 0; r < 24; ++r) {
    for (int64_t c = 0; c < 20; ++c) {
      const int byte = static_cast<int>((7 * (r / 4) + 3 * (c / 4)) % 256);
      ASSERT_EQ(Pixel(input_tile, r, c), (std::vector<int>{byte, byte, byte})) << r << ", " << c;
    }
  }
  // Signed tile (k = 2, x = 49): white, red at image pixel (1, 2), blue at (4, 0).
  const torch::Tensor signed_tile = montage.slice(0, 21, 45).slice(1, 49, 69);
  for (int64_t r = 0; r < 24; ++r) {
    for (int64_t c = 0; c < 20; ++c) {
      std::vector<int> expected = {255, 255, 255};
      if (r / 4 == 1 && c / 4 == 2) expected = {255, 0, 0};
      if (r / 4 == 4 && c / 4 == 0) expected = {0, 0, 255};
      ASSERT_EQ(Pixel(signed_tile, r, c), expected) << r << ", " << c;
    }
  }
  // CAM tile (k = 3, x = 72): a constant map normalises to 1, jet(1) = (128, 0, 0), blended with
  // alpha 0.2 over the image's byte b: (round(0.8 b + 25.6), round(0.8 b), round(0.8 b)), no ties.
  const torch::Tensor cam_tile = montage.slice(0, 21, 45).slice(1, 72, 92);
  for (int64_t r = 0; r < 24; r += 5) {
    for (int64_t c = 0; c < 20; c += 3) {
      const double byte = static_cast<double>((7 * (r / 4) + 3 * (c / 4)) % 256);
      const int red = static_cast<int>(std::lround(0.8 * byte + 25.6));
      const int rest = static_cast<int>(std::lround(0.8 * byte));
      EXPECT_EQ(Pixel(cam_tile, r, c), (std::vector<int>{red, rest, rest})) << r << ", " << c;
    }
  }
  // Gaps and margins are white; every title band holds some ink.
  EXPECT_EQ(BlackPixels(montage, 0, 48, 0, 3), 0);
  EXPECT_EQ(BlackPixels(montage, 0, 48, 23, 26), 0);
  EXPECT_EQ(BlackPixels(montage, 45, 48, 0, 95), 0);
  for (int64_t k = 0; k < 4; ++k)
    EXPECT_GT(BlackPixels(montage, 3, 21, 3 + 23 * k, 23 + 23 * k), 0) << "tile " << k;

  // The PNG holds the same bytes.
  WriteMontage(Path("montage.png"), image, panels, options);
  EXPECT_TRUE(torch::equal(ReadPng(Path("montage.png")), montage));
}

TEST(MontageTest, CamOverlayUpsamplesBilinearlyWithoutAlignedCorners) {
  // [[0, 1], [0, 1]] to 4 x 4, align_corners = false: source columns -0.25 (clamped to 0), 0.25,
  // 0.75, 1.25 (clamped to 1) -> values 0, 0.25, 0.75, 1 in every row; max 1. With alpha 1 the tile
  // is jet of those values.
  const std::vector<MontagePanel> panels = {
      {"cam", torch::tensor({{0.0, 1.0}, {0.0, 1.0}}), PanelKind::kCamOverlay}};
  const torch::Tensor montage = RenderMontage(
      torch::zeros({1, 4, 4}), panels, {.scale = 1, .gap = 0, .font_scale = 1, .overlay_alpha = 1});
  ASSERT_EQ(montage.sizes(), torch::IntArrayRef({13, 8, 3}));
  const std::vector<std::vector<int>> jet = {
      {0, 0, 128}, {0, 128, 255}, {255, 128, 0}, {128, 0, 0}};
  for (int64_t r = 0; r < 4; ++r) {
    for (int64_t c = 0; c < 4; ++c) EXPECT_EQ(Pixel(montage, 9 + r, 4 + c), jet[c]) << r << c;
  }
}

TEST(MontageTest, TitlesAreDrawnWhereTheFormulaPutsThem) {
  // 8 x 8 image, scale 8 -> tiles 64 wide ("input" at text scale 2 is 58 wide and fits);
  // gap 2, font_scale 2 -> band 18, tiles at y = 20; tile 1 spans x in [68, 132), its title band
  // y in [2, 20).
  const torch::Tensor image = torch::full({1, 8, 8}, 0.5);
  const torch::Tensor map = torch::ones({8, 8});
  const MontageOptions options{.scale = 8, .gap = 2, .font_scale = 2};
  const auto render = [&](const std::string& title) {
    return RenderMontage(image, {{title, map, PanelKind::kAttribution}}, options);
  };
  // "_" at text scale 2: width 10, left offset (64 - 10) / 2 = 27, bottom glyph row at
  // y in [20 - 2 - 2, 20 - 2) = [16, 18): a 10 x 2 bar at x in [95, 105).
  const torch::Tensor one = render("_");
  EXPECT_EQ(BlackPixels(one, 2, 20, 68, 132), 20);
  EXPECT_EQ(BlackPixels(one, 16, 18, 95, 105), 20);
  // Six underscores are 70 wide at scale 2 > 64: the whole montage drops to text scale 1: width
  // 35, offset 14, bars of 5 at x = 82 + 6 i on row 20 - 2 - 1 = 17.
  const torch::Tensor six = render("______");
  EXPECT_EQ(BlackPixels(six, 2, 20, 68, 132), 30);
  for (int64_t i = 0; i < 6; ++i) EXPECT_EQ(BlackPixels(six, 17, 18, 82 + 6 * i, 87 + 6 * i), 5);
  // Eleven underscores (65 wide at scale 1) are left-aligned and clipped at the tile's edge:
  // glyphs at x = 68, 74, ..., 122 whole (50 pixels) and 4 columns of the one at 128.
  const torch::Tensor eleven = render("___________");
  EXPECT_EQ(BlackPixels(eleven, 2, 20, 68, 132), 54);
  EXPECT_EQ(BlackPixels(eleven, 0, 86, 132, 134), 0);
  // An unknown character is a 5 x 7 box outline: 20 font pixels, 80 pixels at scale 2; letters
  // ignore case; a space draws nothing.
  EXPECT_EQ(BlackPixels(render("?"), 2, 20, 68, 132), 80);
  EXPECT_TRUE(torch::equal(render("Grad-CAM"), render("grad-cam")));
  EXPECT_EQ(BlackPixels(render(" "), 2, 20, 68, 132), 0);
}

TEST(MontageTest, EveryGlyphIsDistinct) {
  const std::string characters = "abcdefghijklmnopqrstuvwxyz0123456789_-+.,:/=()?";
  const torch::Tensor image = torch::zeros({1, 8, 8});
  const MontageOptions options{.scale = 1, .gap = 0, .font_scale = 1};
  std::vector<torch::Tensor> bands;
  for (char character : characters) {
    const torch::Tensor montage = RenderMontage(
        image, {{std::string(1, character), image[0], PanelKind::kAttribution}}, options);
    bands.push_back(montage.slice(0, 0, 9).slice(1, 8, 16));
  }
  for (size_t a = 0; a < bands.size(); ++a) {
    EXPECT_GT(BlackPixels(bands[a], 0, 9, 0, 8), 0) << "'" << characters[a] << "' draws nothing";
    for (size_t b = a + 1; b < bands.size(); ++b)
      EXPECT_FALSE(torch::equal(bands[a], bands[b]))
          << "'" << characters[a] << "' and '" << characters[b] << "' look the same";
  }
}

TEST_F(HeatmapTest, MontageGridStacksRows) {
  const torch::Tensor first = GreyPattern(3, 4);
  const torch::Tensor second = torch::ones({3, 3, 4});
  const auto panels = [](const torch::Tensor& image) {
    return std::vector<MontagePanel>{{"g", image, PanelKind::kAttribution}};
  };
  const MontageOptions options{.scale = 2, .gap = 1, .font_scale = 1};
  // Tiles 6 x 8, band 9: width = 1 + 2 (8 + 1) = 19, height = 1 + 2 (9 + 6 + 1) = 33.
  const torch::Tensor grid =
      RenderMontageGrid({{first, panels(first)}, {second, panels(second)}}, options);
  ASSERT_EQ(grid.sizes(), torch::IntArrayRef({33, 19, 3}));
  // Row 1's input tile (y = 1 + 16 + 9 = 26, x = 1) is white; row 0's (y = 10) is the pattern.
  EXPECT_TRUE(torch::equal(grid.slice(0, 26, 32).slice(1, 1, 9),
                           torch::full({6, 8, 3}, 255, torch::kUInt8)));
  EXPECT_EQ(Pixel(grid, 10 + 5, 1 + 7), (std::vector<int>{23, 23, 23}));  // image (2, 3): 14 + 9
  WriteMontageGrid(Path("grid.png"), {{first, panels(first)}, {second, panels(second)}}, options);
  EXPECT_TRUE(torch::equal(ReadPng(Path("grid.png")), grid));
  ExpectInvalid([&] { RenderMontageGrid({{first, panels(first)}, {second, {}}}, options); },
                {"row 1", "0 panels", "row 0 has 1"});
  const torch::Tensor taller = GreyPattern(4, 4);
  ExpectInvalid(
      [&] { RenderMontageGrid({{first, panels(first)}, {taller, panels(taller)}}, options); },
      {"row 1", "4 x 4", "3 x 4"});
  ExpectInvalid([&] { RenderMontageGrid({}, options); }, {"no rows"});
}

TEST_F(HeatmapTest, MontageRejectsBadInput) {
  const torch::Tensor image = torch::zeros({1, 6, 5});
  ExpectInvalid([&] { RenderMontage(torch::zeros({1, 1, 6, 5}), {}); },
                {"montage: row 0", "[1, 1, 6, 5]"});
  ExpectInvalid(
      [&] { RenderMontage(image, {{"ig", torch::zeros({6, 4}), PanelKind::kAttribution}}); },
      {"panel 'ig'", "[6, 4]", "[C, 6, 5]"});
  const torch::Tensor nan_map = torch::full({6, 5}, NAN);
  ExpectInvalid(
      [&] { RenderMontage(image, {{"ig", nan_map, PanelKind::kSignedAttribution}}); },
      {"panel 'ig'", "non-finite"});
  ExpectInvalid(
      [&] { RenderMontage(image, {{"cam", torch::zeros({1, 2, 2}), PanelKind::kCamOverlay}}); },
      {"panel 'cam'", "[1, 2, 2]"});
  ExpectInvalid([&] { RenderMontage(image, {}, {.gap = -1}); }, {"gap", "-1"});
  ExpectInvalid([&] { RenderMontage(image, {}, {.scale = 0}); }, {"scale", "0"});
  ExpectInvalid([&] { RenderMontage(image, {}, {.overlay_alpha = 2}); }, {"overlay_alpha", "2"});
  const std::string path = Path("missing/m.png");
  ExpectInvalid([&] { WriteMontage(path, image, {}); }, {path, "does not exist"});
}

}  // namespace
}  // namespace lfa
