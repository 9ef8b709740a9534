#pragma once
// PyAutoArray's Hilbert image mesh (image_mesh.Hilbert): places the vertices
// of a Delaunay source mesh once per dataset, in the image plane, with a
// density following the adapt image. As autoarray 2026.8 does it:
//   1. a generalized Hilbert ("gilbert") curve fills a 193 x 193 grid; its
//      cells are scaled to [-R, R)^2 (R the mask's circular_radius: the
//      bounding-box diameter of the unmasked pixels x pixel scale / 2, so
//      3.475" for the 3.5" HST mask) and those with radius <= R are kept, in
//      curve order;
//   2. the adapt image (zero outside the mask) is interpolated linearly to
//      those cells on the Delaunay triangulation of the full native pixel
//      grid (scipy's griddata "linear", fill 0 outside the hull);
//   3. weights |a| / max a (all 1 if max a <= 0), raised to weight_power,
//      floored at weight_floor, normalised; cdf = cumsum with cdf[0] = 0;
//   4. `pixels` probabilities evenly spaced on [0, 0.99999999] are mapped to
//      fractional curve positions by np.interp(p, cdf, index) and to (y, x)
//      by linear interpolation between consecutive kept cells.
#include <span>
#include <utility>
#include <vector>

#include "likelihoods/grid/circular_mask.hpp"
#include "likelihoods/lens/mesh/numpy_compat.hpp"

namespace nslab {

struct MeshVertex {
  double y, x;  // [arcsec]
};

// The cells of a width x height grid in gilbert2d order, as (x, y) pairs.
std::vector<std::pair<int, int>> gilbert_curve(int width, int height);

// PyAutoArray's Mask2D.circular_radius for a circular mask [arcsec].
double mask_circular_radius(const CircularMask& mask);

// `adapt_image` holds one value per masked pixel, in mask.pixels order.
std::vector<MeshVertex> hilbert_image_mesh(const CircularMask& mask,
                                           std::span<const double> adapt_image, int pixels,
                                           double weight_power = 1.0, double weight_floor = 0.0,
                                           int hilbert_length = 193);

}  // namespace nslab
