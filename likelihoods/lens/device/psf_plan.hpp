#pragma once
// The tables psf_steps.hpp reads for one convolution of columns on the masked
// grid, built on the host from a PsfConvolver: its box and index canvas, the
// row pass's box, the flipped kernel or its separable factors, and each
// masked pixel's origin in them. A device likelihood copies the arrays to the
// device and points `geometry` at the copies; a host emulation points it at
// these vectors (point_at_host_arrays).
//
// Separable kernels: PsfConvolver factors K by an SVD; here K = u v^T is
// factored through its largest entry, u_a = K[a][c*] / sqrt|K*|,
// v_b = K[r*][b] sqrt|K*| / K*. Both factor the same numerically rank-one
// kernel (second singular value <= 1e-12 of the first: separable()), so the
// two passes agree with the CPU's to that level; the instruments' Gaussian
// PSFs are rank one to ~1e-17.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "likelihoods/lens/device/psf_steps.hpp"
#include "likelihoods/lens/fits_image.hpp"
#include "likelihoods/lens/psf_convolver.hpp"

namespace nslab {

struct PsfPlan {
  bool separable = false;
  std::vector<std::int32_t> canvas, origin;
  std::vector<double> weights_a, weights_b, output_scale;
  PsfGeometry geometry{};

  // The convolution `convolver` does with `kernel` (its inputs: the mask
  // pixels, then any blurring pixels). output_scale: one value per masked
  // pixel, or empty.
  PsfPlan(const PsfConvolver& convolver, const Image2D& kernel, std::vector<double> output_scale = {});
  // geometry points into this plan's vectors: a copy would point into the original.
  PsfPlan(const PsfPlan&) = delete;
  PsfPlan& operator=(const PsfPlan&) = delete;
  PsfPlan(PsfPlan&&) = default;

  // Values of the row pass for `columns` columns (0 when not separable).
  std::size_t pass_entries(std::size_t columns) const {
    return separable ? static_cast<std::size_t>(geometry.pass_rows) * geometry.pass_cols * columns : 0;
  }
  void point_at_host_arrays();
};

}  // namespace nslab
