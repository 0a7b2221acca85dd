// Explain checks: what `lfa explain` verifies so that it never answers with silent NaN.
//
// A number can be finite where the user typed it and not where the model computes: a sigma of
// 1e308 is a double, but x + N(0, sigma^2) overflows the float32 a model computes in, and every
// attribution comes out NaN. These checks run after the model is opened (its input type is known)
// and before any query, and name the flag and the value; the Oracle (framework/oracle.h) is the
// backstop for what only the queries reveal (a spec's parameters, a model that returns NaN).
//
//   CheckParametersFitModel(options, data, model.dtype());   // --sigma, --baseline, ...
//   CheckResultsFinite(header, values, data.first_row);       // before anything is written
//
// WARNING: the bounds are deliberately loose (|x| + 10 sigma must be finite); they catch overflow,
// not a merely unwise choice of parameter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/cli/explain_command.h"
#include "experiments/data/points_input.h"

namespace lfa {

// The largest finite value of a floating-point dtype (FLT_MAX for float32); 0 for other types.
double LargestFinite(torch::ScalarType dtype);

// InvalidInput naming the flag when --sigma, --baseline X, --noise-fraction or --kernel-width
// would make the perturbed inputs or the kernel weights overflow for `data` in `dtype`.
void CheckParametersFitModel(const ExplainCommandOptions& options, const Points& data,
                             torch::ScalarType dtype);

// InvalidInput naming the row (as in the output's `row` column) and the column of the first
// non-finite value of `values` [rows, header.size()], except in the loss and r2 columns when they
// are NaN for every row (a method that fits no surrogate).
void CheckResultsFinite(const std::vector<std::string>& header, const torch::Tensor& values,
                        int64_t first_row);

}  // namespace lfa
