#include "experiments/report/heatmap.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>

#include "experiments/io/png.h"
#include "explainers/cam.h"
#include "framework/errors.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;

std::string ShapeOf(const torch::Tensor& tensor) {
  std::ostringstream out;
  out << tensor.sizes();
  return out.str();
}

// Rounds half up: the same rule for every byte this file produces (torch::round rounds half to
// even, which would make 0.5 -> 0 but 1.5 -> 2).
uint8_t ToByte(double value) {
  return static_cast<uint8_t>(std::floor(std::clamp(value, 0.0, 255.0) + 0.5));
}

// ------------------------------------------------------------------------------------------------
// Colour tables: control points (t, r, g, b) with colours in byte units, t increasing.

struct ControlPoint {
  double t, r, g, b;
};

constexpr std::array<ControlPoint, 2> kGreyTable = {{{0.0, 0, 0, 0}, {1.0, 255, 255, 255}}};

// matplotlib's inferno at t = 0, 0.1, ..., 1 (#000004, #160b39, ..., #fcffa4).
constexpr std::array<ControlPoint, 11> kInfernoTable = {{
    {0.0, 0x00, 0x00, 0x04},
    {0.1, 0x16, 0x0b, 0x39},
    {0.2, 0x42, 0x0a, 0x68},
    {0.3, 0x6a, 0x17, 0x6e},
    {0.4, 0x93, 0x26, 0x67},
    {0.5, 0xbc, 0x37, 0x54},
    {0.6, 0xdd, 0x51, 0x3a},
    {0.7, 0xf3, 0x78, 0x19},
    {0.8, 0xfc, 0xa5, 0x0a},
    {0.9, 0xf6, 0xd7, 0x46},
    {1.0, 0xfc, 0xff, 0xa4},
}};

// MATLAB's jet: piecewise linear with breaks at odd eighths.
constexpr std::array<ControlPoint, 6> kJetTable = {{
    {0.0, 0, 0, 127.5},
    {0.125, 0, 0, 255},
    {0.375, 0, 255, 255},
    {0.625, 255, 255, 0},
    {0.875, 255, 0, 0},
    {1.0, 127.5, 0, 0},
}};

constexpr std::array<ControlPoint, 3> kBlueWhiteRedTable = {{
    {-1.0, 0, 0, 255},
    {0.0, 255, 255, 255},
    {1.0, 255, 0, 0},
}};

template <size_t N>
void ColourOf(const std::array<ControlPoint, N>& table, double value, uint8_t* rgb) {
  const double v = std::clamp(value, table.front().t, table.back().t);
  size_t k = 0;
  while (k + 2 < N && v > table[k + 1].t) ++k;
  const ControlPoint& a = table[k];
  const ControlPoint& b = table[k + 1];
  const double f = (v - a.t) / (b.t - a.t);
  rgb[0] = ToByte(a.r + f * (b.r - a.r));
  rgb[1] = ToByte(a.g + f * (b.g - a.g));
  rgb[2] = ToByte(a.b + f * (b.b - a.b));
}

void ColourOf(Colormap colormap, double value, uint8_t* rgb) {
  switch (colormap) {
    case Colormap::kGrey: return ColourOf(kGreyTable, value, rgb);
    case Colormap::kInferno: return ColourOf(kInfernoTable, value, rgb);
    case Colormap::kJet: return ColourOf(kJetTable, value, rgb);
    case Colormap::kBlueWhiteRed: return ColourOf(kBlueWhiteRedTable, value, rgb);
  }
  Fail("colourise: unknown colormap ", static_cast<int>(colormap));
}

// ------------------------------------------------------------------------------------------------
// The title font: 5x7 glyphs, '#' = ink, drawn for this file. Letters are capitals and stand for
// both cases.

struct Glyph {
  char character;
  std::array<const char*, 7> rows;
};

constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 7;
constexpr int kGlyphAdvance = kGlyphWidth + 1;

constexpr Glyph kUnknownGlyph = {
    '\0', {"#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####"}};

