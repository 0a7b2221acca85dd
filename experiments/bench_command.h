// `lfa bench`: wall time of each explainer on a model and a set of points, and its ratio to the
// bare model queries it needs (the same number of rows, the same batch size, called directly on
// the model without the Oracle: forward passes for value queries, forward+backward for gradient
// queries). A ratio near 1 means the framework adds little beyond the model's own cost.
//
//   lfa bench [--model F.pt --data F.csv --label-column last] [--samples 1000] [--repeats 5]
//             [--batch-size 10000] [--implementation lfa|classic|both] [--out bench.csv]
//
// Defaults: the paper's heloc_ffnnA and its 100 points from LFA_DATA_DIR.
#pragma once

#include <string>

namespace lfa {

struct BenchCommandOptions {
  std::string model;                   // default: heloc_ffnnA from LFA_DATA_DIR
  std::string data;                    // default: the 100 heloc points
  std::string label_column = "last";
  int64_t samples = 1000;
  int64_t repeats = 5;                 // timed runs per explainer; the median is reported
  int64_t batch_size = 10000;
  std::string implementation = "lfa";  // lfa | classic | both
  std::string device = "cpu";
  std::string out;                     // optional CSV of the table
};

void RunBench(const BenchCommandOptions& options);

}  // namespace lfa
