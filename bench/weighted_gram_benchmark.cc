// Google Benchmark suite: one point's normal matrix A = sum_k w_k z_k z_k' (solvers/
// weighted_gram.h), the dispatched form (the AVX2/FMA kernel where the CPU has it) against the
// portable row loop, at the tabular sizes of the paper (HELOC: 23 features and an intercept, WHO:
// 19) and a patch grid of an image (7 x 7 patches), 1000 samples each, binary masks as LIME and
// KernelSHAP draw them. Items are samples; compare the two forms' times in one run.
//
//   build/lfa_benchmarks --benchmark_filter=WeightedGram
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "framework/counter_random.h"
#include "solvers/weighted_gram.h"

namespace lfa {
namespace {

constexpr int64_t kGramSamples = 1000;

template <bool kPortable>
void BM_WeightedGram(benchmark::State& state) {
  const int64_t d = state.range(0);
  std::vector<double> x(static_cast<size_t>(kGramSamples * d)), w(kGramSamples);
  for (int64_t i = 0; i < kGramSamples * d; ++i) x[i] = static_cast<double>(CounterBits(1, i) & 1);
  for (int64_t k = 0; k < kGramSamples; ++k)
    w[k] = static_cast<double>(CounterBits(2, k) >> 11) * 0x1.0p-53;
  std::vector<double> a(static_cast<size_t>((d + 1) * (d + 1)));
  for (auto _ : state) {
    if (kPortable) {
      WeightedGramPortable(x.data(), w.data(), kGramSamples, d, true, a.data());
    } else {
      WeightedGram(x.data(), w.data(), kGramSamples, d, true, a.data());
    }
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kGramSamples);
  state.SetLabel(kPortable ? "portable" : (WeightedGramUsesAvx2() ? "avx2" : "portable (no AVX2)"));
}

BENCHMARK(BM_WeightedGram<false>)->Arg(19)->Arg(23)->Arg(49);
BENCHMARK(BM_WeightedGram<true>)->Arg(19)->Arg(23)->Arg(49);

}  // namespace
}  // namespace lfa
