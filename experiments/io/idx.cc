#include "experiments/io/idx.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "framework/errors.h"

namespace lfa {
namespace {

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

bool EndsWithGz(const std::string& path) {
  return path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

// The tensor dtype for an IDX type code; false for codes outside the format.
bool DtypeForCode(int code, torch::ScalarType* dtype) {
  switch (code) {
    case 0x08: *dtype = torch::kUInt8; return true;
    case 0x09: *dtype = torch::kInt8; return true;
    case 0x0B: *dtype = torch::kInt16; return true;
    case 0x0C: *dtype = torch::kInt32; return true;
    case 0x0D: *dtype = torch::kFloat32; return true;
    case 0x0E: *dtype = torch::kFloat64; return true;
    default: return false;
  }
}

int CodeForDtype(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kUInt8: return 0x08;
    case torch::kInt8: return 0x09;
    case torch::kInt16: return 0x0B;
    case torch::kInt32: return 0x0C;
    case torch::kFloat32: return 0x0D;
    case torch::kFloat64: return 0x0E;
    default: return -1;
  }
}

// IDX stores values big-endian; swap each element in place on little-endian hosts.
void SwapToHostOrder(uint8_t* bytes, int64_t elements, int64_t width) {
  if (width == 1 || std::endian::native == std::endian::big) return;
  for (int64_t i = 0; i < elements; ++i) std::reverse(bytes + i * width, bytes + (i + 1) * width);
}

// Reads up to `size` bytes; returns how many arrived. A corrupt gzip stream (including one cut
// short mid-block) is an error, not a short read.
int64_t ReadBytes(gzFile file, const std::string& path, uint8_t* out, int64_t size) {
  int64_t done = 0;
  while (done < size) {
    const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(size - done, 1 << 30));
    const int got = gzread(file, out + done, chunk);
    if (got < 0) {
      int code = Z_OK;
      const char* message = gzerror(file, &code);
      Fail("idx file '", path, "': truncated or corrupt gzip data (", message, ")");
    }
    if (got == 0) break;
    done += got;
  }
  return done;
}

// Reads `size` bytes, or fewer where the data ends first, into a buffer that grows with the data
// that arrives (doubling from 64 KiB): a header that declares terabytes costs no more memory than
// the file really holds, and its truncation is reported instead of an allocation failure.
std::vector<uint8_t> ReadUpTo(gzFile file, const std::string& path, int64_t size) {
  std::vector<uint8_t> bytes;
  int64_t done = 0;
  while (done < size) {
    const int64_t next = std::min(size, std::max<int64_t>(int64_t{1} << 16, 2 * done));
    bytes.resize(static_cast<size_t>(next));
    done += ReadBytes(file, path, bytes.data() + done, next - done);
    if (done < next) break;
  }
  bytes.resize(static_cast<size_t>(done));
  return bytes;
}

// a * b, or an InvalidInput naming the file when the product overflows int64.
int64_t CheckedProduct(int64_t a, int64_t b, const std::string& path) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    Fail("idx file '", path, "': its dimensions' product overflows (", a, " x ", b, ")");
  }
  return product;
}

void WriteBytes(gzFile file, const std::string& path, const uint8_t* bytes, int64_t size) {
  int64_t done = 0;
  while (done < size) {
    const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(size - done, 1 << 30));
    if (gzwrite(file, bytes + done, chunk) != static_cast<int>(chunk)) {
      int code = Z_OK;
      Fail("idx file '", path, "': write failed (", gzerror(file, &code), ")");
    }
    done += chunk;
  }
}

struct IdxHeader {
  GzHandle file;
  torch::ScalarType dtype;
  std::vector<int64_t> shape;
};

// Opens `path` and reads its magic number and dimensions; the file is left at the first value.
IdxHeader OpenIdx(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) Fail("idx file '", path, "' not found");
  GzHandle file(gzopen(path.c_str(), "rb"));
  if (!file) Fail("idx file '", path, "' cannot be opened");
  gzbuffer(file.get(), 1 << 17);

  uint8_t magic[4];
  if (ReadBytes(file.get(), path, magic, 4) != 4) {
    Fail("idx file '", path, "': truncated header (fewer than 4 bytes)");
  }
  if (magic[0] != 0 || magic[1] != 0) {
    Fail("idx file '", path, "': bad magic number (first two bytes must be 0x00 0x00, got 0x",
         std::hex, static_cast<int>(magic[0]), " 0x", static_cast<int>(magic[1]),
         "; is it an IDX file?)");
  }
  torch::ScalarType dtype;
  if (!DtypeForCode(magic[2], &dtype)) {
    Fail("idx file '", path, "': unknown type code 0x", std::hex, static_cast<int>(magic[2]),
         " (expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e)");
  }
  const int ndims = magic[3];
  if (ndims == 0) Fail("idx file '", path, "': has 0 dimensions");

  std::vector<int64_t> shape(ndims);
  for (int d = 0; d < ndims; ++d) {
    uint8_t b[4];
    if (ReadBytes(file.get(), path, b, 4) != 4) {
      Fail("idx file '", path, "': truncated header (", ndims, " dimensions declared, ", d,
           " present)");
    }
    const uint32_t size = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
                          (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    if (size > static_cast<uint32_t>(INT32_MAX)) {
      Fail("idx file '", path, "': dimension ", d, " has invalid size ", size);
    }
    shape[d] = size;
  }

  return {std::move(file), dtype, shape};
}

}  // namespace

