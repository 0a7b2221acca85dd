#include "experiments/studies/common/study_models.h"

#include <cstdio>

#include "experiments/io/csv.h"
#include "experiments/report/markdown.h"
#include "framework/errors.h"

namespace lfa {

torch::Tensor FirstTestImages(const FashionMnist& data, int64_t points) {
  const int64_t available = data.test_images.size(0);
  if (points < 1 || points > available)
    Fail("--points must be in [1, ", available, "] (the test images), got ", points);
  return data.test_images.slice(0, 0, points).to(torch::kDouble).contiguous();
}

ZooEntry LoadStudyModel(const std::string& study, const std::string& name,
                        const ZooTrainingOptions& training, const FashionMnist& data,
                        const std::string& cache_dir, StudyModel* record) {
  ZooEntry entry = LoadOrTrain(training, data, cache_dir);
  std::fprintf(stderr, "%s: %s test accuracy %.4f (%s)\n", study.c_str(), name.c_str(),
               entry.test_accuracy, entry.from_cache ? "cached" : "trained");
  if (record) *record = {name, entry.test_accuracy, entry.train_seconds, entry.from_cache};
  return entry;
}

std::string StudyModelSource(const StudyModel& model) {
  return model.cached ? "zoo cache" : "trained in this run";
}

void WriteStudyModelsCsv(const std::string& path, const std::string& key_column,
                         const std::vector<StudyModel>& models) {
  TextTable table{{key_column, "test_accuracy", "train_seconds"}, {}};
  for (const StudyModel& m : models)
    table.rows.push_back({m.name, Format(m.test_accuracy), Format(m.train_seconds, 1)});
  table.Write(path);
}

}  // namespace lfa
