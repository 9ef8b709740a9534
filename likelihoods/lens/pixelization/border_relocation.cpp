#include "likelihoods/lens/pixelization/border_relocation.hpp"

#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <stdexcept>

#include "likelihoods/lens/pixelization/relocation_steps.hpp"

namespace nslab {

std::vector<int> border_pixel_indexes(const CircularMask& mask) {
  const int n = mask.grid_size;
  // Extent of the unmasked pixels along every row and column: a pixel is on
  // the border iff it is the first or last unmasked pixel of its row or of
  // its column (nothing unmasked between it and the array edge).
  std::vector<int> row_min(n, INT_MAX), row_max(n, INT_MIN), col_min(n, INT_MAX),
      col_max(n, INT_MIN);
  for (const auto& p : mask.pixels) {
    row_min[p.col] = std::min(row_min[p.col], p.row);
    row_max[p.col] = std::max(row_max[p.col], p.row);
    col_min[p.row] = std::min(col_min[p.row], p.col);
    col_max[p.row] = std::max(col_max[p.row], p.col);
  }
  std::vector<int> border;
  for (std::size_t k = 0; k < mask.pixels.size(); ++k) {
    const auto& p = mask.pixels[k];
    if (p.row == row_min[p.col] || p.row == row_max[p.col] || p.col == col_min[p.row] ||
        p.col == col_max[p.row])
      border.push_back(static_cast<int>(k));
  }
  return border;
}

BorderEllipse fit_border_ellipse(std::span<const double> y, std::span<const double> x,
                                 std::span<const int> border) {
  if (border.empty()) throw std::invalid_argument("border relocation needs border pixels");
  const double count = static_cast<double>(border.size());
  double oy = 0.0, ox = 0.0;
  for (int k : border) {
    oy += y[k];
    ox += x[k];
  }
  oy /= count;
  ox /= count;
  // Covariance of (dx, dy), as PyAutoArray builds it in (x, y) order.
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (int k : border) {
    const double dx = x[k] - ox, dy = y[k] - oy;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const double denom = std::max(count - 1.0, 1.0);
  sxx /= denom;
  sxy /= denom;
  syy /= denom;
  // Eigenvalues of the symmetric 2 x 2, and the major axis direction.
  const double mean = 0.5 * (sxx + syy);
  const double half_gap = std::sqrt(0.25 * (sxx - syy) * (sxx - syy) + sxy * sxy);
  const double big = mean + half_gap, small = mean - half_gap;
  // The major eigenvector's angle; its sign does not matter (phi and phi + pi
  // give the same ellipse and the same relocation).
  double phi = 0.5 * std::atan2(2.0 * sxy, sxx - syy);
  const double scale = std::max(std::max(std::abs(big), std::abs(small)), 1e-12);
  if ((big - small) / scale <= std::sqrt(DBL_EPSILON)) phi = 0.0;
  const double c = std::cos(phi), s = std::sin(phi);
  double a = 0.0, b = 0.0;
  for (int k : border) {
    const double dx = x[k] - ox, dy = y[k] - oy;
    a = std::max(a, std::abs(c * dx + s * dy));
    b = std::max(b, std::abs(-s * dx + c * dy));
  }
  return {oy, ox, a + 1e-12, b + 1e-12, phi};
}

std::size_t relocate_outside_border(const BorderEllipse& e, std::span<double> y,
                                    std::span<double> x) {
  const double c = std::cos(e.phi), s = std::sin(e.phi);
  std::size_t moved = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    moved += relocate_point(e.origin_y, e.origin_x, e.a, e.b, c, s, y[i], x[i]) ? 1 : 0;
  return moved;
}

}  // namespace nslab
