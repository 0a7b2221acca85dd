#include "surrogates/linear.h"

#include "framework/spec_reader.h"

namespace lfa {

std::unique_ptr<Surrogate> LinearSurrogate::FromJson(const nlohmann::json& spec) {
  SpecReader reader(spec, "surrogate 'linear'");
  LinearSurrogateOptions options;
  options.intercept = reader.Boolean("intercept", options.intercept);
  reader.Finish();
  return std::make_unique<LinearSurrogate>(options);
}

std::vector<PartExample> LinearSurrogate::Examples() {
  return {
      {.name = "", .spec = nlohmann::json::parse(R"({"type": "linear"})")},
      {.name = "no_intercept",
       .spec = nlohmann::json::parse(R"({"type": "linear", "intercept": false})")},
  };
}

torch::Tensor LinearSurrogate::Predict(const torch::Tensor& params, const torch::Tensor& xi) const {
  const int64_t d = xi.size(2);
  torch::Tensor out = torch::bmm(xi, params.slice(1, 0, d).unsqueeze(2)).squeeze(2);
  if (options_.intercept) out = out + params.select(1, d).unsqueeze(1);
  return out;
}

torch::Tensor LinearSurrogate::InputGradient(const torch::Tensor& params,
                                             const torch::Tensor& xi) const {
  return params.slice(1, 0, xi.size(2)).unsqueeze(1).expand_as(xi);
}

double LinearSurrogate::Value(const double* params, const double* xi, int d,
                              double* dparams) const {
  double value = options_.intercept ? params[d] : 0.0;
  for (int j = 0; j < d; ++j) value += params[j] * xi[j];
  if (dparams) {
    for (int j = 0; j < d; ++j) dparams[j] = xi[j];
    if (options_.intercept) dparams[d] = 1.0;
  }
  return value;
}

void LinearSurrogate::InputGradientAt(const double* params, const double* xi, int d, double* grad,
                                      double* dgrad_dparams) const {
  const int p = d + (options_.intercept ? 1 : 0);
  for (int j = 0; j < d; ++j) grad[j] = params[j];
  if (dgrad_dparams) {
    std::fill(dgrad_dparams, dgrad_dparams + d * p, 0.0);
    for (int j = 0; j < d; ++j) dgrad_dparams[j * p + j] = 1.0;
  }
}

}  // namespace lfa
