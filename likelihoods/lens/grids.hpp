#pragma once
// The grids of a masked imaging dataset (docs/lens-likelihoods.md, "Datasets
// and instruments"), built once:
//  - the light-profile grid, over-sampled by radial bins around (0, 0);
//  - the pixelization grid: the masked pixel centres themselves (mask.pixels);
//  - the blurring pixels: unmasked-out pixels inside the PSF footprint of the
//    mask, where light profiles are evaluated too (sub-size 1).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "likelihoods/grid/circular_mask.hpp"

namespace nslab {

// Sub-grid size by the radius of a pixel centre from (0, 0): sub_sizes[i] for
// r <= radii[i] (the first bin that holds r), sub_sizes.back() beyond the last
// radius. PyAutoArray's over_sample_size_via_radial_bins_from.
struct OverSamplingRule {
  std::vector<int> sub_sizes;
  std::vector<double> radii;  // [arcsec], increasing; sub_sizes.size() == radii.size() + 1

  int sub_size_at(double y, double x) const;
  static OverSamplingRule light_profile() { return {{4, 2, 1}, {0.3, 0.6}}; }  // the cells'
  static OverSamplingRule simulator() { return {{32, 8, 2}, {0.3, 0.6}}; }     // the truth image's
};

// Sub-pixel centres of a list of pixels: pixel p owns points
// [begin[p], begin[p + 1]), s x s of them evenly spaced inside it, row-major
// from the top-left; a pixel's value is the mean over its points.
struct SubPixelGrid {
  std::vector<double> y, x;           // [arcsec]
  std::vector<std::uint32_t> begin;   // pixels + 1 offsets
  std::vector<double> weight;         // per pixel: 1 / s^2

  std::size_t pixels() const { return weight.size(); }
  std::size_t points() const { return y.size(); }
};

SubPixelGrid make_sub_pixel_grid(const std::vector<MaskedPixel>& pixels, double pixel_scale,
                                 const OverSamplingRule& rule);

// Pixels (row, col) outside the mask with a masked pixel within
// (kernel_rows / 2, kernel_cols / 2) of them, row-major. Rows and columns may
// fall outside the native canvas (PyAutoArray pads the mask for them); their
// centres use the same formula as the mask's.
std::vector<MaskedPixel> make_blurring_pixels(const CircularMask& mask, int kernel_rows,
                                              int kernel_cols);

}  // namespace nslab
