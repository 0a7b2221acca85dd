// `lfa bench`: wall time of each explainer on a model and a set of points, and its ratio to the
// bare model queries it needs (the same number of rows, called directly on the model without the
// Oracle: forward passes for value queries, forward+backward for gradient queries, at the best of
// the Oracle's batch sizes, 1000 and 10000 rows, or at --batch-size B when given). A ratio near 1
// means the framework adds little beyond the model's own cost (docs/performance.md).
//
//   lfa bench [--model F.pt|zoo:ARCH --data F.csv|F.idx --rows BEGIN:END --label-column last]
//             [--patch P] [--samples 1000] [--repeats 5] [--batch-size B]
//             [--implementation lfa|classic|both] [--device cpu|cuda] [--out bench.csv] [--sweep]
//
// --sweep first prints the model's bare cost per row at batch sizes 16, 64, ..., 65536 with the
// batch's bytes as the Oracle counts them (Oracle::RowBytes): the measurement behind the CPU byte
// budget kCpuBatchBytes (docs/performance.md).
//
// Defaults: the paper's heloc_ffnnA and its 100 points from LFA_DATA_DIR. On images, --patch P
// gives the mask methods P x P patches (e.g. the CNN benchmark: --model zoo:cnn --data
// t10k-images-idx3-ubyte.gz --rows 0:100 --patch 4).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "experiments/command/command.h"

namespace lfa {

struct BenchCommandOptions {
  std::string model;                   // default: heloc_ffnnA from LFA_DATA_DIR
  std::string data;                    // default: the 100 heloc points
  std::string rows;                    // row range BEGIN:END of the data (default all)
  std::string label_column = "last";   // CSV only
  int64_t patch = 0;                   // > 0: P x P patch groups for lime, kernelshap, occlusion
  std::string cache_dir;               // zoo model cache
  int64_t samples = 1000;
  int64_t repeats = 5;                 // timed runs per explainer; the median is reported
  int64_t batch_size = 0;              // rows per model call; 0: the Oracle's byte budget
  std::string implementation = "lfa";  // lfa | classic | both
  std::string device = "cpu";
  std::string out;                     // optional CSV of the table
  bool sweep = false;                  // first: bare cost per row at batch sizes 16..65536
  std::vector<std::string> explainers; // the methods to time (default: every one)
};

void RunBench(const BenchCommandOptions& options);

// `lfa bench`, its flags filling a BenchCommandOptions.
std::unique_ptr<Command> MakeBenchCommand();

}  // namespace lfa
