#pragma once
// The per-thread arithmetic of imaging/mge on the device (mge_likelihood.cu),
// for the host and the device alike: each function is one thread's share of
// one step, so the device kernels and the host emulation
// (tests/support/device_emulation/mge_emulation.cpp) run the same code with
// the same decomposition and summation orders (docs/gpu.md).
//
// Steps: 1. columns (pixel_columns), 2. PSF (psf_steps.hpp, output scaled by
// 1/sigma), 3. F and D as kPixelSlices partial sums, 4. the host solve
// (host_solve.hpp), 5. chi^2.
#include <cstddef>
#include <cstdint>

#include "core/rounded_arithmetic.hpp"
#include "likelihoods/lens/device/lens_row.hpp"
#include "likelihoods/lens/device/slice_reduction.hpp"
#include "likelihoods/lens/lens_parameters.hpp"

namespace nslab::mge_device {

inline constexpr int kGaussians = kMgeTotalGaussians;  // per basis (lens light, source)
inline constexpr int kColumns = 2 * kGaussians;        // lens light, then source, as the CPU
inline constexpr int kLowerEntries = kColumns * (kColumns + 1) / 2;  // 820: F's i >= j entries
// Threads per block of the kernels whose decomposition the emulation repeats.
inline constexpr int kCurvatureThreads = 256;
inline constexpr int kEntriesPerThread = (kLowerEntries + kCurvatureThreads - 1) / kCurvatureThreads;
inline constexpr int kStripes = 8;      // D: 40 columns x 8 stripes per slice
inline constexpr int kChiThreads = 256;

// The MGE row: the lens (lens_row.hpp), then the source basis's frame.
inline constexpr int kSourceFrame = kLensRowValues;
inline constexpr int kValuesPerPoint = kSourceFrame + kFrameValues;

}  // namespace nslab::mge_device

