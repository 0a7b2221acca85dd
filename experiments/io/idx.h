// IDX files: the binary tensor format of MNIST and Fashion-MNIST.
//
// An IDX file is a 4-byte magic number (0x00 0x00, a type code, the number of dimensions), one
// big-endian int32 per dimension, then the values in row-major order, big-endian. Type codes:
// 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64; each becomes the
// tensor dtype of the same width. Files ending in ".gz" are read through zlib; others are read as
// they are (zlib also passes uncompressed bytes through, so a misnamed plain file still reads).
//
// ReadIdx returns rows [first, first + count) along dim 0 (count = -1: to the end) without
// decompressing more than it needs past the last row. Every failure is an InvalidInput that names
// the path and what is wrong: missing file, bad magic, unknown type, truncated header or data, a
// row range out of bounds, no values at all (a dimension of size 0), dimensions whose product
// overflows. A header is checked against the file before anything is allocated: an uncompressed
// file must hold the bytes of the rows read (its header's promise up to them); a gzip file or a
// pipe, whose decoded size
// is unknown, is read in bounded steps, so memory grows only with the data that really arrives.
// Files are read once, through an InputStream (input_stream.h): pipes work. WriteIdx writes any of
// those dtypes, gzip-compressed when the path ends in ".gz", atomically (atomic_file.h); it exists
// for round-trip tests and small fixtures.
//
//   torch::Tensor images = ReadIdx("train-images-idx3-ubyte.gz");          // [60000, 28, 28] uint8
//   torch::Tensor first100 = ReadIdx("train-labels-idx1-ubyte.gz", 0, 100);  // [100] uint8
//   WriteIdx("/tmp/tiny-idx3-ubyte.gz", torch::zeros({2, 3, 3}, torch::kUInt8));
//
//   InputStream in(path, "data file");                 // one open, e.g. of a pipe
//   if (StartsLikeIdx(in)) {
//     const IdxHeader header = ReadIdxHeader(in);
//     torch::Tensor rows = ReadIdxRows(in, header, 0, header.shape[0]);
//   }
//
// WARNING: in a gzip file, truncation is detected only for the rows read. ReadIdx(path, 0, 10) on
// a compressed file whose header promises 60000 rows but holds 50 succeeds; read the whole file
// (count = -1) to check it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

namespace lfa {

class InputStream;

// What an IDX header declares.
struct IdxHeader {
  torch::ScalarType dtype = torch::kUInt8;
  std::vector<int64_t> shape;  // rows first; every size >= 1
  int64_t row_bytes = 0;       // bytes of one row (the product of shape[1:] and the value width)
};

// True when the data starts with 0x00 0x00, as every IDX file does and no CSV text can.
bool StartsLikeIdx(InputStream& in);
// Reads and checks the header (consuming it); the stream is left at the first value.
IdxHeader ReadIdxHeader(InputStream& in);
// Rows [first, first + count) of the data after the header, which the stream must be at.
torch::Tensor ReadIdxRows(InputStream& in, const IdxHeader& header, int64_t first, int64_t count);

torch::Tensor ReadIdx(const std::string& path, int64_t first = 0, int64_t count = -1);
// The dimensions in the header (rows first), without reading any value.
std::vector<int64_t> ReadIdxShape(const std::string& path);

// `values` must be contiguous-able, have at least one dimension, and be of an IDX dtype (uint8,
// int8, int16, int32, float32, float64); the file is gzip-compressed when `path` ends in ".gz".
void WriteIdx(const std::string& path, const torch::Tensor& values);

// True when the file (plain or gzip) starts with an IDX magic number: 0x00 0x00, a known type
// code and 1 to 4 dimensions. False for a missing file or anything else (a CSV file, say).
bool LooksLikeIdx(const std::string& path);

}  // namespace lfa
