// Tensor bytes: integers, doubles, text and tensors written into one buffer for the collectives
// (communicator.h), and read back in the same order.
//
// A double travels as its 8 bytes and a tensor as its dtype, its shape and its contiguous CPU
// bytes, so both are read back bit for bit (NaN payloads and signed zeros included): the gather of float64 attributions changes no digit. Both ends are processes of one
// job on one kind of machine (same byte order, same LibTorch), which MPI jobs are.
//
//   ByteWriter out;
//   out.Integer(queries);
//   out.Tensor(attributions);
//   std::string bytes = out.bytes();
//   ByteReader in(bytes);
//   int64_t q = in.Integer();
//   torch::Tensor a = in.Tensor();     // equal to `attributions`, on the CPU
//
// Lists travel as their length, then each item: out.List(rows, [&](const Row& r) { ... }) and
// in.List<Row>([&] { return ReadRow(in); }); in.Count() reads a length on its own and refuses a
// negative one or one the remaining bytes cannot hold.
//
// WARNING: read in exactly the order written; the reader checks lengths (a short or garbled buffer
// throws std::runtime_error) but not the meaning of the fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

namespace lfa {

class ByteWriter {
 public:
  void Integer(int64_t value);
  void Double(double value);
  void Text(const std::string& text);
  // Any dtype, any device; an undefined tensor is written as such.
  void Tensor(const torch::Tensor& tensor);
  // items.size(), then write_item(item) for each item (which writes it into this writer).
  template <typename Item, typename WriteItem>
  void List(const std::vector<Item>& items, WriteItem write_item) {
    Integer(static_cast<int64_t>(items.size()));
    for (const Item& item : items) write_item(item);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  void Raw(const void* data, size_t size);
  std::string bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(const std::string& bytes) : bytes_(bytes) {}
  int64_t Integer();
  double Double();
  std::string Text();
  torch::Tensor Tensor();
  // A list's length: std::runtime_error when negative or above the bytes left (each item takes at
  // least one byte), so a garbled length cannot start a huge loop.
  int64_t Count();
  // A list written by ByteWriter::List: Count(), then read_item() that many times.
  template <typename Item, typename ReadItem>
  std::vector<Item> List(ReadItem read_item) {
    const int64_t count = Count();
    std::vector<Item> items;
    for (int64_t i = 0; i < count; ++i) items.push_back(read_item());
    return items;
  }
  bool done() const { return offset_ == bytes_.size(); }

 private:
  void Raw(void* data, size_t size);
  const std::string& bytes_;
  size_t offset_ = 0;
};

}  // namespace lfa
