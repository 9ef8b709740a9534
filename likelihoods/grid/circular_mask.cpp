#include "likelihoods/grid/circular_mask.hpp"

#include <cmath>

namespace nslab {

int instrument_grid_size(double pixel_scale, double radius) {
  // The small tolerance keeps 2R/ps = 70.0000000001 from becoming 71.
  int n = static_cast<int>(std::ceil(2.0 * radius / pixel_scale - 1e-9));
  if (n % 2 == 0) ++n;
  return n;
}

CircularMask make_circular_mask(int grid_size, double pixel_scale, double radius) {
  CircularMask mask{grid_size, pixel_scale, radius, {}};
  const double centre = 0.5 * (grid_size - 1);
  for (int row = 0; row < grid_size; ++row) {
    for (int col = 0; col < grid_size; ++col) {
      const double y = (centre - row) * pixel_scale;
      const double x = (col - centre) * pixel_scale;
      if (y * y + x * x < radius * radius) mask.pixels.push_back({row, col, y, x});
    }
  }
  return mask;
}

}  // namespace nslab
