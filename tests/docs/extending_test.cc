// docs/extending.md's worked examples, built and run.
//
// A part: the uniform_box neighbourhood of docs/examples/uniform_box.{h,cc}, registered into a
// copy of DefaultRegistry() with one line, gets the whole Neighbourhood contract suite with one
// more line, and an LfaExplainer composed from a spec that names it recovers a linear model
// exactly, under both losses.
//
// A study: the convergence study of docs/examples/convergence_study.{h,cc} runs, its errors fall
// with the sample count as Monte Carlo predicts, and its report's verdicts follow its numbers.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "docs/examples/convergence_command.h"
#include "docs/examples/convergence_study.h"
#include "experiments/command/program.h"
#include "docs/examples/uniform_box.h"
#include "experiments/io/csv.h"
#include "explainers/builtin_registry.h"
#include "framework/errors.h"
#include "framework/explainer.h"
#include "framework/oracle.h"
#include "framework/registry.h"
#include "models/analytic_model.h"
#include "tests/framework/registry_cases.h"
#include "tests/neighbourhoods/neighbourhood_contract.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

using test::AllClose;
using test::RandomNormal;

// The default registry and the new part (a static: the contract cases point into it).
const ComponentRegistry& WithUniformBox() {
  static const ComponentRegistry registry = [] {
    ComponentRegistry r = DefaultRegistry();
    r.AddNeighbourhood("uniform_box", &UniformBoxNeighbourhood::FromJson,
                       UniformBoxNeighbourhood::Examples());
    return r;
  }();
  return registry;
}

// The one line that runs the contract suite on every example of the new part.
INSTANTIATE_TEST_SUITE_P(UniformBox, NeighbourhoodContract,
                         ::testing::ValuesIn(test::NeighbourhoodCases(WithUniformBox(),
                                                                      "uniform_box")),
                         test::CaseName());

TEST(ExtendingExample, TheCopyHasTheNewPartBesideEveryBuiltInOne) {
  std::vector<std::string> expected = DefaultRegistry().NeighbourhoodTypes();
  expected.push_back("uniform_box");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(WithUniformBox().NeighbourhoodTypes(), expected);
  EXPECT_EQ(test::NeighbourhoodCases(WithUniformBox(), "uniform_box").size(),
            UniformBoxNeighbourhood::Examples().size());
  EXPECT_EQ(WithUniformBox().LossTypes(), DefaultRegistry().LossTypes());
  const nlohmann::json spec = {{"type", "uniform_box"}};
  EXPECT_EQ(WithUniformBox().MakeNeighbourhood(spec)->type(), "uniform_box");
  EXPECT_THROW(DefaultRegistry().MakeNeighbourhood(spec), InvalidInput)
      << "the default registry is not changed by its copy";
}

TEST(ExtendingExample, OptionsAreValidatedAndUnknownKeysNamed) {
  EXPECT_THROW(UniformBoxNeighbourhood({.radius = 0.0}), InvalidInput);
  EXPECT_THROW(UniformBoxNeighbourhood({.radius = std::nan("")}), InvalidInput);
  try {
    WithUniformBox().MakeNeighbourhood({{"type", "uniform_box"}, {"raduis", 0.2}});
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("'raduis'"), std::string::npos) << e.what();
  }
}

// U(-r, r): inside the box, mean 0 and variance r^2 / 3, each within five standard errors.
TEST(ExtendingExample, SamplesAreUniformInTheBox) {
  const double r = 0.4;
  const int64_t n = 2, s = 5000, d = 3;
  const NeighbourhoodSample sample =
      UniformBoxNeighbourhood({.radius = r}).Sample(MakePointBatch(RandomNormal({n, d}, 1), 2), s);
  EXPECT_LE(test::MaxAbs(sample.xi), r);
  const double count = n * s * d, variance = r * r / 3;
  EXPECT_NEAR(sample.xi.mean().item<double>(), 0.0, 5 * std::sqrt(variance / count));
  // Var of xi^2 for U(-r, r): E[xi^4] - (r^2/3)^2 = r^4/5 - r^4/9.
  const double fourth = std::pow(r, 4) * (1.0 / 5 - 1.0 / 9);
  EXPECT_NEAR(sample.xi.square().mean().item<double>(), variance, 5 * std::sqrt(fourth / count));
  EXPECT_TRUE(torch::equal(sample.weights, torch::ones({n, s}, torch::kDouble)));
}

// f(x) = a.x + c: every sample lies on the plane, so both losses give g = f exactly: weights a,
// and (squared loss, with an intercept) g(0) = f(x).
TEST(ExtendingExample, AnExplainerFromASpecRecoversALinearModel) {
  const int64_t n = 4, d = 5;
  const torch::Tensor a = torch::tensor({0.8, -1.5, 2.0, 0.3, -0.7}, torch::kDouble);
  const double c = 0.4;
  Oracle oracle(AnalyticModel::Linear(a, c));
  const torch::Tensor x = RandomNormal({n, d}, 3);
  for (const std::string loss : {"squared", "gradient_matching"}) {
    const bool intercept = loss == "squared";
    const nlohmann::json spec = {{"neighbourhood", {{"type", "uniform_box"}, {"radius", 0.3}}},
                                 {"loss", {{"type", loss}}},
                                 {"surrogate", {{"type", "linear"}, {"intercept", intercept}}},
                                 {"samples", 50}};
    const Explanation e =
        WithUniformBox().Build(spec)->Explain(oracle, MakePointBatch(x, 7), Targets(0, n));
    EXPECT_TRUE(AllClose(e.attributions, a.unsqueeze(0).expand({n, d}), 1e-10)) << loss;
    if (loss == "squared") {
      EXPECT_TRUE(AllClose(e.intercepts, torch::mv(x, a) + c, 1e-10));
    }
  }
}

