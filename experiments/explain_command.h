// `lfa explain`: explain every row of a CSV file with one explainer and write one CSV row of
// attributions per input row.
//
//   lfa explain --model FILE.pt --data FILE.csv [--label-column NAME|last]
//               (--explainer NAME [--implementation lfa|classic] | --spec FILE.json)
//               [--samples N] [--seed S] [--sigma X] [--kernel-width X] [--baseline X]
//               [--output-index K] [--device cpu|cuda] [--batch-size B] --out FILE.csv
//
// Output header: the feature names in input order (or group_0.. for grouped mask methods), then
// intercept, loss and r2. Rows are explained in batches with progress on stderr; the output is
// written atomically, and bad input fails before any work with one line naming the problem.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lfa {

struct ExplainCommandOptions {
  std::string model;                 // TorchScript file (required)
  std::string data;                  // CSV file with a header (required)
  std::string label_column;          // column to drop before explaining: a name or "last"
  std::string explainer;             // one of MethodNames(), or empty with `spec`
  std::string implementation = "lfa";
  std::string spec;                  // JSON spec file composing an explainer
  std::optional<int64_t> samples;    // perturbations per point (default 1000 / the spec's)
  uint64_t seed = 0;
  std::optional<double> sigma;
  std::optional<double> kernel_width;
  std::optional<double> baseline;     // removed-feature value / path start (default 0)
  int64_t output_index = 0;
  std::string device = "cpu";
  int64_t batch_size = 10000;        // rows per model call
  std::vector<int64_t> input_shape;  // reshape each CSV row (e.g. 1,28,28); default: flat
  std::string out;                   // output CSV (required)
  int64_t points_per_step = 256;     // points explained per step (progress granularity)
};

// Runs the command; throws InvalidInput on bad input (nothing is written then).
void RunExplain(const ExplainCommandOptions& options);

}  // namespace lfa
