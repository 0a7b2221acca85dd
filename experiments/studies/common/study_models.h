// Study models: the Fashion-MNIST test images a study explains and the zoo models it explains them
// on, loaded from the zoo cache or trained, with the record (accuracy, training time, source) that
// every study's models.csv and report table show.
//
//   const FashionMnist data = LoadFashionMnist(options.fashion_mnist);
//   const torch::Tensor images = FirstTestImages(data, options.points);   // [N, 1, 28, 28] float64
//   StudyModel record;
//   const ZooEntry entry = LoadStudyModel("study images", "cnn", {.architecture = "cnn"}, data,
//                                         options.cache_dir, &record);
//   WriteStudyModelsCsv(dir.File("models.csv"), "model", {record});
//
// models.csv has the columns <key_column>, test_accuracy (4 decimals), train_seconds (1 decimal).
//
// WARNING: train_seconds is the wall-clock time of the training that produced the cached model,
// not of this run: a model loaded from the cache keeps the seconds it was trained in, so two runs
// give the same models.csv only up to that timing column when one of them trained.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/data/fashion_mnist.h"
#include "experiments/zoo/model_zoo.h"

namespace lfa {

// One zoo model of a study, as its models table states it.
struct StudyModel {
  std::string name;           // the row's key: an architecture, or a task
  double test_accuracy = 0.0;
  double train_seconds = 0.0;  // of the training that produced the model (see the WARNING)
  bool cached = false;         // loaded from the zoo cache rather than trained in this run
};

// The first `points` test images as float64 [points, 1, 28, 28], contiguous. InvalidInput when the
// test set holds fewer.
torch::Tensor FirstTestImages(const FashionMnist& data, int64_t points);

// LoadOrTrain with the study's line on stderr ("<study>: <name> test accuracy 0.8916 (cached)")
// and the record filled in (when `record` is not null).
ZooEntry LoadStudyModel(const std::string& study, const std::string& name,
                        const ZooTrainingOptions& training, const FashionMnist& data,
                        const std::string& cache_dir, StudyModel* record);

// "zoo cache" or "trained in this run": the source column of a report's models table.
std::string StudyModelSource(const StudyModel& model);

// models.csv: key_column, test_accuracy, train_seconds; one row per model, written atomically.
void WriteStudyModelsCsv(const std::string& path, const std::string& key_column,
                         const std::vector<StudyModel>& models);

}  // namespace lfa
