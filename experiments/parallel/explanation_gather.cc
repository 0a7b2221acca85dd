#include "experiments/parallel/explanation_gather.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "experiments/parallel/tensor_bytes.h"

namespace lfa {

std::string EncodeExplanation(const Explanation& explanation) {
  ByteWriter out;
  out.Text(explanation.method);
  out.Integer(explanation.model_queries);
  out.Integer(static_cast<int64_t>(explanation.input_shape.size()));
  for (const int64_t size : explanation.input_shape) out.Integer(size);
  for (const torch::Tensor* tensor : {&explanation.attributions, &explanation.intercepts,
                                      &explanation.loss, &explanation.r2, &explanation.ridge})
    out.Tensor(*tensor);
  return out.bytes();
}

Explanation DecodeExplanation(const std::string& bytes) {
  ByteReader in(bytes);
  Explanation explanation;
  explanation.method = in.Text();
  explanation.model_queries = in.Integer();
  const int64_t dims = in.Integer();
  if (dims < 0 || dims > 64) throw std::runtime_error("explanation bytes: implausible shape rank");
  for (int64_t d = 0; d < dims; ++d) explanation.input_shape.push_back(in.Integer());
  for (torch::Tensor* tensor : {&explanation.attributions, &explanation.intercepts,
                                &explanation.loss, &explanation.r2, &explanation.ridge})
    *tensor = in.Tensor();
  if (!in.done()) throw std::runtime_error("explanation bytes: trailing bytes after the fields");
  return explanation;
}

Explanation GatherExplanation(Communicator& world, const Explanation& local) {
  if (world.size() == 1) return local;
  const std::vector<std::string> parts = world.GatherBytes(EncodeExplanation(local));
  if (world.rank() != 0) return local;
  std::vector<Explanation> explanations;
  explanations.reserve(parts.size());
  for (const std::string& part : parts) {
    Explanation explanation = DecodeExplanation(part);
    // A rank whose shard was empty explained nothing; rank 0's shard is never empty (shard.h).
    if (explanation.attributions.defined()) explanations.push_back(std::move(explanation));
  }
  return Explanation::Concatenate(explanations);
}

}  // namespace lfa

