#pragma once
// Everything imaging/mge's device steps read that does not depend on theta,
// built on the host from the public MaskedImaging, and the layout of one
// replica region (docs/gpu.md). The device likelihood (mge_likelihood.cu)
// copies the arrays to the device and points the geometries at the copies;
// the host emulation points them at these vectors.
//
// Per replica (bytes_per_replica, exact; the workspace stride), Real the
// cell's precision:
//   columns    (N + N_blur) x 40 Real   unblurred, pixel-major as the CPU's
//   pass       rows_pass x cols_pass x 40 Real  the row pass (separable PSF only)
//   blurred    N x 40 Real              B~ (blurred, then / sigma)
//   F partials kPixelSlices x 820 Real, F 40 x 40 Real (column-major, symmetric)
//   D partials kPixelSlices x 40 double, D 40 double, s 40 double,
//   chi^2 partials kPixelSlices double
#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "likelihoods/lens/device/light_grid.hpp"
#include "likelihoods/lens/device/mge_steps.hpp"
#include "likelihoods/lens/device/psf_plan.hpp"
#include "likelihoods/lens/masked_imaging.hpp"

namespace nslab {

template <class Real>
struct MgePlan {
  int masked = 0, blurring = 0;
  LightGridTables light;
  // dense_normal_equations's d / sigma (its D weights) and
  // dense_chi_squared's d / sigma (a division there, not a product).
  std::vector<double> weighted_data, data_over_sigma;
  PsfPlan psf;  // output scaled by 1 / sigma: B~
  // Byte offsets inside a replica region; bytes_per_replica is the region.
  std::size_t offset_pass = 0, offset_blurred = 0, offset_f_partial = 0, offset_curvature = 0,
              offset_d_partial = 0, offset_d = 0, offset_s = 0, offset_chi_partial = 0,
              bytes_per_replica = 0;

  explicit MgePlan(const MaskedImaging& imaging);
  MgePlan(const MgePlan&) = delete;
  MgePlan& operator=(const MgePlan&) = delete;
};

// The staged row of theta (the 15 MGE parameters): mge_device::kValuesPerPoint values.
void mge_point_row(std::span<const double> theta, double* row);

// MgeLikelihood::sizes(), for `nslab eval` and the result file.
std::map<std::string, double> mge_sizes(const MaskedImaging& imaging);

}  // namespace nslab
