#include "experiments/io/png.h"

#include <png.h>

#include <climits>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "experiments/io/atomic_file.h"
#include "framework/errors.h"

namespace lfa {
namespace {

namespace fs = std::filesystem;

std::string ShapeOf(const torch::Tensor& tensor) {
  std::ostringstream out;
  out << tensor.sizes();
  return out.str();
}

}  // namespace

void WritePng(const std::string& path, const torch::Tensor& rgb) {
  if (!rgb.defined()) Fail("png '", path, "': pixels are undefined");
  if (rgb.scalar_type() != torch::kUInt8)
    Fail("png '", path, "': pixels must be uint8, got dtype ", rgb.scalar_type());
  const bool grey = rgb.dim() == 2 || (rgb.dim() == 3 && rgb.size(2) == 1);
  if (!grey && !(rgb.dim() == 3 && rgb.size(2) == 3))
    Fail("png '", path, "': pixels must be [H, W, 3] or [H, W], got shape ", ShapeOf(rgb));
  const int64_t height = rgb.size(0), width = rgb.size(1);
  if (height < 1 || width < 1) Fail("png '", path, "': image is empty, shape ", ShapeOf(rgb));
  if (height > INT32_MAX || width * 3 > INT32_MAX)
    Fail("png '", path, "': image too large for PNG, shape ", ShapeOf(rgb));
  AtomicFile file(path, "png");
  const torch::Tensor pixels = rgb.to(torch::kCPU).contiguous();

  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = grey ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  if (!png_image_write_to_stdio(&image, file.stream(), /*convert_to_8bit=*/0,
                                pixels.data_ptr<uint8_t>(), /*row_stride=*/0, nullptr)) {
    const std::string message = image.message;
    png_image_free(&image);
    Fail("png '", path, "': cannot write: ", message);
  }
  file.Commit();
}

torch::Tensor ReadPng(const std::string& path) {
  std::error_code error;
  if (!fs::exists(path, error)) Fail("png '", path, "': no such file");
  if (fs::is_directory(path, error)) Fail("png '", path, "': is a directory");
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) {
    const std::string message = image.message;
    png_image_free(&image);
    Fail("png '", path, "': not a readable PNG file (", message, ")");
  }
  image.format = PNG_FORMAT_RGB;
  torch::Tensor rgb = torch::empty(
      {static_cast<int64_t>(image.height), static_cast<int64_t>(image.width), 3}, torch::kUInt8);
  const png_color black = {0, 0, 0};
  if (!png_image_finish_read(&image, &black, rgb.data_ptr<uint8_t>(), /*row_stride=*/0,
                             nullptr)) {
    const std::string message = image.message;
    png_image_free(&image);
    Fail("png '", path, "': corrupt PNG data (", message, ")");
  }
  return rgb;
}

}  // namespace lfa