constexpr std::array<Glyph, 47> kFont = {{
    {'a', {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
    {'b', {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."}},
    {'c', {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}},
    {'d', {"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."}},
    {'e', {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}},
    {'f', {"#####", "#....", "#....", "####.", "#....", "#....", "#...."}},
    {'g', {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}},
    {'h', {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
    {'i', {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}},
    {'j', {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
    {'k', {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"}},
    {'l', {"#....", "#....", "#....", "#....", "#....", "#....", "#####"}},
    {'m', {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}},
    {'n', {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"}},
    {'o', {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
    {'p', {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."}},
    {'q', {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"}},
    {'r', {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}},
    {'s', {".####", "#....", "#....", ".###.", "....#", "....#", "####."}},
    {'t', {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}},
    {'u', {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
    {'v', {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."}},
    {'w', {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."}},
    {'x', {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"}},
    {'y', {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."}},
    {'z', {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"}},
    {'0', {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}},
    {'1', {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}},
    {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
    {'3', {"####.", "....#", "....#", ".###.", "....#", "....#", "####."}},
    {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
    {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
    {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
    {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
    {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
    {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
    {' ', {".....", ".....", ".....", ".....", ".....", ".....", "....."}},
    {'_', {".....", ".....", ".....", ".....", ".....", ".....", "#####"}},
    {'-', {".....", ".....", ".....", ".###.", ".....", ".....", "....."}},
    {'+', {".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."}},
    {'.', {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."}},
    {',', {".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."}},
    {':', {".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."}},
    {'/', {".....", "....#", "...#.", "..#..", ".#...", "#....", "....."}},
    {'=', {".....", ".....", "#####", ".....", "#####", ".....", "....."}},
    {'(', {"...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."}},
    {')', {".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."}},
}};

const Glyph& GlyphFor(char character) {
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
  for (const Glyph& glyph : kFont) {
    if (glyph.character == lower) return glyph;
  }
  return kUnknownGlyph;
}

int64_t TextWidth(const std::string& text, int64_t scale) {
  if (text.empty()) return 0;
  return (kGlyphAdvance * static_cast<int64_t>(text.size()) - 1) * scale;
}

// Draws `text` in black with its top-left corner at (x, y), `scale` pixels per font pixel, keeping
// only the pixels with clip_left <= column < clip_right.
void DrawText(torch::Tensor& canvas, int64_t x, int64_t y, const std::string& text,
              int64_t scale, int64_t clip_left, int64_t clip_right) {
  auto pixels = canvas.accessor<uint8_t, 3>();
  const int64_t height = canvas.size(0);
  clip_left = std::max<int64_t>(clip_left, 0);
  clip_right = std::min<int64_t>(clip_right, canvas.size(1));
  for (size_t i = 0; i < text.size(); ++i) {
    const Glyph& glyph = GlyphFor(text[i]);
    const int64_t left = x + static_cast<int64_t>(i) * kGlyphAdvance * scale;
    for (int row = 0; row < kGlyphHeight; ++row) {
      for (int column = 0; column < kGlyphWidth; ++column) {
        if (glyph.rows[row][column] != '#') continue;
        for (int64_t dy = 0; dy < scale; ++dy) {
          const int64_t py = y + row * scale + dy;
          if (py < 0 || py >= height) continue;
          for (int64_t dx = 0; dx < scale; ++dx) {
            const int64_t px = left + column * scale + dx;
            if (px < clip_left || px >= clip_right) continue;
            for (int channel = 0; channel < 3; ++channel) pixels[py][px][channel] = 0;
          }
        }
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Images and montages.

// image [C, H, W] (C = 1 or 3) or [H, W] -> float64 [H, W, 3] in [0, 1] on the CPU.
torch::Tensor ImageAsRgbValues(const torch::Tensor& image, const std::string& what) {
  const bool rank_ok = image.dim() == 2 ||
                       (image.dim() == 3 && (image.size(0) == 1 || image.size(0) == 3));
  if (!rank_ok)
    Fail(what, ": image must be [C, H, W] with C = 1 or 3, or [H, W], got shape ", ShapeOf(image));
  if (image.numel() == 0) Fail(what, ": image is empty, shape ", ShapeOf(image));
  if (image.is_complex() || image.scalar_type() == torch::kBool)
    Fail(what, ": image must be real, got dtype ", image.scalar_type());
  torch::Tensor values = image.to(torch::kCPU, torch::kDouble);
  if (values.isnan().any().item<bool>()) Fail(what, ": image has NaN values");
  if (values.dim() == 2) values = values.unsqueeze(0);
  return values.clamp(0.0, 1.0).permute({1, 2, 0}).expand({-1, -1, 3}).contiguous();
}

// Nearest-neighbour upscaling of [H, W, 3] by an integer factor.
torch::Tensor Upscale(const torch::Tensor& rgb, int64_t scale) {
  if (scale == 1) return rgb;
  const int64_t h = rgb.size(0), w = rgb.size(1);
  return rgb.unsqueeze(1).unsqueeze(3).expand({h, scale, w, scale, 3}).reshape(
      {h * scale, w * scale, 3});
}

torch::Tensor PanelTile(const MontagePanel& panel, const torch::Tensor& image, int64_t height,
                        int64_t width, const MontageOptions& options) {
  const std::string what = "montage: panel '" + panel.title + "'";
  const torch::Tensor& map = panel.map;
  if (!map.defined()) Fail(what, ": map is undefined");
  try {
    switch (panel.kind) {
      case PanelKind::kAttribution:
      case PanelKind::kSignedAttribution: {
        const bool shape_ok = (map.dim() == 2 || map.dim() == 3) &&
                              map.size(map.dim() - 2) == height &&
                              map.size(map.dim() - 1) == width;
        if (!shape_ok)
          Fail(what, ": attribution must be [C, ", height, ", ", width, "] or [", height, ", ",
               width, "] like the input, got shape ", ShapeOf(map));
        const bool is_signed = panel.kind == PanelKind::kSignedAttribution;
        const torch::Tensor display = DisplayMap(
            map, DisplayOptions{.signed_map = is_signed, .percentile = options.percentile});
        return Colourise(display, is_signed ? options.diverging : options.sequential);
      }
      case PanelKind::kCamOverlay: {
        if (map.dim() != 2 || map.numel() == 0)
          Fail(what, ": CAM map must be a non-empty [h, w], got shape ", ShapeOf(map));
        if (!map.is_floating_point())
          Fail(what, ": CAM map must be floating point, got dtype ", map.scalar_type());
        torch::Tensor heat = UpsampleToInput(map.unsqueeze(0), height, width).squeeze(0);
        if (!torch::isfinite(heat).all().item<bool>())
          Fail(what, ": CAM map has non-finite values");
        const double peak = heat.max().item<double>();
        if (peak > 0) heat = heat / peak;
        return Overlay(image, heat, options.overlay_alpha, options.overlay);
      }
    }
  } catch (const InvalidInput& error) {
    const std::string message = error.what();
    if (message.rfind("montage:", 0) == 0) throw;
    Fail(what, ": ", message);
  }
  Fail(what, ": unknown panel kind ", static_cast<int>(panel.kind));
}

}  // namespace

double Percentile(const torch::Tensor& values, double percentile) {
  if (!(percentile >= 0.0 && percentile <= 100.0))
    Fail("percentile must be in [0, 100], got ", percentile);
  if (!values.defined() || values.numel() == 0) Fail("percentile of an empty tensor");
  if (values.is_complex() || values.scalar_type() == torch::kBool)
    Fail("percentile: values must be real, got dtype ", values.scalar_type());
  const torch::Tensor flat = values.to(torch::kCPU, torch::kDouble).contiguous().reshape({-1});
  const int64_t n = flat.numel();
  std::vector<double> sorted(flat.data_ptr<double>(), flat.data_ptr<double>() + n);
  if (std::any_of(sorted.begin(), sorted.end(), [](double v) { return std::isnan(v); }))
    Fail("percentile: values contain NaN");
  const double h = static_cast<double>(n - 1) * percentile / 100.0;
  const int64_t low = std::min<int64_t>(static_cast<int64_t>(std::floor(h)), n - 1);
  std::nth_element(sorted.begin(), sorted.begin() + low, sorted.end());
  const double at_low = sorted[low];
  if (low + 1 >= n) return at_low;
  const double at_high = *std::min_element(sorted.begin() + low + 1, sorted.end());
  return at_low + (h - static_cast<double>(low)) * (at_high - at_low);
}

bool DisplayOptions::IsValid(std::string* error) const {
  if (!(percentile > 0.0 && percentile <= 100.0)) {
    std::ostringstream out;
    out << "display map: percentile must be in (0, 100], got " << percentile;
    if (error) *error = out.str();
    return false;
  }
  return true;
}

torch::Tensor DisplayMap(const torch::Tensor& attribution, const DisplayOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  if (!attribution.defined()) Fail("display map: attribution is undefined");
  if (attribution.dim() != 2 && attribution.dim() != 3)
    Fail("display map: attribution must be [C, H, W] or [H, W], got shape ",
         ShapeOf(attribution));
  if (!attribution.is_floating_point())
    Fail("display map: attribution must be floating point, got dtype ",
         attribution.scalar_type());
  if (attribution.numel() == 0)
    Fail("display map: attribution is empty, shape ", ShapeOf(attribution));
  torch::Tensor values = attribution.to(torch::kCPU, torch::kDouble);
  if (values.dim() == 2) values = values.unsqueeze(0);
  const int64_t bad = values.numel() - torch::isfinite(values).sum().item<int64_t>();
  if (bad > 0) Fail("display map: attribution has ", bad, " non-finite values");

  const torch::Tensor map = options.signed_map ? values.sum(0) : values.abs().sum(0);
  const torch::Tensor magnitude = map.abs();
  double cap = Percentile(magnitude, options.percentile);
  if (!(cap > 0.0)) cap = magnitude.max().item<double>();
  if (!(cap > 0.0)) return torch::zeros_like(map);
  return options.signed_map ? (map / cap).clamp(-1.0, 1.0) : (map / cap).clamp_max(1.0);
}

torch::Tensor Colourise(const torch::Tensor& map, Colormap colormap) {
  if (!map.defined()) Fail("colourise: map is undefined");
  if (map.dim() != 2) Fail("colourise: map must be [H, W], got shape ", ShapeOf(map));
  if (map.is_complex() || map.scalar_type() == torch::kBool)
    Fail("colourise: map must be real, got dtype ", map.scalar_type());
  const torch::Tensor values = map.to(torch::kCPU, torch::kDouble).contiguous();
  const int64_t pixels = values.numel();
  const double* in = values.data_ptr<double>();
  torch::Tensor rgb = torch::empty({map.size(0), map.size(1), 3}, torch::kUInt8);
  uint8_t* out = rgb.data_ptr<uint8_t>();
  for (int64_t i = 0; i < pixels; ++i) {
    if (std::isnan(in[i])) Fail("colourise: map has NaN at flat index ", i);
    ColourOf(colormap, in[i], out + 3 * i);
  }
  return rgb;
}

torch::Tensor ImageToRgb(const torch::Tensor& image) {
  if (!image.defined()) Fail("image to rgb: image is undefined");
  const torch::Tensor values = ImageAsRgbValues(image, "image to rgb");
  const double* in = values.data_ptr<double>();
  torch::Tensor rgb = torch::empty(values.sizes(), torch::kUInt8);
  uint8_t* out = rgb.data_ptr<uint8_t>();
  for (int64_t i = 0; i < values.numel(); ++i) out[i] = ToByte(255.0 * in[i]);
  return rgb;
}

torch::Tensor Overlay(const torch::Tensor& image, const torch::Tensor& cam_map, double alpha,
                      Colormap colormap) {
  if (!(alpha >= 0.0 && alpha <= 1.0)) Fail("overlay: alpha must be in [0, 1], got ", alpha);
  if (!image.defined()) Fail("overlay: image is undefined");
  if (!cam_map.defined()) Fail("overlay: map is undefined");
  const torch::Tensor values = ImageAsRgbValues(image, "overlay");
  const int64_t height = values.size(0), width = values.size(1);
  if (cam_map.dim() != 2 || cam_map.size(0) != height || cam_map.size(1) != width)
    Fail("overlay: map must be [", height, ", ", width, "] like the image, got shape ",
         ShapeOf(cam_map));
  if (cam_map.is_complex() || cam_map.scalar_type() == torch::kBool)
    Fail("overlay: map must be real, got dtype ", cam_map.scalar_type());
  const torch::Tensor colours =
      Colourise(cam_map.to(torch::kCPU, torch::kDouble).clamp(0.0, 1.0), colormap);
  const double* in = values.data_ptr<double>();
  const uint8_t* colour = colours.data_ptr<uint8_t>();
  torch::Tensor rgb = torch::empty(values.sizes(), torch::kUInt8);
  uint8_t* out = rgb.data_ptr<uint8_t>();
  for (int64_t i = 0; i < values.numel(); ++i)
    out[i] = ToByte((1.0 - alpha) * (255.0 * in[i]) + alpha * colour[i]);
  return rgb;
}

bool MontageOptions::IsValid(std::string* error) const {
  std::ostringstream out;
  if (scale < 1) {
    out << "montage: scale must be >= 1, got " << scale;
  } else if (gap < 0) {
    out << "montage: gap must be >= 0, got " << gap;
  } else if (font_scale < 1) {
    out << "montage: font_scale must be >= 1, got " << font_scale;
  } else if (!(percentile > 0.0 && percentile <= 100.0)) {
    out << "montage: percentile must be in (0, 100], got " << percentile;
  } else if (!(overlay_alpha >= 0.0 && overlay_alpha <= 1.0)) {
    out << "montage: overlay_alpha must be in [0, 1], got " << overlay_alpha;
  } else {
    return true;
  }
  if (error) *error = out.str();
  return false;
}

torch::Tensor RenderMontageGrid(const std::vector<MontageRow>& rows,
                                const MontageOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) throw InvalidInput(error);
  if (rows.empty()) Fail("montage: no rows to draw");
  for (size_t r = 0; r < rows.size(); ++r) {
    if (!rows[r].image.defined()) Fail("montage: row ", r, ": image is undefined");
  }

  // Every row's image as [H, W, 3] values, checked before anything is drawn.
  std::vector<torch::Tensor> images;
  for (size_t r = 0; r < rows.size(); ++r) {
    images.push_back(ImageAsRgbValues(rows[r].image, "montage: row " + std::to_string(r)));
    if (images[r].size(0) != images[0].size(0) || images[r].size(1) != images[0].size(1))
      Fail("montage: row ", r, ": image is ", images[r].size(0), " x ", images[r].size(1),
           ", row 0's is ", images[0].size(0), " x ", images[0].size(1));
    if (rows[r].panels.size() != rows[0].panels.size())
      Fail("montage: row ", r, " has ", rows[r].panels.size(), " panels, row 0 has ",
           rows[0].panels.size());
  }
  const int64_t height = images[0].size(0), width = images[0].size(1);
  const int64_t tiles = 1 + static_cast<int64_t>(rows[0].panels.size());
  const int64_t tile_height = height * options.scale, tile_width = width * options.scale;
  const int64_t band = 9 * options.font_scale;
  const int64_t row_height = band + tile_height + options.gap;
  const double canvas_width = options.gap + static_cast<double>(tiles) * (tile_width + options.gap);
  const double canvas_height = options.gap + static_cast<double>(rows.size()) * row_height;
  if (canvas_width * canvas_height > static_cast<double>(1 << 28))
    Fail("montage: ", canvas_width, " x ", canvas_height,
         " pixels is too large; lower scale (got ", options.scale, ")");

  // One text scale for the whole montage: the largest <= font_scale at which every title fits.
  size_t longest = std::string("input").size();
  for (const MontageRow& row : rows) {
    for (const MontagePanel& panel : row.panels) longest = std::max(longest, panel.title.size());
  }
  int64_t text_scale = options.font_scale;
  while (text_scale > 1 && TextWidth(std::string(longest, 'x'), text_scale) > tile_width)
    --text_scale;

  torch::Tensor canvas = torch::full({static_cast<int64_t>(canvas_height),
                                      static_cast<int64_t>(canvas_width), 3},
                                     255, torch::kUInt8);
  for (size_t r = 0; r < rows.size(); ++r) {
    const int64_t top = options.gap + static_cast<int64_t>(r) * row_height + band;
    for (int64_t k = 0; k < tiles; ++k) {
      const int64_t left = options.gap + k * (tile_width + options.gap);
      const bool is_input = k == 0;
      const std::string& title = is_input ? std::string("input") : rows[r].panels[k - 1].title;
      const torch::Tensor tile =
          is_input ? ImageToRgb(rows[r].image)
                   : PanelTile(rows[r].panels[k - 1], rows[r].image, height, width, options);
      canvas.slice(0, top, top + tile_height)
          .slice(1, left, left + tile_width)
          .copy_(Upscale(tile, options.scale));
      const int64_t text_width = TextWidth(title, text_scale);
      const int64_t text_left = left + std::max<int64_t>(0, (tile_width - text_width) / 2);
      const int64_t text_top = top - options.font_scale - kGlyphHeight * text_scale;
      DrawText(canvas, text_left, text_top, title, text_scale, left, left + tile_width);
    }
  }
  return canvas;
}

torch::Tensor RenderMontage(const torch::Tensor& image, const std::vector<MontagePanel>& panels,
                            const MontageOptions& options) {
  return RenderMontageGrid({MontageRow{image, panels}}, options);
}

void WriteMontage(const std::string& path, const torch::Tensor& image,
                  const std::vector<MontagePanel>& panels, const MontageOptions& options) {
  WritePng(path, RenderMontage(image, panels, options));
}

void WriteMontageGrid(const std::string& path, const std::vector<MontageRow>& rows,
                      const MontageOptions& options) {
  WritePng(path, RenderMontageGrid(rows, options));
}

}  // namespace lfa
