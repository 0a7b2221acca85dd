// Fuzz target for the IDX reader (experiments/io/idx.h).
//
// Each input is a file's bytes, plain or gzip (zlib detects which). Accepted outcomes: an answer,
// or an InvalidInput naming the file; anything else (another exception, an allocation the file
// cannot back, a sanitizer report) is a defect. Properties, when the file reads:
//   - LooksLikeIdx says yes (for 1 to 4 dimensions, its documented range), and ReadIdxShape gives
//     the tensor's shape;
//   - a row range reads the same values as the whole file sliced;
//   - WriteIdx then ReadIdx gives back the same bytes, shape and dtype.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <torch/types.h>

#include "experiments/io/idx.h"
#include "framework/errors.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/memory_file.h"

namespace lfa {
namespace {

bool SameBytes(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  if (a.numel() == 0) return true;  // no data pointer to compare (memcmp forbids null)
  const torch::Tensor x = a.contiguous();
  const torch::Tensor y = b.contiguous();
  return std::memcmp(x.data_ptr(), y.data_ptr(), x.nbytes()) == 0;
}

void CheckReadable(const MemoryFile& file, const torch::Tensor& values) {
  // LooksLikeIdx is documented for 1 to 4 dimensions; ReadIdx reads up to 255.
  FuzzCheck(values.dim() > 4 || LooksLikeIdx(file.path()), "LooksLikeIdx of a file ReadIdx reads");
  FuzzCheck(ReadIdxShape(file.path()) == values.sizes().vec(), "ReadIdxShape == ReadIdx's shape");
  const int64_t rows = values.size(0);
  if (rows >= 2) {
    const torch::Tensor middle = ReadIdx(file.path(), 1, rows - 2);
    FuzzCheck(SameBytes(middle, values.slice(0, 1, rows - 1)), "row range == slice of the whole");
  }
  static MemoryFile copy("copy-idx");
  WriteIdx(copy.path(), values);
  FuzzCheck(SameBytes(ReadIdx(copy.path()), values), "ReadIdx(WriteIdx(values)) == values");
}

}  // namespace
}  // namespace lfa

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static lfa::MemoryFile file("fuzz-idx");
  file.Set(data, size);
  torch::Tensor values;
  try {
    (void)lfa::ReadIdxShape(file.path());
    values = lfa::ReadIdx(file.path());
  } catch (const lfa::InvalidInput&) {
    return 0;
  }
  lfa::CheckReadable(file, values);
  return 0;
}
