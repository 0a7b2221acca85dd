#include "surrogates/logistic.h"

#include <cmath>

#include "framework/spec_reader.h"

namespace lfa {
namespace {

double Sigmoid(double u) { return u >= 0 ? 1 / (1 + std::exp(-u)) : std::exp(u) / (1 + std::exp(u)); }

}  // namespace

std::unique_ptr<Surrogate> LogisticSurrogate::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "surrogate 'logistic'");
  LogisticSurrogateOptions options;
  options.intercept = reader.Boolean("intercept", options.intercept);
  reader.Finish();
  return std::make_unique<LogisticSurrogate>(options);
}

std::vector<PartExample> LogisticSurrogate::Examples() {
  return {
      {.name = "", .spec = nlohmann::json::parse(R"({"type": "logistic"})")},
      {.name = "no_intercept",
       .spec = nlohmann::json::parse(R"({"type": "logistic", "intercept": false})")},
  };
}

torch::Tensor LogisticSurrogate::Predict(const torch::Tensor& params, const torch::Tensor& xi) const {
  const int64_t d = xi.size(2);
  torch::Tensor u = torch::bmm(xi, params.slice(1, 0, d).unsqueeze(2)).squeeze(2);
  if (options_.intercept) u = u + params.select(1, d).unsqueeze(1);
  return torch::sigmoid(u);
}

torch::Tensor LogisticSurrogate::InputGradient(const torch::Tensor& params,
                                               const torch::Tensor& xi) const {
  const torch::Tensor g = Predict(params, xi);
  return (g * (1 - g)).unsqueeze(2) * params.slice(1, 0, xi.size(2)).unsqueeze(1);
}

double LogisticSurrogate::Logit(const double* params, const double* xi, int d) const {
  double u = options_.intercept ? params[d] : 0.0;
  for (int j = 0; j < d; ++j) u += params[j] * xi[j];
  return u;
}

double LogisticSurrogate::Value(const double* params, const double* xi, int d,
                                double* dparams) const {
  const double g = Sigmoid(Logit(params, xi, d));
  if (dparams) {
    const double slope = g * (1 - g);
    for (int j = 0; j < d; ++j) dparams[j] = slope * xi[j];
    if (options_.intercept) dparams[d] = slope;
  }
  return g;
}

void LogisticSurrogate::InputGradientAt(const double* params, const double* xi, int d, double* grad,
                                        double* dgrad_dparams) const {
  // grad_j = s'(u) w_j with s' = g(1-g), s'' = s'(1-2g); d grad_j / d w_k = s'' xi_k w_j + s' [j=k],
  // d grad_j / d b = s'' w_j.
  const int p = d + (options_.intercept ? 1 : 0);
  const double g = Sigmoid(Logit(params, xi, d));
  const double s1 = g * (1 - g), s2 = s1 * (1 - 2 * g);
  for (int j = 0; j < d; ++j) grad[j] = s1 * params[j];
  if (!dgrad_dparams) return;
  for (int j = 0; j < d; ++j) {
    double* row = dgrad_dparams + j * p;
    for (int k = 0; k < d; ++k) row[k] = s2 * xi[k] * params[j];
    row[j] += s1;
    if (options_.intercept) row[d] = s2 * params[j];
  }
}

void LogisticSurrogate::Link(double u, double* h, double* h1, double* h2) const {
  const double g = Sigmoid(u);
  *h = g;
  *h1 = g * (1 - g);
  *h2 = *h1 * (1 - 2 * g);
}

void LogisticSurrogate::InitialParameters(const LocalProblem& problem, int64_t point,
                                          double* params) const {
  const int64_t d = problem.dimension();
  const torch::Tensor w = problem.weights[point];
  const double total = w.sum().item<double>();
  std::fill(params, params + NumParameters(d), 0.0);
  if (problem.response == LocalProblem::Response::kValues) {
    double mean = (problem.responses[point] * w).sum().item<double>() / total;
    mean = std::clamp(mean, 1e-4, 1 - 1e-4);
    if (options_.intercept) params[d] = std::log(mean / (1 - mean));
    return;
  }
  // Mean gradient / s'(0): the linear-regime guess.
  const torch::Tensor mean = (problem.responses[point] * w.unsqueeze(1)).sum(0) / total;
  for (int64_t j = 0; j < d; ++j) params[j] = 4.0 * mean[j].item<double>();
}

}  // namespace lfa
