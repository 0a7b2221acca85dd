#include "experiments/studies/localisation/localisation_bytes.h"

#include <cstdint>

namespace lfa {

void EncodeMethodMaskScores(ByteWriter& out, const std::vector<MethodScores>& scores) {
  out.Integer(static_cast<int64_t>(scores.size()));
  for (const MethodScores& method : scores) {
    out.Text(method.method);
    for (const auto& variant : method.scores)
      for (const ScoreSummary& summary : variant) {
        out.Double(summary.mean);
        out.Double(summary.sem);
      }
  }
}

std::vector<MethodScores> DecodeMethodMaskScores(ByteReader& in) {
  const int64_t count = in.Count();
  std::vector<MethodScores> scores;
  for (int64_t i = 0; i < count; ++i) {
    MethodScores& method = scores.emplace_back();
    method.method = in.Text();
    for (auto& variant : method.scores)
      for (ScoreSummary& summary : variant) {
        summary.mean = in.Double();
        summary.sem = in.Double();
      }
  }
  return scores;
}

}  // namespace lfa