namespace nslab {

// Where one Gaussian basis (or two) is evaluated: the over-sampled masked
// grid (binned to pixels) and the blurring pixels.
struct BasisGeometry {
  const double* sub_y;
  const double* sub_x;
  const std::uint32_t* sub_begin;  // masked pixels + 1
  const double* weight;            // per masked pixel: 1 / s^2
  const double* blur_y;
  const double* blur_x;
  int masked, blurring;
  double exponent_scale[kMgeTotalGaussians];  // -1 / (2 sigma_k^2)
};

// Pixel i (masked, then blurring) of the lens-light basis (Bases = 1, the
// pixelized models) or of the lens light and the source (Bases = 2, MGE:
// source Gaussians at the traced positions): the binned values into
// out[0, 20 Bases). The lens light's frame is at row[kLightCy], the source's
// at row[source_frame]. Masked pixels sum their sub-pixels then scale by
// 1/s^2; blurring pixels are evaluated once, as the CPU's fit() does.
template <class Real, int Bases>
NSLAB_HOST_DEVICE void pixel_basis_columns(const double* row, int source_frame,
                                           const BasisGeometry& g, int i, Real* out) {
  using namespace rn;
  constexpr int kG = kMgeTotalGaussians, kOut = Bases * kG;
  if (i < g.masked) {
    double sums[kOut];
NSLAB_UNROLL
    for (int k = 0; k < kOut; ++k) sums[k] = 0.0;
    for (std::uint32_t s = g.sub_begin[i]; s < g.sub_begin[i + 1]; ++s) {
      const double y = g.sub_y[s], x = g.sub_x[s];
      const double r2 = squared_radius(row + kLightCy, y, x);
NSLAB_UNROLL
      for (int k = 0; k < kG; ++k) sums[k] = add(sums[k], flush<double>(exponential(mul(g.exponent_scale[k], r2))));
      if constexpr (Bases == 2) {
        double beta_y, beta_x;
        trace(row, y, x, beta_y, beta_x);
        const double r2s = squared_radius(row + source_frame, beta_y, beta_x);
NSLAB_UNROLL
        for (int k = 0; k < kG; ++k)
          sums[kG + k] = add(sums[kG + k], flush<double>(exponential(mul(g.exponent_scale[k], r2s))));
      }
    }
    const double w = g.weight[i];
NSLAB_UNROLL
    for (int k = 0; k < kOut; ++k) out[k] = flush<Real>(mul(sums[k], w));
  } else {
    const double y = g.blur_y[i - g.masked], x = g.blur_x[i - g.masked];
    const double r2 = squared_radius(row + kLightCy, y, x);
NSLAB_UNROLL
    for (int k = 0; k < kG; ++k) out[k] = flush<Real>(exponential(mul(g.exponent_scale[k], r2)));
    if constexpr (Bases == 2) {
      double beta_y, beta_x;
      trace(row, y, x, beta_y, beta_x);
      const double r2s = squared_radius(row + source_frame, beta_y, beta_x);
NSLAB_UNROLL
      for (int k = 0; k < kG; ++k) out[kG + k] = flush<Real>(exponential(mul(g.exponent_scale[k], r2s)));
    }
  }
}

namespace mge_device {

// Step 3, F: thread t's entries e = t, t + 256, ... (< 820) of F's lower
// triangle, each summed over the slice's pixels in order.
template <class Real>
NSLAB_HOST_DEVICE void curvature_slice_entries(int pixels, const Real* blurred, int slice, int t,
                                               Real* sums) {
  using namespace rn;
  int rows[kEntriesPerThread], cols[kEntriesPerThread];
NSLAB_UNROLL
  for (int m = 0; m < kEntriesPerThread; ++m) {
    const int e = t + m * kCurvatureThreads;
    if (e < kLowerEntries) lower_entry(e, rows[m], cols[m]);
    else rows[m] = cols[m] = 0;  // computed, never stored
    sums[m] = 0;
  }
  int begin, end;
  slice_range(slice, pixels, begin, end);
  for (int p = begin; p < end; ++p) {
    const Real* row = blurred + static_cast<std::size_t>(p) * kColumns;
NSLAB_UNROLL
    for (int m = 0; m < kEntriesPerThread; ++m) sums[m] = add(sums[m], mul(row[rows[m]], row[cols[m]]));
  }
}

// F(i, j) = F(j, i) = the slices' partial sums of entry e, in slice order.
template <class Real>
NSLAB_HOST_DEVICE void curvature_final_entry(const Real* partial, int e, Real* curvature) {
  Real total = 0;
  for (int s = 0; s < kPixelSlices; ++s) total = rn::add(total, partial[static_cast<std::size_t>(s) * kLowerEntries + e]);
  int i, j;
  lower_entry(e, i, j);
  curvature[i + j * kColumns] = total;
  curvature[j + i * kColumns] = total;
}

// Step 3, D: stripe `stripe` of slice `slice`'s sum for column j, as the
// CPU's dense_normal_equations forms D: (double)B~_ij * (d_i / sigma_i).
template <class Real>
NSLAB_HOST_DEVICE double data_vector_stripe(int pixels, const double* weighted_data,
                                            const Real* blurred, int slice, int j, int stripe) {
  using namespace rn;
  int begin, end;
  slice_range(slice, pixels, begin, end);
  double sum = 0.0;
  for (int p = begin + stripe; p < end; p += kStripes)
    sum = add(sum, mul(static_cast<double>(blurred[static_cast<std::size_t>(p) * kColumns + j]), weighted_data[p]));
  return sum;
}

// Step 5: thread t of slice `slice`'s share of the CPU's dense_chi_squared.
template <class Real>
NSLAB_HOST_DEVICE double chi_squared_thread(int pixels, const double* data_over_sigma,
                                            const Real* blurred, const double* solution, int slice,
                                            int t) {
  using namespace rn;
  int begin, end;
  slice_range(slice, pixels, begin, end);
  double sum = 0.0;
  for (int p = begin + t; p < end; p += kChiThreads) {
    const Real* row = blurred + static_cast<std::size_t>(p) * kColumns;
    double model = 0.0;
NSLAB_UNROLL
    for (int j = 0; j < kColumns; ++j) model = add(model, mul(static_cast<double>(row[j]), solution[j]));
    const double residual = sub(data_over_sigma[p], model);
    sum = add(sum, mul(residual, residual));
  }
  return sum;
}

}  // namespace mge_device
}  // namespace nslab
