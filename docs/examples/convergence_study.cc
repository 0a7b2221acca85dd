#include "docs/examples/convergence_study.h"

#include <cmath>
#include <memory>
#include <sstream>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/types.h>

#include "experiments/io/atomic_file.h"
#include "experiments/io/csv.h"
#include "experiments/report/markdown.h"
#include "experiments/studies/common/study_output.h"
#include "explainers/recipes.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "models/analytic_model.h"

namespace lfa {
namespace {

// The frequencies w of f(x) = sum_k sin(w_k x_k); d = 5.
const std::vector<double> kFrequencies = {0.9, -0.4, 1.6, 0.8, 1.2};

std::shared_ptr<AnalyticModel> SumOfSines(const torch::Tensor& w) {
  return std::make_shared<AnalyticModel>(
      std::vector<int64_t>{w.size(0)},
      [w](const torch::Tensor& x) {
        return torch::sin(x * w.to(x.device(), x.dtype())).sum(1, /*keepdim=*/true);
      },
      "sum of sines");
}

// s_k(x) = w_k cos(w_k x_k) exp(-w_k^2 sigma^2 / 2): E[grad f(x + xi)] for xi ~ N(0, sigma^2 I).
torch::Tensor SmoothedGradient(const torch::Tensor& x, const torch::Tensor& w, double sigma) {
  return w * torch::cos(x * w) * torch::exp(-0.5 * sigma * sigma * w.square());
}

ConvergenceRow Summarise(const std::string& method, int64_t samples, const torch::Tensor& errors) {
  const int64_t n = errors.size(0);
  return {method, samples, errors.mean().item<double>(),
          errors.std().item<double>() / std::sqrt(static_cast<double>(n))};
}

// "falls from 0.1 at S = 10 to 0.01 at S = 1000, a factor of 10.0; 1/sqrt(S) predicts 10.0,
// as Monte Carlo predicts": the verdict compares the measured factor with the predicted one.
std::string ConvergenceVerdict(const ConvergenceStudyResults& results, const std::string& method) {
  const int64_t low = results.options.samples.front(), high = results.options.samples.back();
  const double from = results.At(method, low).mean_error, to = results.At(method, high).mean_error;
  const double factor = from / to, predicted = std::sqrt(static_cast<double>(high) / low);
  // Appended piece by piece: GCC 12 warns falsely on "literal" + std::string (see CMakeLists.txt).
  std::string verdict = "- `";
  verdict += method;
  verdict += "`: the error falls from ";
  verdict += Format(from);
  verdict += " at S = ";
  verdict += std::to_string(low);
  verdict += " to ";
  verdict += Format(to);
  verdict += " at S = ";
  verdict += std::to_string(high);
  verdict += ", a factor of ";
  verdict += Format(factor, 1);
  verdict += "; 1/sqrt(S) predicts ";
  verdict += Format(predicted, 1);
  if (factor < predicted / 2) {
    verdict += ": slower than Monte Carlo error would fall.\n";
  } else if (factor > predicted * 2) {
    verdict += ": faster than Monte Carlo error would fall.\n";
  } else {
    verdict += ", within a factor of two, as Monte Carlo error falls.\n";
  }
  return verdict;
}

// Which method is closer at how many sample counts, from the table's own numbers.
std::string ComparisonVerdict(const ConvergenceStudyResults& results) {
  const std::vector<int64_t>& counts = results.options.samples;
  size_t smoothgrad_better = 0;
  for (int64_t s : counts)
    if (results.At("smoothgrad", s).mean_error < results.At("clime", s).mean_error)
      ++smoothgrad_better;
  std::string verdict = "- SmoothGrad's error is below C-LIME's at ";
  verdict += std::to_string(smoothgrad_better);
  verdict += " of ";
  verdict += std::to_string(counts.size());
  verdict += " sample counts";
  if (smoothgrad_better == counts.size()) {
    verdict += ": matching gradients is the better estimator here.\n";
  } else if (smoothgrad_better == 0) {
    verdict += ": fitting values is the better estimator here.\n";
  } else {
    verdict += ": neither estimator is better at every sample count.\n";
  }
  return verdict;
}

std::string Report(const ConvergenceStudyResults& results) {
  std::ostringstream report;
  report << "# Convergence with the number of samples\n\n"
         << "RMS error of each estimate of the smoothed gradient of f(x) = sum_k sin(w_k x_k) "
         << "(sigma = " << Format(results.options.sigma, 2) << ", " << results.options.points
         << " points), mean ± standard error over the points.\n\n";
  std::vector<std::string> header = {"method"};
  for (int64_t s : results.options.samples) {
    std::string column = "S = ";
    column += std::to_string(s);
    header.push_back(column);
  }
  report << MarkdownRow(header) << MarkdownRule(header.size());
  for (const std::string& method : ConvergenceMethods()) {
    std::vector<std::string> row = {method};
    for (int64_t s : results.options.samples) {
      const ConvergenceRow& r = results.At(method, s);
      row.push_back(Format(r.mean_error) + " ± " + Format(r.standard_error));
    }
    report << MarkdownRow(row);
  }
  report << "\n";
  for (const std::string& method : ConvergenceMethods())
    report << ConvergenceVerdict(results, method);
  report << ComparisonVerdict(results);
  return report.str();
}

}  // namespace

bool ConvergenceStudyOptions::IsValid(std::string* error) const {
  const int64_t least = static_cast<int64_t>(kFrequencies.size()) + 1;  // C-LIME is identified
  std::ostringstream message;
  if (samples.empty()) message << "samples: give at least one sample count";
  for (size_t i = 0; i < samples.size() && message.str().empty(); ++i) {
    if (samples[i] < least)
      message << "samples: each must be >= " << least << ", got " << samples[i];
    else if (i > 0 && samples[i] <= samples[i - 1])
      message << "samples: must increase, got " << samples[i - 1] << " then " << samples[i];
  }
  if (message.str().empty() && points < 2) message << "points: must be >= 2, got " << points;
  if (message.str().empty() && (!(sigma > 0) || !std::isfinite(sigma)))
    message << "sigma: must be > 0 and finite, got " << sigma;
  *error = message.str();
  return error->empty();
}

const ConvergenceRow& ConvergenceStudyResults::At(const std::string& method,
                                                  int64_t samples) const {
  for (const ConvergenceRow& row : rows)
    if (row.method == method && row.samples == samples) return row;
  Fail("convergence results: no row for method '", method, "' at ", samples, " samples");
}

const std::vector<std::string>& ConvergenceMethods() {
  static const std::vector<std::string> methods = {"smoothgrad", "clime"};
  return methods;
}

ConvergenceStudyResults RunConvergenceStudy(const ConvergenceStudyOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) Fail("convergence study: ", error);
  const torch::Tensor w = torch::tensor(kFrequencies, torch::kDouble);
  const torch::Tensor x = torch::randn(
      {options.points, w.size(0)}, at::detail::createCPUGenerator(options.seed), torch::kDouble);
  const torch::Tensor target = SmoothedGradient(x, w, options.sigma);
  Oracle oracle(SumOfSines(w));
  ConvergenceStudyResults results{options, {}};
  for (const std::string& method : ConvergenceMethods()) {
    for (int64_t s : options.samples) {
      const auto explainer = MakeExplainer(method, {.samples = s, .sigma = options.sigma});
      const Explanation e = explainer->Explain(oracle, MakePointBatch(x, options.seed),
                                               Targets(0, options.points));
      const torch::Tensor errors = (e.attributions - target).square().mean(1).sqrt();
      results.rows.push_back(Summarise(method, s, errors));
    }
  }
  return results;
}

void WriteConvergenceReport(const ConvergenceStudyResults& results, const std::string& out) {
  StudyDirectory directory(out);
  std::vector<std::string> methods;
  const int64_t count = static_cast<int64_t>(results.rows.size());
  torch::Tensor values = torch::empty({count, 3}, torch::kDouble);
  for (size_t i = 0; i < results.rows.size(); ++i) {
    const ConvergenceRow& row = results.rows[i];
    methods.push_back(row.method);
    values[i][0] = static_cast<double>(row.samples);
    values[i][1] = row.mean_error;
    values[i][2] = row.standard_error;
  }
  WriteCsv(directory.File("convergence.csv"), {"method", "samples", "mean_error", "standard_error"},
           values, methods);
  WriteFileAtomically(directory.File("report.md"), Report(results), "report");
  directory.Keep();
}

}  // namespace lfa
