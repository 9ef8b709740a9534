#include "likelihoods/lens/psf_kernel.hpp"

#include <cmath>

namespace nslab {

Image2D without_negligible_border(const Image2D& kernel) {
  double total = 0.0;
  for (double v : kernel.values) total += std::abs(v);
  // The kept box [r0, r1] x [c0, c1]; a pair's share is what trimming it
  // from the current box would remove.
  int r0 = 0, r1 = kernel.rows - 1, c0 = 0, c1 = kernel.cols - 1;
  auto row_pair = [&] {
    double sum = 0.0;
    for (int c = c0; c <= c1; ++c) sum += std::abs(kernel.at(r0, c)) + std::abs(kernel.at(r1, c));
    return sum;
  };
  auto column_pair = [&] {
    double sum = 0.0;
    for (int r = r0; r <= r1; ++r) sum += std::abs(kernel.at(r, c0)) + std::abs(kernel.at(r, c1));
    return sum;
  };
  const double budget = kNegligibleKernelShare * total;
  double trimmed = 0.0;
  for (;;) {
    const bool rows_left = r1 - r0 >= 2, cols_left = c1 - c0 >= 2;
    const double rows = rows_left ? row_pair() : INFINITY, cols = cols_left ? column_pair() : INFINITY;
    if (rows <= cols && trimmed + rows <= budget) {
      trimmed += rows, ++r0, --r1;
    } else if (cols < rows && trimmed + cols <= budget) {
      trimmed += cols, ++c0, --c1;
    } else {
      break;
    }
  }
  Image2D core(r1 - r0 + 1, c1 - c0 + 1);
  for (int r = r0; r <= r1; ++r)
    for (int c = c0; c <= c1; ++c) core.at(r - r0, c - c0) = kernel.at(r, c);
  return core;
}

}  // namespace nslab
