#include "experiments/parallel/tensor_bytes.h"

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace lfa {

void ByteWriter::Raw(const void* data, size_t size) {
  bytes_.append(static_cast<const char*>(data), size);
}

void ByteWriter::Integer(int64_t value) { Raw(&value, sizeof(value)); }

void ByteWriter::Double(double value) { Raw(&value, sizeof(value)); }

void ByteWriter::Text(const std::string& text) {
  Integer(static_cast<int64_t>(text.size()));
  Raw(text.data(), text.size());
}

void ByteWriter::Tensor(const torch::Tensor& tensor) {
  if (!tensor.defined()) {
    Integer(-1);
    return;
  }
  const torch::Tensor cpu = tensor.detach().to(torch::kCPU).contiguous();
  Integer(static_cast<int64_t>(cpu.scalar_type()));
  Integer(cpu.dim());
  for (const int64_t size : cpu.sizes()) Integer(size);
  Raw(cpu.data_ptr(), cpu.numel() * cpu.element_size());
}

void ByteReader::Raw(void* data, size_t size) {
  if (size > bytes_.size() - offset_) {
    std::string message = "tensor bytes: a field of ";
    message += std::to_string(size);
    message += " bytes runs past the end of a buffer of ";
    message += std::to_string(bytes_.size());
    throw std::runtime_error(message);
  }
  std::memcpy(data, bytes_.data() + offset_, size);
  offset_ += size;
}

int64_t ByteReader::Integer() {
  int64_t value = 0;
  Raw(&value, sizeof(value));
  return value;
}

int64_t ByteReader::Count() {
  const int64_t count = Integer();
  if (count < 0 || static_cast<uint64_t>(count) > bytes_.size() - offset_) {
    std::string message = "tensor bytes: implausible list length ";
    message += std::to_string(count);
    throw std::runtime_error(message);
  }
  return count;
}

double ByteReader::Double() {
  double value = 0.0;
  Raw(&value, sizeof(value));
  return value;
}

std::string ByteReader::Text() {
  const int64_t length = Integer();
  if (length < 0) throw std::runtime_error("tensor bytes: negative text length");
  std::string text(static_cast<size_t>(length), '\0');
  Raw(text.data(), text.size());
  return text;
}

torch::Tensor ByteReader::Tensor() {
  const int64_t type = Integer();
  if (type < 0) return torch::Tensor();
  if (type >= static_cast<int64_t>(torch::ScalarType::NumOptions))
    throw std::runtime_error("tensor bytes: unknown dtype");
  const int64_t dims = Integer();
  if (dims < 0 || dims > 64) throw std::runtime_error("tensor bytes: implausible tensor rank");
  std::vector<int64_t> sizes(static_cast<size_t>(dims));
  for (int64_t& size : sizes) size = Integer();
  torch::Tensor tensor =
      torch::empty(sizes, torch::TensorOptions().dtype(static_cast<torch::ScalarType>(type)));
  Raw(tensor.data_ptr(), tensor.numel() * tensor.element_size());
  return tensor;
}

}  // namespace lfa
