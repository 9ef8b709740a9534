#pragma once
// NumPy's own arithmetic where PyAutoArray's result depends on it bit for bit
// (sums that normalise a CDF, np.interp's treatment of tied knots).
#include <span>

namespace nslab {

// np.sum of a float64 array: numpy's pairwise summation (8-way unrolled
// blocks of up to 128), bit for bit. The Hilbert CDF is normalised by it, and
// where the adapt image is faint the inverse CDF amplifies a last-bit
// difference in the total into a visible vertex shift.
double numpy_pairwise_sum(std::span<const double> values);

// np.interp(x, xp, fp) with its default end values, exactly as numpy
// evaluates it (the last of tied xp wins; a query equal to xp[j] returns
// fp[j]). Exposed for tests.
double numpy_interp(double x, std::span<const double> xp, std::span<const double> fp);

}  // namespace nslab
