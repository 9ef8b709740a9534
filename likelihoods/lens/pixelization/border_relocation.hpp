#pragma once
// Border relocation of a traced grid, as PyAutoArray 2026.x really does it
// (BorderRelocator.relocated_grid_from / relocated_mesh_grid_from). Despite
// its docstring's "nearest border pixel" description, the code fits an
// ellipse to the traced positions of the mask's border pixels and moves every
// traced point outside it radially (from the ellipse centre) onto it:
//   - border pixels: unmasked pixels from which one of the four straight
//     lines to the edge of the native array crosses no unmasked pixel
//     (mask_2d_util.border_slim_indexes_from);
//   - centre: the mean of their traced positions; axes by PCA of the centred
//     positions (covariance with n - 1, major axis = eigenvector of the larger
//     eigenvalue, phi its angle in the (x, y) plane, phi = 0 when the relative
//     eigenvalue gap is <= sqrt(machine eps)); a, b = the largest |x'|, |y'|
//     of the border points in that frame, plus 1e-12;
//   - a point with q = (x'/a)^2 + (y'/b)^2 > 1 is scaled by 1/sqrt(max(q, 1 + 1e-12)).
// Both the traced data grid and (for the Delaunay mesh) the traced mesh
// vertices are relocated with the ellipse of the traced data grid's border.
#include <span>
#include <vector>

#include "likelihoods/grid/circular_mask.hpp"

namespace nslab {

// Indexes into mask.pixels of the border pixels, ascending.
std::vector<int> border_pixel_indexes(const CircularMask& mask);

struct BorderEllipse {
  double origin_y, origin_x;  // [arcsec]
  double a, b;                // semi-axes along x', y' [arcsec]
  double phi;                 // [rad], x' axis angle from x towards y
};

// Fits the ellipse to the traced positions (y, x) of the border pixels.
BorderEllipse fit_border_ellipse(std::span<const double> y, std::span<const double> x,
                                 std::span<const int> border);

// Moves the points outside the ellipse onto it, in place; returns how many moved.
std::size_t relocate_outside_border(const BorderEllipse& ellipse, std::span<double> y,
                             std::span<double> x);

}  // namespace nslab
