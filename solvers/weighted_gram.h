// Weighted Gram matrix of one point's samples: A = sum_k w_k z_k z_k', z_k = [x_k, 1] (or x_k),
// the normal matrix of the closed-form fit (solvers/closed_form.h) on the CPU.
//
// On tabular data (d = 23 features, 1000 samples a point) this sum is the largest cost of LIME,
// KernelSHAP and C-LIME after the model itself: 300 multiply-adds a sample, twice the model's
// per-row cost. The portable loop updates the upper triangle row by row and is bound by the loads
// and stores of A. On a CPU with AVX2 and FMA (checked once at run time) a register-blocked kernel
// keeps two rows of A in registers (up to 24 columns at a time) while it runs over all samples, so
// A is written once per block instead of once per sample. Both sum over the samples in order;
// they differ from each other in the last bits (FMA rounds once).
//
//   std::vector<double> a(p * p);
//   WeightedGram(x, w, samples, d, /*intercept=*/true, a.data());  // p = d + 1
//
// From p = 64 on (C-LIME on images: p = 785), with non-negative weights, neither loop suits: they
// stream the whole p x p matrix through the caches once per sample (or per two rows), so Eigen's
// cache-blocked rank update of diag(sqrt w) Z runs instead.
#pragma once

#include <cstdint>

namespace lfa {

// Writes sum_k w[k] z_k z_k' (k < samples) into the row-major p x p matrix `a`, p = d + intercept,
// where z_k = [x[k * d .. k * d + d), 1 if intercept]: the whole square, exactly symmetric. Any
// weights (negative ones too).
void WeightedGram(const double* x, const double* w, int64_t samples, int64_t d,
                            bool intercept, double* a);

// Whether WeightedGram uses the AVX2/FMA kernel on this CPU (for tests and benches).
bool WeightedGramUsesAvx2();

// The portable loop alone (for tests comparing the two forms).
void WeightedGramPortable(const double* x, const double* w, int64_t samples, int64_t d,
                                    bool intercept, double* a);

}  // namespace lfa
