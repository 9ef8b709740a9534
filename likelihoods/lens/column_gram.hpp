#pragma once
// F = X^T X for a tall, narrow X stored column by column (the MGE's 40
// blurred, 1/sigma-scaled columns of 15,361 pixels on HST): the lower
// triangle of F, s x s column-major, summed in Real.
//
// The BLAS rank-k update (SYRK) does this, but for s this small and k this
// long OpenBLAS spends a third of its time copying X into its panels (twice:
// X is both operands). Here X is read once, in tiles of pixels that stay in
// the L2 cache while every block of F is accumulated from them, each block
// of entries held in registers. Measured for 15,361 x 40 (AVX-512, one
// thread): OpenBLAS 0.3.21's dsyrk 1.23-1.45 ms, this 0.67-0.75 ms
// (docs/cpu-likelihoods.md, "Blurring").

#include <cstddef>
#include <cstdint>
#include <span>

namespace nslab {

// f[r + c * s] for r >= c (the upper triangle is not written).
// Each entry is the sum over tiles of kColumnGramTile pixels, in tile order,
// of that tile's lanes (pixel i in lane i mod kRegisterLanes) added by
// lane_sum; a fixed order, whatever the thread.
//
// `nonzero`, when given (one per column), says where each column may be
// nonzero: pixels outside [first, last) are exactly 0. A block of F then
// skips the registers of pixels where all its row columns or all its
// column columns are 0 (an MGE column of a compact Gaussian is nonzero only
// within a PSF's reach of its centre). The skipped products are all +-0,
// and adding +-0 changes no sum (a sum that starts at +0 is never -0), so
// the result is bit-identical to the call without it.
struct NonzeroRange {
  std::uint32_t first = 0, last = 0;
};
template <class Real>
void column_gram_lower(const Real* x, std::size_t pixels, std::size_t s, Real* f,
                       std::span<const NonzeroRange> nonzero = {});

// The smallest range outside which the column is 0 ({0, 0} when all of it is).
template <class Real>
NonzeroRange nonzero_range(std::span<const Real> column);

inline constexpr std::size_t kColumnGramTile = 1024;

}  // namespace nslab
