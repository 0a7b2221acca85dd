#include "experiments/studies/images/results.h"

namespace lfa {

std::string ImageMetricName(ImageMetric metric) {
  switch (metric) {
    case ImageMetric::kDeletionAuc: return "deletion_auc";
    case ImageMetric::kInsertionAuc: return "insertion_auc";
    case ImageMetric::kInfidelity: return "infidelity";
    case ImageMetric::kTopKGap: return "topk_binary_gap";
    case ImageMetric::kBottomKGap: return "bottomk_binary_gap";
  }
  return "unknown";
}

bool HigherIsBetter(ImageMetric metric) {
  return metric == ImageMetric::kInsertionAuc || metric == ImageMetric::kTopKGap;
}

int64_t NflMatrix::RowOf(const std::string& name) const {
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].name == name) return static_cast<int64_t>(i);
  return -1;
}

}  // namespace lfa
