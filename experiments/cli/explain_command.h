// `lfa explain`: explain every row of a CSV table or an IDX image file with one explainer and
// write one CSV row of per-element attributions per input row.
//
//   lfa explain --model FILE.pt|zoo:ARCH --data FILE.csv|FILE.idx[.gz] [--rows BEGIN:END]
//               [--label-column NAME|last] [--input-shape C,H,W] [--pixel-scale X]
//               (--explainer NAME [--implementation lfa|classic] | --spec FILE.json)
//               [--groups patch:P] [--samples N] [--seed S] [--sigma X] [--kernel-width X]
//               [--baseline X|mean|blur:S] [--noise-fraction X] [--window H,W [--strides S,T]]
//               [--layer NAME] [--output-index K] [--device cpu|cuda] [--batch-size B]
//               [--heatmaps DIR] --out FILE.csv
//
// NAME is one of the eight recipes (explainers/recipes.h) or an image method
// (explainers/image_methods.h: smoothgrad_squared, vargrad, gradcam, gradcampp, smoothgradcampp);
// MakeExplainer builds either, and every explainer runs the same way: through one Oracle (device,
// --batch-size, counted queries, reported on stderr), in steps of rows. The CAMs need a model with
// named layers (zoo:ARCH).
// Input formats and shapes: experiments/data/points_input.h. Output header: one column per input
// element (the CSV's feature names, or c<C>_y<Y>_x<X> for images), then intercept, loss and r2 for
// the recipes and specs, then row (the row's index in the data file). Grouped mask methods
// (--groups patch:P) give every element its patch's attribution. --baseline is a number, "mean"
// (the mean of the explained rows, per element) or "blur:S" (each image's own Gaussian blur, S
// pixels); --window/--strides make the classic occlusion slide a window as Captum's Occlusion
// (--implementation classic --explainer occlusion); --noise-fraction sets the noise of smoothgrad,
// clime and the image methods as a fraction of each point's range. --heatmaps writes one PNG montage
// per row (the input beside the map, experiments/report/heatmap.h). Rows are explained in steps with
// progress on stderr; the output is written atomically, and bad input fails before any work with
// one line naming the problem.
// Under `mpirun -n K lfa explain ...` (docs/scaling.md) rank r explains the r-th contiguous block
// of rows with its own Oracle (--device cuda: the GPU of its local rank), each point seeded by its
// row index as always, and rank 0 gathers and writes the one output: the same bytes for every K.
// A failure on any rank ends the job with one message from rank 0 and no output file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiments/command/command.h"

namespace lfa {

struct ExplainCommandOptions {
  std::string model;                 // TorchScript file or zoo:ARCH (required)
  std::string data;                  // CSV file with a header, or IDX file (required)
  std::string rows;                  // "BEGIN:END" row range (default: all rows)
  std::string label_column;          // CSV: column to drop before explaining, a name or "last"
  std::vector<int64_t> input_shape;  // shape of one row (e.g. 1,28,28); default: see above
  std::optional<double> pixel_scale; // multiplies the data (default 1/255 for uint8 IDX, else 1)
  std::string explainer;             // a recipe or image method name, or empty with `spec`
  std::string implementation = "lfa";
  std::string spec;                  // JSON spec file composing an explainer
  std::string groups;                // "patch:P": feature groups of the mask recipes
  std::optional<int64_t> samples;    // perturbations per point (default DefaultSamples(NAME): 1000,
                                     // 25 noisy copies for the image methods; or the spec's)
  uint64_t seed = 0;
  std::optional<double> sigma;
  std::optional<double> kernel_width;
  std::string baseline;              // removed-feature value / path start: X, mean or blur:S (0)
  std::optional<double> noise_fraction;  // noise sigma / point range (image methods: 0.15)
  std::vector<int64_t> window;       // classic occlusion: sliding window (H,W or C,H,W)
  std::vector<int64_t> strides;      // its strides (default: 1)
  std::string layer;                 // CAM methods: layer name (default: last spatial layer)
  int64_t output_index = 0;
  std::string device = "cpu";
  std::optional<int64_t> batch_size;  // rows per model call (default: the Oracle's byte budget)
  std::string heatmaps;              // directory for PNG montages (images only)
  std::string cache_dir;             // zoo model cache (default LFA_CACHE_DIR or ~/.cache/lfa)
  std::string out;                   // output CSV (required)
  int64_t points_per_step = 256;     // points explained per step (progress granularity)
};

// Runs the command; throws InvalidInput on bad input (nothing is written then).
void RunExplain(const ExplainCommandOptions& options);

// `lfa explain`, its flags filling an ExplainCommandOptions.
std::unique_ptr<Command> MakeExplainCommand();

}  // namespace lfa
