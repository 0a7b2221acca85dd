// WeightedGram (solvers/weighted_gram.h) against the definition A = sum_k w_k z_k z_k', summed
// here in long double, for shapes that exercise the AVX2 kernel's edges: one parameter, odd p
// (a row paired with itself), p not a multiple of four (padding), p above 24 (several column
// chunks), negative weights; large systems (p >= 64, non-negative weights: Eigen's blocked rank
// update); and its portable form against the same definition. On a CPU without AVX2 both calls
// run the portable loop and the comparison still holds.
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "solvers/weighted_gram.h"
#include "tests/test_util.h"

namespace lfa {
namespace {

// Both forms of the Gram of random data against the definition, with one negative weight or none.
void ExpectTheDefinition(int64_t d, bool intercept, int64_t samples, bool negative_weight) {
  const int64_t p = d + (intercept ? 1 : 0);
  const torch::Tensor x = test::RandomNormal({samples, d}, 21).contiguous();
  torch::Tensor w = test::RandomUniform({samples}, 0.0, 2.0, 22).contiguous();
  if (negative_weight && samples > 3) w[2] = -0.5;  // kernels may weigh a sample negatively
  const double* xs = x.data_ptr<double>();
  const double* ws = w.data_ptr<double>();
  std::vector<long double> expected(static_cast<size_t>(p * p), 0.0L);
  for (int64_t k = 0; k < samples; ++k)
    for (int64_t r = 0; r < p; ++r)
      for (int64_t c = 0; c < p; ++c) {
        const long double zr = r < d ? xs[k * d + r] : 1.0L, zc = c < d ? xs[k * d + c] : 1.0L;
        expected[r * p + c] += ws[k] * zr * zc;
      }
  std::vector<double> fast(static_cast<size_t>(p * p), -1.0), portable(fast);
  WeightedGram(xs, ws, samples, d, intercept, fast.data());
  WeightedGramPortable(xs, ws, samples, d, intercept, portable.data());
  for (int64_t r = 0; r < p; ++r) {
    for (int64_t c = 0; c < p; ++c) {
      const double want = static_cast<double>(expected[r * p + c]);
      const double tolerance = 1e-13 * (1.0 + static_cast<double>(samples));
      EXPECT_NEAR(fast[r * p + c], want, tolerance) << "row " << r << " column " << c;
      EXPECT_NEAR(portable[r * p + c], want, tolerance) << "row " << r << " column " << c;
      EXPECT_EQ(fast[r * p + c], fast[c * p + r]) << "row " << r << " column " << c;
      EXPECT_EQ(portable[r * p + c], portable[c * p + r]) << "row " << r << " column " << c;
    }
  }
}

// (features d, intercept, samples)
class WeightedGramTest : public ::testing::TestWithParam<std::tuple<int64_t, bool, int64_t>> {};

TEST_P(WeightedGramTest, EqualsTheDefinitionAndIsSymmetric) {
  const auto [d, intercept, samples] = GetParam();
  ExpectTheDefinition(d, intercept, samples, /*negative_weight=*/true);
}

TEST(WeightedGram, LargeSystemsWithNonNegativeWeightsEqualTheDefinition) {
  ExpectTheDefinition(70, true, 150, /*negative_weight=*/false);
  ExpectTheDefinition(64, false, 90, /*negative_weight=*/false);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, WeightedGramTest,
    ::testing::Values(std::tuple{1, false, 50}, std::tuple{0, true, 7}, std::tuple{2, true, 30},
                      std::tuple{4, false, 9}, std::tuple{23, true, 1000},
                      std::tuple{24, true, 64}, std::tuple{30, false, 40},
                      std::tuple{52, true, 100}, std::tuple{5, true, 0}));

TEST(WeightedGram, NoSamplesGiveTheZeroMatrix) {
  std::vector<double> a(9, 7.0);
  WeightedGram(nullptr, nullptr, 0, 2, true, a.data());
  for (const double v : a) EXPECT_EQ(v, 0.0);
}

}  // namespace
}  // namespace lfa
