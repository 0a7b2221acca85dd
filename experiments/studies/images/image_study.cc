#include "experiments/studies/images/image_study.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

#include "experiments/data/fashion_mnist.h"
#include "experiments/io/text.h"
#include "experiments/report/progress.h"
#include "experiments/studies/common/study_models.h"
#include "experiments/studies/common/study_output.h"
#include "experiments/studies/images/nfl.h"
#include "experiments/studies/images/report.h"
#include "experiments/studies/images/results.h"
#include "experiments/studies/images/run.h"
#include "experiments/studies/images/tables.h"
#include "experiments/zoo/model_zoo.h"
#include "framework/errors.h"

namespace lfa {
namespace {

template <typename... Parts>
bool Reject(std::string* error, const Parts&... parts) {
  std::ostringstream message;
  (message << ... << parts);
  if (error) *error = message.str();
  return false;
}

}  // namespace

bool ImageStudyOptions::IsValid(std::string* error) const {
  if (!CheckStudyOutAndPoints(out, points, error)) return false;
  if (samples < 10) return Reject(error, "--samples must be >= 10, got ", samples);
  if (patch < 1 || 28 % patch != 0)
    return Reject(error, "--patch must divide 28 (1, 2, 4, 7, 14, 28), got ", patch);
  if (heatmap_images < 0) return Reject(error, "--heatmap-images must be >= 0, got ", heatmap_images);
  if (noisy_copies < 1) return Reject(error, "--noisy-copies must be >= 1, got ", noisy_copies);
  if (models.empty()) return Reject(error, "--models is empty");
  const auto known = ZooArchitectures();
  for (const auto& m : models)
    if (std::find(known.begin(), known.end(), m) == known.end())
      return Reject(error, "--models: unknown zoo architecture '", m, "' (", Join(known, ", "), ")");
  return NflSweepIsValid(error);
}

bool ImageStudyOptions::NflSweepIsValid(std::string* error) const {
  for (size_t i = 0; i < nfl_samples.size(); ++i) {
    if (nfl_samples[i] < 10) return Reject(error, "--nfl-samples: each count must be >= 10, got ", nfl_samples[i]);
    if (i > 0 && nfl_samples[i] <= nfl_samples[i - 1])
      return Reject(error, "--nfl-samples must be ascending without repeats, got ", nfl_samples[i - 1],
                    " then ", nfl_samples[i]);
  }
  if (!nfl_samples.empty() && nfl_sweep_methods.empty())
    return Reject(error, "--nfl-sweep-methods is empty");
  for (const auto& m : nfl_sweep_methods)
    if (!IsSampledNflMethod(m))
      return Reject(error, "--nfl-sweep-methods: '", m,
                    "' is not a sampled method of the matrix (lime, clime, smoothgrad, integrated_gradients)");
  return true;
}

void RunImageStudy(const ImageStudyOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) Fail("lfa study images: ", error);
  const auto start = std::chrono::steady_clock::now();
  StudyDirectory out(options.out);
  StudyDirectory heatmaps(out.File("heatmaps"));

  const FashionMnist data = LoadFashionMnist(options.fashion_mnist);
  const torch::Tensor images = FirstTestImages(data, options.points);
  ImageStudyResults results = NewImageStudyResults(options, images);
  for (const std::string& architecture : options.models) {
    results.models.push_back(StudyImageModel(options, data, images, architecture));
    WriteImageStudyTables(out.path(), results);  // the tables so far: a long run shows progress
  }
  results.seconds = SecondsSince(start);
  WriteImageStudyReport(out.File("report.md"), results);
  heatmaps.Keep();
  out.Keep();
  std::fprintf(stderr, "study images: %.0f s; wrote %s/{models,metrics,nfl}.csv, heatmaps/, report.md\n",
               results.seconds, options.out.c_str());
}

}  // namespace lfa
