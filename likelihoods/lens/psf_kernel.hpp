#pragma once
// The PSF kernel every convolution of the imaging likelihoods uses: the
// dataset's kernel less the outer rows and columns that cannot change a
// double. An HST-like Gaussian PSF of one-pixel sigma sampled on 21 x 21 has
// edge taps of 2e-22 and 3e-18 of its peak; its 17 x 17 core gives the same
// blurred images to within 1e-17 of their largest input, and saves a fifth
// of every 1-D pass, a third of the direct kernel's taps and a third of
// the w-tilde window (P^T P reaches twice the half-side).
#include "likelihoods/lens/fits_image.hpp"

namespace nslab {

// The trimmed rows and columns together hold at most this share of the
// kernel's absolute sum, so every convolved value moves by at most this
// share of the largest |input| under the kernel: below a double's rounding
// (1.1e-16) of that input.
inline constexpr double kNegligibleKernelShare = 1e-17;

// Rows are trimmed in pairs (first and last) and columns in pairs, so the
// kernel stays odd-sided and centred where it was; pairs go from the outside
// in, the lighter of the next row pair and column pair first, while the
// trimmed total stays within kNegligibleKernelShare. A kernel with no such
// border is returned as it is.
Image2D without_negligible_border(const Image2D& kernel);

}  // namespace nslab