std::vector<int64_t> ReadIdxShape(const std::string& path) { return OpenIdx(path).shape; }

torch::Tensor ReadIdx(const std::string& path, int64_t first, int64_t count) {
  IdxHeader header = OpenIdx(path);
  GzHandle file = std::move(header.file);
  const torch::ScalarType dtype = header.dtype;
  std::vector<int64_t> shape = header.shape;
  const int ndims = static_cast<int>(shape.size());
  const int64_t rows = shape[0];
  if (first < 0 || first > rows || count < -1 || (count >= 0 && count > rows - first)) {
    Fail("idx file '", path, "': rows [", first, ", ", count < 0 ? "end" : std::to_string(first + count),
         ") out of bounds for ", rows, " row(s)");
  }
  if (count < 0) count = rows - first;

  const int64_t width = c10::elementSize(dtype);
  int64_t row_bytes = width;
  for (int d = 1; d < ndims; ++d) row_bytes = CheckedProduct(row_bytes, shape[d], path);
  // LibTorch needs every partial product of the sizes to fit, counting a size 0 as 1: its strides
  // are such products (and its allocation checks each prefix). Then count * row_bytes fits too.
  int64_t total = width;
  for (int d = 0; d < ndims; ++d) {
    total = CheckedProduct(total, std::max<int64_t>(shape[d], 1), path);
  }

  // In read mode gzseek decompresses and discards; a seek past the end shows up as a short read.
  const int64_t offset = 4 + 4 * ndims + first * row_bytes;
  if (first > 0 && gzseek(file.get(), static_cast<z_off_t>(offset), SEEK_SET) < 0) {
    Fail("idx file '", path, "': truncated data (cannot reach row ", first, ")");
  }
  const int64_t wanted = count * row_bytes;
  const std::vector<uint8_t> data = ReadUpTo(file.get(), path, wanted);
  const auto got = static_cast<int64_t>(data.size());
  if (got != wanted) {
    Fail("idx file '", path, "': truncated data (rows [", first, ", ", first + count, ") need ",
         wanted, " bytes, found ", got, ")");
  }
  shape[0] = count;
  torch::Tensor values = torch::empty(shape, torch::TensorOptions().dtype(dtype));
  auto* bytes = static_cast<uint8_t*>(values.data_ptr());
  if (wanted > 0) std::memcpy(bytes, data.data(), static_cast<size_t>(wanted));
  SwapToHostOrder(bytes, values.numel(), width);
  return values;
}

void WriteIdx(const std::string& path, const torch::Tensor& values) {
  const int code = CodeForDtype(values.scalar_type());
  if (code < 0) {
    Fail("idx file '", path, "': cannot write dtype ", values.scalar_type(),
         " (IDX holds uint8, int8, int16, int32, float32, float64)");
  }
  if (values.dim() < 1 || values.dim() > 255) {
    Fail("idx file '", path, "': cannot write a tensor with ", values.dim(), " dimensions");
  }
  GzHandle file(gzopen(path.c_str(), EndsWithGz(path) ? "wb" : "wbT"));
  if (!file) Fail("idx file '", path, "' cannot be created");

  std::vector<uint8_t> header = {0, 0, static_cast<uint8_t>(code),
                                 static_cast<uint8_t>(values.dim())};
  for (int64_t size : values.sizes()) {
    if (size > INT32_MAX) Fail("idx file '", path, "': dimension of size ", size, " too large");
    const auto s = static_cast<uint32_t>(size);
    for (int shift : {24, 16, 8, 0}) header.push_back(static_cast<uint8_t>(s >> shift));
  }
  WriteBytes(file.get(), path, header.data(), static_cast<int64_t>(header.size()));

  torch::Tensor data = values.detach().to(torch::kCPU).contiguous().clone();
  auto* bytes = static_cast<uint8_t*>(data.data_ptr());
  SwapToHostOrder(bytes, data.numel(), data.element_size());
  WriteBytes(file.get(), path, bytes, data.nbytes());
  if (gzclose(file.release()) != Z_OK) Fail("idx file '", path, "': write failed on close");
}

bool LooksLikeIdx(const std::string& path) {
  GzHandle file(gzopen(path.c_str(), "rb"));
  if (!file) return false;
  uint8_t magic[4];
  if (gzread(file.get(), magic, 4) != 4) return false;
  torch::ScalarType dtype;
  return magic[0] == 0 && magic[1] == 0 && DtypeForCode(magic[2], &dtype) && magic[3] >= 1 &&
         magic[3] <= 4;
}

}  // namespace lfa