// ---- The study ----------------------------------------------------------------------------------

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh directory path under the system's temporary directory (not created).
std::string FreshDirectory(const std::string& name) {
  std::string path = ::testing::TempDir();
  path += "lfa_extending_";
  path += name;
  path += "_";
  path += std::to_string(::getpid());
  test::RemoveTree(path);
  return path;
}

// Monte Carlo error falls like 1/sqrt(S): a hundredfold S divides it by about ten. Asking for a
// factor of three leaves room for the noise of eight points.
TEST(ExtendingStudy, ErrorsFallWithTheSampleCountAndTheReportSaysSo) {
  const ConvergenceStudyResults results =
      RunConvergenceStudy({.samples = {10, 1000}, .points = 8, .seed = 3});
  ASSERT_EQ(results.rows.size(), 4u);
  for (const std::string& method : ConvergenceMethods()) {
    EXPECT_GT(results.At(method, 10).mean_error, 3 * results.At(method, 1000).mean_error)
        << method;
    EXPECT_GT(results.At(method, 1000).standard_error, 0.0) << method;
  }
  const std::string out = FreshDirectory("convergence");
  WriteConvergenceReport(results, out);
  const TextTable table = ReadTextCsv(out + "/convergence.csv");
  EXPECT_EQ(table.header,
            (std::vector<std::string>{"method", "samples", "mean_error", "standard_error"}));
  ASSERT_EQ(table.rows.size(), results.rows.size());
  for (size_t i = 0; i < table.rows.size(); ++i) {
    EXPECT_EQ(table.rows[i][table.Column("method")], results.rows[i].method);
    EXPECT_NEAR(std::stod(table.rows[i][table.Column("mean_error")]), results.rows[i].mean_error,
                1e-9 * results.rows[i].mean_error);
  }
  const std::string report = ReadText(out + "/report.md");
  EXPECT_NE(report.find("| method | S = 10 | S = 1000 |"), std::string::npos) << report;
  EXPECT_NE(report.find("1/sqrt(S) predicts 10.0"), std::string::npos) << report;
  test::RemoveTree(out);
}

// The verdicts are computed: numbers made up to contradict Monte Carlo give other sentences.
TEST(ExtendingStudy, VerdictsFollowTheNumbers) {
  ConvergenceStudyResults results{{.samples = {10, 1000}, .points = 2}, {}};
  results.rows = {{"smoothgrad", 10, 0.1, 0.01},
                  {"smoothgrad", 1000, 0.1, 0.01},
                  {"clime", 10, 0.15, 0.01},
                  {"clime", 1000, 0.01, 0.001}};
  const std::string out = FreshDirectory("verdicts");
  WriteConvergenceReport(results, out);
  const std::string report = ReadText(out + "/report.md");
  EXPECT_NE(report.find("`smoothgrad`: the error falls from 0.1000 at S = 10 to 0.1000 at "
                        "S = 1000, a factor of 1.0; 1/sqrt(S) predicts 10.0: slower than"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("a factor of 15.0; 1/sqrt(S) predicts 10.0, within a factor of two"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("below C-LIME's at 1 of 2 sample counts: neither"), std::string::npos)
      << report;
  test::RemoveTree(out);
}

TEST(ExtendingStudy, OptionsAreValidated) {
  std::string error;
  EXPECT_TRUE(ConvergenceStudyOptions{}.IsValid(&error)) << error;
  EXPECT_FALSE(ConvergenceStudyOptions{.samples = {5}}.IsValid(&error));
  EXPECT_NE(error.find("got 5"), std::string::npos) << error;
  const ConvergenceStudyOptions decreasing{.samples = {100, 10}};
  EXPECT_FALSE(decreasing.IsValid(&error));
  EXPECT_NE(error.find("increase"), std::string::npos) << error;
  EXPECT_FALSE(ConvergenceStudyOptions{.points = 1}.IsValid(&error));
  EXPECT_NE(error.find("points"), std::string::npos) << error;
  EXPECT_THROW(RunConvergenceStudy({.sigma = 0.0}), InvalidInput);
}

// The one line in the command list is all the program needs: the study runs from a command line,
// and a bad flag value is one line on stderr with exit code 2, before anything is written.
int RunProgram(std::vector<std::string> args) {
  Program program("lfa");
  program.Add("study", "run a study", MakeConvergenceStudyCommand());
  args.insert(args.begin(), "lfa");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return program.Main(static_cast<int>(argv.size()), argv.data());
}

TEST(ExtendingStudy, TheCommandRunsTheStudyFromACommandLine) {
  const std::string out = FreshDirectory("convergence_command");
  EXPECT_EQ(RunProgram({"study", "convergence", "--out", out, "--samples", "10,1000",
                        "--points", "4"}), 0);
  EXPECT_EQ(ReadTextCsv(out + "/convergence.csv").rows.size(), 4u);
  test::RemoveTree(out);

  const std::string bad = FreshDirectory("convergence_bad");
  test::RemoveTree(bad);
  ::testing::internal::CaptureStderr();
  const int code = RunProgram({"study", "convergence", "--out", bad, "--samples", "10,x"});
  const std::string stderr_text = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2);
  EXPECT_EQ(stderr_text,
            "lfa: error: --samples: 'x' is not a number (expected e.g. 10,100,1000)\n");
  EXPECT_FALSE(std::ifstream(bad + "/convergence.csv").good());
}

}  // namespace
}  // namespace lfa
