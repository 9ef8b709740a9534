#pragma once
// The circular mask of the imaging cells (docs/lens-likelihoods.md): on an
// n x n grid of pixel scale ps, pixel (row, col) has centre
// y = (cy - row) ps, x = (col - cx) ps with cy = cx = (n - 1) / 2, and is
// used iff y^2 + x^2 < R^2 (strict).
#include <cstddef>
#include <vector>

namespace nslab {

struct MaskedPixel {
  int row, col;
  double y, x;  // [arcsec]
};

struct CircularMask {
  int grid_size;       // n: pixels per side of the native canvas
  double pixel_scale;  // [arcsec]
  double radius;       // [arcsec]
  std::vector<MaskedPixel> pixels;  // row-major order
};

// n = ceil(2R / ps), +1 if even (docs/lens-likelihoods.md, "Datasets and
// instruments").
int instrument_grid_size(double pixel_scale, double radius);
CircularMask make_circular_mask(int grid_size, double pixel_scale, double radius);

}  // namespace nslab
