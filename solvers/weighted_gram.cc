#include "solvers/weighted_gram.h"

#include <algorithm>
#include <vector>

#include <Eigen/Core>

#if defined(__x86_64__)
#include <immintrin.h>
#define LFA_GRAM_AVX2 1
#endif

namespace lfa {
namespace {

// Mirrors the upper triangle of the p x p row-major `a` into its lower triangle.
void MirrorUpper(int64_t p, double* a) {
  for (int64_t r = 1; r < p; ++r)
    for (int64_t c = 0; c < r; ++c) a[r * p + c] = a[c * p + r];
}

// From this many parameters on, non-negative weights take WeightedGramBlocked: at p = 785 the
// blocked update is 5x faster than a row loop; the register blocks below suit the tabular p = 24.
constexpr int64_t kBlockedFromParameters = 64;

// A = Zs'Zs with Zs = diag(sqrt w) Z, by Eigen's cache-blocked symmetric rank update (the upper
// triangle of the row-major `a` is the lower one of its column-major view), then mirrored.
void WeightedGramBlocked(const double* x, const double* w, int64_t samples, int64_t d,
                         bool intercept, double* a) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const int64_t p = d + (intercept ? 1 : 0);
  const Eigen::VectorXd root = Eigen::Map<const Eigen::VectorXd>(w, samples).cwiseSqrt();
  Eigen::MatrixXd zs(samples, p);
  zs.leftCols(d) = root.asDiagonal() * Eigen::Map<const RowMajor>(x, samples, d);
  if (intercept) zs.col(d) = root;
  Eigen::Map<Eigen::MatrixXd> result(a, p, p);
  result.setZero();
  result.selfadjointView<Eigen::Lower>().rankUpdate(zs.transpose());
  MirrorUpper(p, a);
}

#if LFA_GRAM_AVX2

// Rows r0 and r1 of A over the 4 * V columns from c: out0/out1 receive sum_k w_k z_kr z_kc, with
// z the padded [samples, stride] copy. Two rows times V <= 6 vectors of four: 12 accumulators,
// each loaded z vector feeds two FMAs.
template <int V>
__attribute__((target("avx2,fma"))) void GramRowPair(const double* z, const double* w,
                                                     int64_t samples, int64_t stride, int64_t r0,
                                                     int64_t r1, int64_t c, double* out0,
                                                     double* out1) {
  __m256d acc0[V], acc1[V];
  for (int v = 0; v < V; ++v) acc0[v] = acc1[v] = _mm256_setzero_pd();
  for (int64_t k = 0; k < samples; ++k) {
    const double* zk = z + k * stride;
    const __m256d b0 = _mm256_set1_pd(w[k] * zk[r0]);
    const __m256d b1 = _mm256_set1_pd(w[k] * zk[r1]);
    for (int v = 0; v < V; ++v) {
      const __m256d zv = _mm256_loadu_pd(zk + c + 4 * v);
      acc0[v] = _mm256_fmadd_pd(b0, zv, acc0[v]);
      acc1[v] = _mm256_fmadd_pd(b1, zv, acc1[v]);
    }
  }
  for (int v = 0; v < V; ++v) {
    _mm256_storeu_pd(out0 + 4 * v, acc0[v]);
    _mm256_storeu_pd(out1 + 4 * v, acc1[v]);
  }
}

using RowPairKernel = void (*)(const double*, const double*, int64_t, int64_t, int64_t, int64_t,
                               int64_t, double*, double*);
constexpr int kMaxVectors = 6;
constexpr RowPairKernel kRowPairKernels[kMaxVectors] = {GramRowPair<1>, GramRowPair<2>,
                                                        GramRowPair<3>, GramRowPair<4>,
                                                        GramRowPair<5>, GramRowPair<6>};

void WeightedGramAvx2(const double* x, const double* w, int64_t samples, int64_t d,
                                bool intercept, double* a) {
  const int64_t p = d + (intercept ? 1 : 0);
  const int64_t stride = (p + 3) / 4 * 4;
  // z padded to whole vectors with zeros (the padding columns are computed and dropped), in a
  // buffer each thread keeps: a fresh one per point costs as much as the kernel on tabular data.
  thread_local std::vector<double> z;
  const auto size = static_cast<size_t>(samples * stride);
  if (z.size() < size) z.resize(size);
  for (int64_t k = 0; k < samples; ++k) {
    double* row = z.data() + k * stride;
    std::copy(x + k * d, x + (k + 1) * d, row);
    for (int64_t j = d; j < stride; ++j) row[j] = 0.0;
    if (intercept) row[d] = 1.0;
  }
  double out0[4 * kMaxVectors], out1[4 * kMaxVectors];
  for (int64_t r0 = 0; r0 < p; r0 += 2) {
    const int64_t r1 = std::min(r0 + 1, p - 1);  // an odd last row pairs with itself
    for (int64_t c = r0 / 4 * 4; c < stride; c += 4 * kMaxVectors) {
      const int64_t vectors = std::min<int64_t>(kMaxVectors, (stride - c) / 4);
      kRowPairKernels[vectors - 1](z.data(), w, samples, stride, r0, r1, c, out0, out1);
      for (int64_t j = 0; j < 4 * vectors && c + j < p; ++j) {
        a[r0 * p + c + j] = out0[j];
        a[r1 * p + c + j] = out1[j];
      }
    }
  }
  MirrorUpper(p, a);
}

bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

#endif  // LFA_GRAM_AVX2

}  // namespace

void WeightedGramPortable(const double* x, const double* w, int64_t samples, int64_t d,
                                    bool intercept, double* a) {
  const int64_t p = d + (intercept ? 1 : 0);
  std::fill(a, a + p * p, 0.0);
  std::vector<double> z(static_cast<size_t>(p), 1.0);  // its last entry stays 1 (intercept)
  for (int64_t k = 0; k < samples; ++k) {
    std::copy(x + k * d, x + (k + 1) * d, z.begin());
    for (int64_t r = 0; r < p; ++r) {
      const double wr = z[r] * w[k];
      double* row = a + r * p;
      for (int64_t c = r; c < p; ++c) row[c] += wr * z[c];
    }
  }
  MirrorUpper(p, a);
}

bool WeightedGramUsesAvx2() {
#if LFA_GRAM_AVX2
  return CpuHasAvx2();
#else
  return false;
#endif
}

void WeightedGram(const double* x, const double* w, int64_t samples, int64_t d,
                            bool intercept, double* a) {
  if (d + (intercept ? 1 : 0) >= kBlockedFromParameters &&
      std::all_of(w, w + samples, [](double v) { return v >= 0; }))
    return WeightedGramBlocked(x, w, samples, d, intercept, a);
#if LFA_GRAM_AVX2
  if (CpuHasAvx2()) return WeightedGramAvx2(x, w, samples, d, intercept, a);
#endif
  WeightedGramPortable(x, w, samples, d, intercept, a);
}

}  // namespace lfa
