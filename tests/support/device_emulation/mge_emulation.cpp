#include "tests/support/device_emulation/mge_emulation.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "likelihoods/lens/device/host_solve.hpp"
#include "likelihoods/lens/device/mge_plan.hpp"
#include "likelihoods/lens/mge_likelihood.hpp"
#include "tests/support/device_emulation/replica_region.hpp"

namespace nslab {
namespace {

using namespace mge_device;

// Steps 1-5 for each point, in a replica region of the device's layout, with
// the kernels' per-thread functions, thread decomposition and reduction trees.
template <class Real>
std::vector<double> emulate(const MaskedImaging& im, std::span<const double> points,
                            std::size_t* bytes_per_replica) {
  const MgePlan<Real> plan(im);
  if (bytes_per_replica != nullptr) *bytes_per_replica = plan.bytes_per_replica;
  LinearParameterLayout layout;
  layout.parameters = kColumns;
  ReplicaRegion scratch(host_solve_scratch_bytes(layout));
  ReplicaRegion region(plan.bytes_per_replica);
  const std::size_t n = static_cast<std::size_t>(plan.masked), d = kMgeParameterCount;
  const PsfGeometry& psf = plan.psf.geometry;
  const std::size_t count = points.size() / d;
  std::vector<double> log_l(count);
  for (std::size_t point = 0; point < count; ++point) {
    region.poison();
    double row[kValuesPerPoint];
    mge_point_row(points.subspan(point * d, d), row);
    Real* columns = region.at<Real>(0);
    for (int i = 0; i < plan.masked + plan.blurring; ++i)
      pixel_basis_columns<Real, 2>(row, kSourceFrame, plan.light.geometry, i, columns + static_cast<std::size_t>(i) * kColumns);
    Real* blurred = region.at<Real>(plan.offset_blurred);
    if (plan.psf.separable) {
      Real* pass = region.at<Real>(plan.offset_pass);
      for (std::size_t idx = 0; idx < plan.psf.pass_entries(kColumns); ++idx)
        pass[idx] = row_pass_value<Real, kColumns>(psf, columns, idx);
      for (std::size_t idx = 0; idx < n * kColumns; ++idx) blurred[idx] = column_pass_value<Real, kColumns>(psf, pass, idx);
    } else {
      for (std::size_t idx = 0; idx < n * kColumns; ++idx) blurred[idx] = direct_value<Real, kColumns>(psf, columns, idx);
    }
    Real* f_partial = region.at<Real>(plan.offset_f_partial);
    for (int slice = 0; slice < kPixelSlices; ++slice)
      for (int t = 0; t < kCurvatureThreads; ++t) {
        Real sums[kEntriesPerThread];
        curvature_slice_entries<Real>(plan.masked, blurred, slice, t, sums);
        for (int m = 0; m < kEntriesPerThread; ++m)
          if (t + m * kCurvatureThreads < kLowerEntries)
            f_partial[static_cast<std::size_t>(slice) * kLowerEntries + t + m * kCurvatureThreads] = sums[m];
      }
    Real* f = region.at<Real>(plan.offset_curvature);
    for (int e = 0; e < kLowerEntries; ++e) curvature_final_entry<Real>(f_partial, e, f);
    double* d_partial = region.at<double>(plan.offset_d_partial);
    for (int slice = 0; slice < kPixelSlices; ++slice)
      for (int j = 0; j < kColumns; ++j) {
        double total = 0.0;
        for (int stripe = 0; stripe < kStripes; ++stripe)
          total += data_vector_stripe<Real>(plan.masked, plan.weighted_data.data(), blurred, slice, j, stripe);
        d_partial[slice * kColumns + j] = total;
      }
    double* data_vector = region.at<double>(plan.offset_d);
    for (int j = 0; j < kColumns; ++j) {
      double total = 0.0;
      for (int slice = 0; slice < kPixelSlices; ++slice) total += d_partial[slice * kColumns + j];
      data_vector[j] = total;
    }
    double* solution = region.at<double>(plan.offset_s);
    const InversionSolution solved =
        solve_on_host<Real>(layout, f, data_vector, {}, solution, scratch.at<std::byte>(0), scratch.bytes());
    double* chi_partial = region.at<double>(plan.offset_chi_partial);
    for (int slice = 0; slice < kPixelSlices; ++slice) {
      double partial[kChiThreads];
      for (int t = 0; t < kChiThreads; ++t)
        partial[t] = chi_squared_thread<Real>(plan.masked, plan.data_over_sigma.data(), blurred, solution, slice, t);
      for (int half = kChiThreads / 2; half > 0; half /= 2)
        for (int t = 0; t < half; ++t) partial[t] += partial[t + half];
      chi_partial[slice] = partial[0];
    }
    double chi_squared = 0.0;
    for (int slice = 0; slice < kPixelSlices; ++slice) chi_squared += chi_partial[slice];
    log_l[point] = fit_parts(chi_squared, im.noise_normalization, solved, false).figure_of_merit;
  }
  return log_l;
}

}  // namespace

std::vector<double> emulate_cuda_mge_on_host(const MaskedImaging& imaging, Precision precision,
                                             std::span<const double> points,
                                             std::size_t* bytes_per_replica) {
  if (precision == Precision::kFp32) return emulate<float>(imaging, points, bytes_per_replica);
  return emulate<double>(imaging, points, bytes_per_replica);
}

}  // namespace nslab
