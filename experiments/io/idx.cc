#include "experiments/io/idx.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "experiments/io/atomic_file.h"
#include "experiments/io/input_stream.h"
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

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (d) text += " x ";
    text += std::to_string(shape[d]);
  }
  return text;
}

// The bytes of `header`'s rows; InvalidInput naming the file when the product overflows.
int64_t TotalBytes(const IdxHeader& header, const std::string& what) {
  int64_t total = 0;
  if (__builtin_mul_overflow(header.shape[0], header.row_bytes, &total))
    Fail(what, ": its dimensions ", ShapeText(header.shape), " overflow: they describe more than 2^63 bytes");
  return total;
}

// An uncompressed regular file must hold the rows [0, end_row) its header declares: checked
// before anything is allocated for them (a header may promise terabytes).
void CheckFileSize(InputStream& in, const IdxHeader& header, int64_t end_row) {
  if (in.file_size() < 0 || in.compressed()) return;
  const int64_t header_bytes = 4 + 4 * static_cast<int64_t>(header.shape.size());
  const int64_t needed = header_bytes + end_row * header.row_bytes;  // <= TotalBytes: no overflow
  if (needed <= in.file_size()) return;
  Fail(in.what(), ": truncated data (rows [0, ", end_row, ") of its header's ",
       ShapeText(header.shape), " values of ", c10::elementSize(header.dtype), " byte(s) need ",
       needed, " bytes with the header, but the file holds ", in.file_size(), ")");
}

}  // namespace

bool StartsLikeIdx(InputStream& in) {
  const std::string head = in.Peek(2);
  return head.size() == 2 && head[0] == '\0' && head[1] == '\0';
}

IdxHeader ReadIdxHeader(InputStream& in) {
  const std::string& what = in.what();
  uint8_t magic[4];
  if (in.Read(magic, 4) != 4) Fail(what, ": truncated header (fewer than 4 bytes)");
  if (magic[0] != 0 || magic[1] != 0) {
    Fail(what, ": bad magic number (first two bytes must be 0x00 0x00, got 0x", std::hex,
         static_cast<int>(magic[0]), " 0x", static_cast<int>(magic[1]), "; is it an IDX file?)");
  }
  IdxHeader header;
  if (!DtypeForCode(magic[2], &header.dtype)) {
    Fail(what, ": unknown type code 0x", std::hex, static_cast<int>(magic[2]),
         " (expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e)");
  }
  const int ndims = magic[3];
  if (ndims == 0) Fail(what, ": has 0 dimensions");
  header.shape.resize(ndims);
  for (int d = 0; d < ndims; ++d) {
    uint8_t b[4];
    if (in.Read(b, 4) != 4)
      Fail(what, ": truncated header (", ndims, " dimensions declared, ", d, " present)");
    const uint32_t size = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
                          (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    if (size > static_cast<uint32_t>(INT32_MAX))
      Fail(what, ": dimension ", d, " has invalid size ", size);
    header.shape[d] = size;
  }
  for (int64_t size : header.shape)
    if (size == 0)
      Fail(what, ": holds no values (its header declares ", ShapeText(header.shape), ")");
  header.row_bytes = c10::elementSize(header.dtype);
  for (int d = 1; d < ndims; ++d)
    if (__builtin_mul_overflow(header.row_bytes, header.shape[d], &header.row_bytes))
      Fail(what, ": its dimensions ", ShapeText(header.shape), " overflow: they describe more than 2^63 bytes");
  TotalBytes(header, what);
  return header;
}

torch::Tensor ReadIdxRows(InputStream& in, const IdxHeader& header, int64_t first, int64_t count) {
  const std::string& what = in.what();
  const int64_t rows = header.shape[0];
  if (first < 0 || first > rows || count < -1 || (count >= 0 && count > rows - first)) {
    Fail(what, ": rows [", first, ", ", count < 0 ? "end" : std::to_string(first + count),
         ") out of bounds for ", rows, " row(s)");
  }
  if (count < 0) count = rows - first;
  CheckFileSize(in, header, first + count);
  if (in.Skip(first * header.row_bytes) != first * header.row_bytes)
    Fail(what, ": truncated data (cannot reach row ", first, ")");
  const int64_t wanted = count * header.row_bytes;
  // Read in bounded steps: a header that promises more than the data holds costs no more memory
  // than the data itself (the size of a gzip file's or a pipe's contents is unknown in advance).
  std::vector<uint8_t> bytes;
  int64_t got = 0;
  while (got < wanted) {
    const int64_t step = std::min<int64_t>(wanted - got, std::max<int64_t>(got, 1 << 20));
    bytes.resize(got + step);
    const int64_t arrived = in.Read(bytes.data() + got, step);
    got += arrived;
    if (arrived < step) break;
  }
  if (got != wanted) {
    Fail(what, ": truncated data (rows [", first, ", ", first + count, ") need ", wanted,
         " bytes, found ", got, ")");
  }
  std::vector<int64_t> shape = header.shape;
  shape[0] = count;
  torch::Tensor values = torch::empty(shape, torch::TensorOptions().dtype(header.dtype));
  if (wanted > 0) std::memcpy(values.data_ptr(), bytes.data(), wanted);
  SwapToHostOrder(static_cast<uint8_t*>(values.data_ptr()), values.numel(),
                  c10::elementSize(header.dtype));
  return values;
}

std::vector<int64_t> ReadIdxShape(const std::string& path) {
  InputStream in(path, "idx file");
  return ReadIdxHeader(in).shape;
}

torch::Tensor ReadIdx(const std::string& path, int64_t first, int64_t count) {
  InputStream in(path, "idx file");
  const IdxHeader header = ReadIdxHeader(in);
  return ReadIdxRows(in, header, first, count);
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
  AtomicFile target(path, "idx file");
  GzHandle file(gzopen(target.temporary_path().c_str(), EndsWithGz(path) ? "wb" : "wbT"));
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
  target.Commit();
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
