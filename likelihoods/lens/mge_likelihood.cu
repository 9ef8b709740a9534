// imaging/mge on the device: the model, prior and figure of merit of
// MgeLikelihood<Real> (mge_likelihood.cpp), batch by batch.
//
// Per slice of points (at most kStagingCapacity), on the likelihood's stream:
//  1. columns: one thread per (pixel, replica) ray-traces its sub-pixels (SIE
//     + shear) and sums the 20 lens-light Gaussians on the image plane and the
//     20 source Gaussians at the traced positions, times the pixel's 1/s^2;
//     blurring pixels are evaluated once, unsummed -- as the CPU's fit().
//  2. PSF: the CPU's convolution, same algorithm: for a separable (rank-one)
//     kernel a row pass over the mask's columns x (mask rows +- 10), then a
//     column pass read back at the masked pixels; otherwise the direct 21 x 21
//     sum. Each output is then scaled by 1/sigma, as dense_normal_equations
//     scales the CPU's columns in place: B~ = blurred / sigma.
//  3. F = B~^T B~ (its 820 lower entries, in Real as the CPU's Eigen product)
//     and D = B~^T (d / sigma) (in double even for fp32: the CPU's
//     mixed-precision recipe), each as kSlices partial sums over fixed pixel
//     slices, then the slices summed in order. A hand kernel, not cuBLAS: a
//     40 x 40 x 15,361 product per replica is one tiny GEMM per call, while
//     (slices x replicas) blocks fill the GPU, and the summation order is
//     fixed by construction.
//  4. F and D go to the host, where the CPU's own solve_inversion (1e-3 on
//     the diagonal, FNNLS) runs per replica on the thread pool -- the same
//     code as the CPU likelihood, so only F and D's rounding differ. The
//     solution s goes back.
//  5. chi^2 = sum_i (d_i / sigma_i - sum_j B~_ij s_j)^2 in double, then on the
//     host log L = -1/2 (chi^2 + noise normalisation) by fit_parts.
//
// Why the solve is on the host: FNNLS is a data-dependent active-set loop on
// 40 x 40 systems; the host version is the verified one (PyAutoLens parity),
// and on 16 cores it costs tens of microseconds per point. A device FNNLS is
// the next step if the round trip dominates.
//
// Batch independence (architecture.md): every kernel computes a replica with
// the same threads and the same fixed-order reductions whatever the batch
// (grid.y only picks the replica); reductions over pixels use a fixed number
// of slices (kSlices), not one that depends on the grid; no atomics.
//
// Rounding: the CPU build (x86-64, no FMA, ISO contraction off) rounds every
// multiply and add on its own; so do these kernels (__d*_rn / __f*_rn), so the
// differences left are exp/atan/atanh (CUDA's are within 1-2 ulp, not
// correctly rounded), the summation orders of F, D and chi^2, and the
// separable PSF factors (below).
//
// Per-replica device memory (bytes_per_replica, exact; the workspace stride):
//   columns  (N + N_blur) x 40 Real        unblurred, pixel-major as the CPU's
//   pass     rows_pass x cols_pass x 40 Real  row pass (separable PSF only)
//   blurred  N x 40 Real                   B~ (blurred, then / sigma)
//   F partials kSlices x 820 Real, F 40 x 40 Real (column-major, symmetric)
//   D partials kSlices x 40 double, D 40 double, s 40 double,
//   chi^2 partials kSlices double
// Fixed device overhead (tracked, allocated at construction): the grids,
// PSF tables and index canvas, 1/sigma, d x (1/sigma) for D and d / sigma for
// chi^2 (as the CPU forms each), and the staging buffers. No library
// workspaces.
// Host memory for the solve (F, D, s and FNNLS scratch per staged point) is
// host fixed overhead, not device memory.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>
#include <vector>

#include "core/cuda/cuda_check.hpp"
#include "core/error.hpp"
#include "core/thread_pool.hpp"
#include "likelihoods/cuda/device_batch.cuh"
#include "likelihoods/lens/inversion.hpp"
#include "likelihoods/lens/lens_parameters.hpp"
#include "likelihoods/lens/mge_likelihood.hpp"
#include "likelihoods/lens/mge_likelihood_cuda.hpp"

namespace nslab {
namespace {

constexpr int kGaussians = kMgeTotalGaussians;  // per basis (lens light, source)
constexpr int kColumns = 2 * kGaussians;        // lens light, then source, as the CPU
constexpr int kSlices = 32;                     // fixed split of the pixel sums
constexpr int kColumnThreads = 64;
constexpr int kPsfThreads = 256;
constexpr int kStripes = 8;                     // D kernel: 40 columns x 8 stripes
constexpr int kChiThreads = 256;
constexpr int kLowerEntries = kColumns * (kColumns + 1) / 2;  // 820: F's i >= j entries
constexpr int kCurvatureThreads = 256;
constexpr int kEntriesPerThread = (kLowerEntries + kCurvatureThreads - 1) / kCurvatureThreads;
constexpr std::size_t kStagingCapacity = 256;   // points per device slice

// A point's staged row: the profiles' constants, computed on the host with
// the CPU classes' own expressions (profiles.cpp), so the device starts from
// the same doubles.
enum RowEntry : int {
  kLightCy, kLightCx, kLightCos, kLightSin, kLightQ2,
  kMassCy, kMassCx, kMassCos, kMassSin, kMassQ2, kMassS, kMassFactor,
  kShear1, kShear2,
  kSourceCy, kSourceCx, kSourceCos, kSourceSin, kSourceQ2,
  kValuesPerPoint
};

// ProfileFrame's centre, cos, sin, and GaussianBasis's q^2.
void frame_entries(double centre_y, double centre_x, EllipticalComponents ell, double* out) {
  double q, angle;
  axis_ratio_and_angle_from(ell, q, angle);
  const double radians = angle * std::numbers::pi / 180.0;  // profiles.cpp's radians()
  out[0] = centre_y, out[1] = centre_x, out[2] = std::cos(radians), out[3] = std::sin(radians);
  out[4] = q * q;
}

void point_row(const double* theta, double* row) {
  frame_entries(theta[0], theta[1], {theta[2], theta[3]}, row + kLightCy);
  // Isothermal's constructor.
  double q, angle;
  axis_ratio_and_angle_from({theta[6], theta[7]}, q, angle);
  q = std::min(q, 0.99999);
  const double radians = angle * std::numbers::pi / 180.0;
  row[kMassCy] = theta[4], row[kMassCx] = theta[5];
  row[kMassCos] = std::cos(radians), row[kMassSin] = std::sin(radians);
  row[kMassQ2] = q * q;
  row[kMassS] = std::sqrt(1.0 - q * q);
  const double rescaled = theta[8] / (1.0 + q);
  row[kMassFactor] = 2.0 * rescaled * q / row[kMassS];
  row[kShear1] = theta[9], row[kShear2] = theta[10];
  frame_entries(theta[11], theta[12], {theta[13], theta[14]}, row + kSourceCy);
}

// ------------------------------------------------------- per-thread arithmetic
// Every kernel body below is a __host__ __device__ function of its thread's
// indices, so emulate_cuda_mge_on_host can run the same code on the CPU (the
// device-free check of the indexing, the layout and the reductions). On the
// device each multiply and add is rounded on its own (no FMA contraction);
// on the host the plain operators do the same (x86-64, no FMA).
#if defined(__CUDA_ARCH__)
#define NSLAB_RN(device_expression, host_expression) device_expression
#else
#define NSLAB_RN(device_expression, host_expression) host_expression
#endif
__host__ __device__ __forceinline__ double mul(double a, double b) { return NSLAB_RN(__dmul_rn(a, b), a * b); }
__host__ __device__ __forceinline__ double add(double a, double b) { return NSLAB_RN(__dadd_rn(a, b), a + b); }
__host__ __device__ __forceinline__ double sub(double a, double b) { return NSLAB_RN(__dsub_rn(a, b), a - b); }
__host__ __device__ __forceinline__ double divide(double a, double b) { return NSLAB_RN(__ddiv_rn(a, b), a / b); }
__host__ __device__ __forceinline__ double square_root(double a) { return NSLAB_RN(__dsqrt_rn(a), std::sqrt(a)); }
__host__ __device__ __forceinline__ float mul(float a, float b) { return NSLAB_RN(__fmul_rn(a, b), a * b); }
__host__ __device__ __forceinline__ float add(float a, float b) { return NSLAB_RN(__fadd_rn(a, b), a + b); }

// flushed<Real>(value) of profiles.hpp.
template <class Real>
__host__ __device__ __forceinline__ Real flush(double value);
template <>
__host__ __device__ __forceinline__ double flush<double>(double value) {
  return value < DBL_MIN ? 0.0 : value;
}
template <>
__host__ __device__ __forceinline__ float flush<float>(double value) {
  return value < static_cast<double>(FLT_MIN) ? 0.0f
                                              : NSLAB_RN(__double2float_rn(value), static_cast<float>(value));
}

// GaussianBasis::squared_radius: q^2 x'^2 + y'^2 in the profile's frame.
__host__ __device__ __forceinline__ double squared_radius(const double* f, double y, double x) {
  const double dy = sub(y, f[0]), dx = sub(x, f[1]);
  const double yf = add(mul(-dx, f[3]), mul(dy, f[2]));
  const double xf = add(mul(dx, f[2]), mul(dy, f[3]));
  return add(mul(mul(f[4], xf), xf), mul(yf, yf));
}

// LensMass::trace: beta = theta - (alpha_SIE + alpha_shear).
__host__ __device__ __forceinline__ void trace(const double* row, double y, double x,
                                               double& beta_y, double& beta_x) {
  const double cos_a = row[kMassCos], sin_a = row[kMassSin];
  const double dy = sub(y, row[kMassCy]), dx = sub(x, row[kMassCx]);
  const double yf = add(mul(-dx, sin_a), mul(dy, cos_a));
  const double xf = add(mul(dx, cos_a), mul(dy, sin_a));
  const double psi = square_root(add(add(mul(mul(row[kMassQ2], xf), xf), mul(yf, yf)), 1e-16));
  const double ay = mul(row[kMassFactor], atanh(divide(mul(row[kMassS], yf), psi)));
  const double ax = mul(row[kMassFactor], atan(divide(mul(row[kMassS], xf), psi)));
  const double alpha_y = add(mul(ax, sin_a), mul(ay, cos_a));
  const double alpha_x = sub(mul(ax, cos_a), mul(ay, sin_a));
  const double g1 = row[kShear1], g2 = row[kShear2];
  const double shear_x = add(mul(g1, x), mul(g2, y));
  const double shear_y = sub(mul(g2, x), mul(g1, y));
  beta_y = sub(y, add(alpha_y, shear_y));
  beta_x = sub(x, add(alpha_x, shear_x));
}

struct ColumnGeometry {
  const double* sub_y;
  const double* sub_x;
  const std::uint32_t* sub_begin;  // masked pixels + 1
  const double* weight;            // per masked pixel: 1 / s^2
  const double* blur_y;
  const double* blur_x;
  int masked, blurring;
  double exponent_scale[kGaussians];  // -1 / (2 sigma_k^2)
};

// Step 1 for pixel i (masked, then blurring): its 40 values into out[0..40).
template <class Real>
__host__ __device__ void pixel_columns(const double* row, const ColumnGeometry& g, int i, Real* out) {
  if (i < g.masked) {
    double sums[kColumns];
#pragma unroll
    for (int k = 0; k < kColumns; ++k) sums[k] = 0.0;
    for (std::uint32_t s = g.sub_begin[i]; s < g.sub_begin[i + 1]; ++s) {
      const double y = g.sub_y[s], x = g.sub_x[s];
      const double r2 = squared_radius(row + kLightCy, y, x);
#pragma unroll
      for (int k = 0; k < kGaussians; ++k)
        sums[k] = add(sums[k], flush<double>(exp(mul(g.exponent_scale[k], r2))));
      double beta_y, beta_x;
      trace(row, y, x, beta_y, beta_x);
      const double r2s = squared_radius(row + kSourceCy, beta_y, beta_x);
#pragma unroll
      for (int k = 0; k < kGaussians; ++k)
        sums[kGaussians + k] =
            add(sums[kGaussians + k], flush<double>(exp(mul(g.exponent_scale[k], r2s))));
    }
    const double w = g.weight[i];
#pragma unroll
    for (int k = 0; k < kColumns; ++k) out[k] = flush<Real>(mul(sums[k], w));
  } else {
    const double y = g.blur_y[i - g.masked], x = g.blur_x[i - g.masked];
    const double r2 = squared_radius(row + kLightCy, y, x);
#pragma unroll
    for (int k = 0; k < kGaussians; ++k) out[k] = flush<Real>(exp(mul(g.exponent_scale[k], r2)));
    double beta_y, beta_x;
    trace(row, y, x, beta_y, beta_x);
    const double r2s = squared_radius(row + kSourceCy, beta_y, beta_x);
#pragma unroll
    for (int k = 0; k < kGaussians; ++k)
      out[kGaussians + k] = flush<Real>(exp(mul(g.exponent_scale[k], r2s)));
  }
}

// Step 1 on the device: one thread per (pixel, replica). Each thread fills its
// pixel's 40 values in shared memory; the block then writes its pixels' rows
// out contiguously (coalesced).
template <class Real>
__global__ void __launch_bounds__(kColumnThreads)
    columns_kernel(const double* rows, ColumnGeometry g, std::byte* replicas,
                   std::size_t stride) {
  __shared__ Real tile[kColumnThreads * kColumns];
  const int first = blockIdx.x * kColumnThreads;
  const int i = first + threadIdx.x;
  const int total = g.masked + g.blurring;
  const double* row = rows + static_cast<std::size_t>(blockIdx.y) * kValuesPerPoint;
  if (i < total) pixel_columns<Real>(row, g, i, tile + threadIdx.x * kColumns);
  __syncthreads();
  Real* columns = reinterpret_cast<Real*>(replicas + blockIdx.y * stride);
  const int count = min(kColumnThreads, total - first) * kColumns;
  for (int k = threadIdx.x; k < count; k += kColumnThreads)
    columns[static_cast<std::size_t>(first) * kColumns + k] = tile[k];
}

struct PsfGeometry {
  const std::int32_t* canvas;  // box pixel -> input index (mask, then blurring), -1 if none
  int box_row0, box_col0, box_cols;
  int kernel_rows, kernel_cols;
  int pass_row0, pass_rows, pass_col0, pass_cols;
  int masked;
  const std::int32_t* origin;  // per masked pixel: pass index (separable) or box index (direct)
  const double* weights_a;     // flipped y factors (separable) or flipped kernel (direct)
  const double* weights_b;     // flipped x factors (separable)
  const double* inverse_sigma;
};

// Step 2a (separable), entry idx = (pass pixel, column) of the row pass:
// T(r, c) = sum_b fx[b] in(r, c + b - hc), PsfConvolver's row pass.
template <class Real>
__host__ __device__ Real row_pass_value(const PsfGeometry& g, const Real* in, std::size_t idx) {
  const int c = static_cast<int>(idx % kColumns);
  const int pixel = static_cast<int>(idx / kColumns);
  const int i = pixel / g.pass_cols, j = pixel % g.pass_cols;
  const std::int32_t* row_index = g.canvas +
                                  static_cast<std::size_t>(g.pass_row0 + i - g.box_row0) * g.box_cols +
                                  (g.pass_col0 + j - g.kernel_cols / 2 - g.box_col0);
  Real t = 0;
  for (int b = 0; b < g.kernel_cols; ++b) {
    const std::int32_t source = row_index[b];
    if (source < 0) continue;
    t = add(t, mul(static_cast<Real>(g.weights_b[b]), in[static_cast<std::size_t>(source) * kColumns + c]));
  }
  return t;
}

// Step 2b (separable), entry idx = (masked pixel, column):
// out(r, c) = sum_a fy[a] T(r + a - hr, c), then / sigma as
// dense_normal_equations scales: (Real)(out * (1 / sigma)).
template <class Real>
__host__ __device__ Real column_pass_value(const PsfGeometry& g, const Real* pass, std::size_t idx) {
  const int c = static_cast<int>(idx % kColumns);
  const int p = static_cast<int>(idx / kColumns);
  const std::size_t origin = static_cast<std::size_t>(g.origin[p]);
  Real out = 0;
  for (int a = 0; a < g.kernel_rows; ++a)
    out = add(out, mul(static_cast<Real>(g.weights_a[a]),
                       pass[(origin + static_cast<std::size_t>(a) * g.pass_cols) * kColumns + c]));
  return static_cast<Real>(mul(static_cast<double>(out), g.inverse_sigma[p]));
}

// Step 2 (any kernel), entry idx = (masked pixel, column): PsfConvolver's
// direct same-mode sum, then / sigma.
template <class Real>
__host__ __device__ Real direct_value(const PsfGeometry& g, const Real* in, std::size_t idx) {
  const int c = static_cast<int>(idx % kColumns);
  const int p = static_cast<int>(idx / kColumns);
  Real out = 0;
  for (int a = 0; a < g.kernel_rows; ++a) {
    const std::int32_t* row_index = g.canvas + g.origin[p] + static_cast<std::ptrdiff_t>(a) * g.box_cols;
    const double* weights = g.weights_a + static_cast<std::size_t>(a) * g.kernel_cols;
    for (int b = 0; b < g.kernel_cols; ++b) {
      const std::int32_t source = row_index[b];
      if (source < 0) continue;
      out = add(out, mul(static_cast<Real>(weights[b]), in[static_cast<std::size_t>(source) * kColumns + c]));
    }
  }
  return static_cast<Real>(mul(static_cast<double>(out), g.inverse_sigma[p]));
}

template <class Real>
__global__ void psf_row_pass_kernel(PsfGeometry g, std::byte* replicas, std::size_t stride,
                                    std::size_t columns_offset, std::size_t pass_offset) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * kPsfThreads + threadIdx.x;
  if (idx >= static_cast<std::size_t>(g.pass_rows) * g.pass_cols * kColumns) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  reinterpret_cast<Real*>(replica + pass_offset)[idx] =
      row_pass_value<Real>(g, reinterpret_cast<const Real*>(replica + columns_offset), idx);
}

template <class Real>
__global__ void psf_column_pass_kernel(PsfGeometry g, std::byte* replicas, std::size_t stride,
                                       std::size_t pass_offset, std::size_t blurred_offset) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * kPsfThreads + threadIdx.x;
  if (idx >= static_cast<std::size_t>(g.masked) * kColumns) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  reinterpret_cast<Real*>(replica + blurred_offset)[idx] =
      column_pass_value<Real>(g, reinterpret_cast<const Real*>(replica + pass_offset), idx);
}

template <class Real>
__global__ void psf_direct_kernel(PsfGeometry g, std::byte* replicas, std::size_t stride,
                                  std::size_t columns_offset, std::size_t blurred_offset) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * kPsfThreads + threadIdx.x;
  if (idx >= static_cast<std::size_t>(g.masked) * kColumns) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  reinterpret_cast<Real*>(replica + blurred_offset)[idx] =
      direct_value<Real>(g, reinterpret_cast<const Real*>(replica + columns_offset), idx);
}

__host__ __device__ __forceinline__ void slice_range(int slice, int pixels, int& begin, int& end) {
  const int per_slice = (pixels + kSlices - 1) / kSlices;
  begin = slice * per_slice < pixels ? slice * per_slice : pixels;
  end = begin + per_slice < pixels ? begin + per_slice : pixels;
}

// Step 3, F: thread t's entries e = t, t + 256, ... (< 820) of F's lower
// triangle (row-by-row: e = i (i + 1) / 2 + j, j <= i), each summed over the
// slice's pixels in order.
__host__ __device__ __forceinline__ void lower_entry(int e, int& i, int& j) {
  i = 0;
  while ((i + 1) * (i + 2) / 2 <= e) ++i;
  j = e - i * (i + 1) / 2;
}

template <class Real>
__host__ __device__ void curvature_slice_entries(int pixels, const Real* blurred, int slice, int t,
                                                 Real* sums) {
  int rows[kEntriesPerThread], cols[kEntriesPerThread];
#pragma unroll
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
#pragma unroll
    for (int m = 0; m < kEntriesPerThread; ++m) sums[m] = add(sums[m], mul(row[rows[m]], row[cols[m]]));
  }
}

template <class Real>
__global__ void __launch_bounds__(kCurvatureThreads)
    curvature_partial_kernel(int pixels, std::byte* replicas, std::size_t stride,
                             std::size_t blurred_offset, std::size_t partial_offset) {
  std::byte* replica = replicas + blockIdx.y * stride;
  Real sums[kEntriesPerThread];
  curvature_slice_entries<Real>(pixels, reinterpret_cast<const Real*>(replica + blurred_offset),
                                blockIdx.x, threadIdx.x, sums);
  Real* partial = reinterpret_cast<Real*>(replica + partial_offset) +
                  static_cast<std::size_t>(blockIdx.x) * kLowerEntries;
#pragma unroll
  for (int m = 0; m < kEntriesPerThread; ++m) {
    const int e = threadIdx.x + m * kCurvatureThreads;
    if (e < kLowerEntries) partial[e] = sums[m];
  }
}

// F(i, j) = F(j, i) = the slices' partial sums of entry e, in slice order.
template <class Real>
__host__ __device__ void curvature_final_entry(const Real* partial, int e, Real* curvature) {
  Real total = 0;
  for (int s = 0; s < kSlices; ++s) total = add(total, partial[static_cast<std::size_t>(s) * kLowerEntries + e]);
  int i, j;
  lower_entry(e, i, j);
  curvature[i + j * kColumns] = total;
  curvature[j + i * kColumns] = total;
}

template <class Real>
__global__ void curvature_final_kernel(std::byte* replicas, std::size_t stride,
                                       std::size_t partial_offset, std::size_t curvature_offset) {
  const int e = blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= kLowerEntries) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  curvature_final_entry<Real>(reinterpret_cast<const Real*>(replica + partial_offset), e,
                              reinterpret_cast<Real*>(replica + curvature_offset));
}

// Step 3, D: stripe `stripe` of slice `slice`'s sum for column j, as the
// CPU's dense_normal_equations forms D: (double)B~_ij * (d_i / sigma_i).
template <class Real>
__host__ __device__ double data_vector_stripe(int pixels, const double* weighted_data,
                                              const Real* blurred, int slice, int j, int stripe) {
  int begin, end;
  slice_range(slice, pixels, begin, end);
  double sum = 0.0;
  for (int p = begin + stripe; p < end; p += kStripes)
    sum = add(sum, mul(static_cast<double>(blurred[static_cast<std::size_t>(p) * kColumns + j]), weighted_data[p]));
  return sum;
}

// One block per (slice, replica), 40 x 8 threads; the 8 stripes summed in order.
template <class Real>
__global__ void __launch_bounds__(kColumns * kStripes)
    data_vector_partial_kernel(int pixels, const double* weighted_data, std::byte* replicas,
                               std::size_t stride, std::size_t blurred_offset,
                               std::size_t partial_offset) {
  __shared__ double sums[kStripes][kColumns];
  const int j = threadIdx.x % kColumns, stripe = threadIdx.x / kColumns;
  std::byte* replica = replicas + blockIdx.y * stride;
  sums[stripe][j] = data_vector_stripe<Real>(pixels, weighted_data,
                                             reinterpret_cast<const Real*>(replica + blurred_offset),
                                             blockIdx.x, j, stripe);
  __syncthreads();
  if (stripe != 0) return;
  double total = 0.0;
  for (int s = 0; s < kStripes; ++s) total = add(total, sums[s][j]);
  reinterpret_cast<double*>(replica + partial_offset)[blockIdx.x * kColumns + j] = total;
}

__global__ void data_vector_final_kernel(std::byte* replicas, std::size_t stride,
                                         std::size_t partial_offset, std::size_t data_vector_offset) {
  std::byte* replica = replicas + blockIdx.x * stride;
  const double* partial = reinterpret_cast<const double*>(replica + partial_offset);
  const int j = threadIdx.x;
  double total = 0.0;
  for (int s = 0; s < kSlices; ++s) total = add(total, partial[s * kColumns + j]);
  reinterpret_cast<double*>(replica + data_vector_offset)[j] = total;
}

// Step 5: thread t of slice `slice`'s share of the CPU's dense_chi_squared.
template <class Real>
__host__ __device__ double chi_squared_thread(int pixels, const double* data_over_sigma,
                                              const Real* blurred, const double* solution,
                                              int slice, int t) {
  int begin, end;
  slice_range(slice, pixels, begin, end);
  double sum = 0.0;
  for (int p = begin + t; p < end; p += kChiThreads) {
    const Real* row = blurred + static_cast<std::size_t>(p) * kColumns;
    double model = 0.0;
#pragma unroll
    for (int j = 0; j < kColumns; ++j) model = add(model, mul(static_cast<double>(row[j]), solution[j]));
    const double residual = sub(data_over_sigma[p], model);
    sum = add(sum, mul(residual, residual));
  }
  return sum;
}

// One block per (slice, replica); a fixed tree over the block's threads.
template <class Real>
__global__ void __launch_bounds__(kChiThreads)
    chi_squared_partial_kernel(int pixels, const double* data_over_sigma, std::byte* replicas,
                               std::size_t stride, std::size_t blurred_offset,
                               std::size_t solution_offset, std::size_t partial_offset) {
  __shared__ double partial[kChiThreads];
  __shared__ double solution[kColumns];
  std::byte* replica = replicas + blockIdx.y * stride;
  if (threadIdx.x < kColumns)
    solution[threadIdx.x] = reinterpret_cast<const double*>(replica + solution_offset)[threadIdx.x];
  __syncthreads();
  partial[threadIdx.x] = chi_squared_thread<Real>(pixels, data_over_sigma,
                                                  reinterpret_cast<const Real*>(replica + blurred_offset),
                                                  solution, blockIdx.x, threadIdx.x);
  __syncthreads();
  for (int half = kChiThreads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) partial[threadIdx.x] = add(partial[threadIdx.x], partial[threadIdx.x + half]);
    __syncthreads();
  }
  if (threadIdx.x == 0)
    reinterpret_cast<double*>(replica + partial_offset)[blockIdx.x] = partial[0];
}

__global__ void chi_squared_final_kernel(int count, std::byte* replicas, std::size_t stride,
                                         std::size_t partial_offset, double* chi_squared) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= count) return;
  const double* partial = reinterpret_cast<const double*>(replicas + r * stride + partial_offset);
  double total = 0.0;
  for (int s = 0; s < kSlices; ++s) total = add(total, partial[s]);
  chi_squared[r] = total;
}

// --------------------------------------------------------------- the plan
// Everything the kernels read that does not depend on theta, built on the
// host from the public MaskedImaging (the same definitions as PsfConvolver's
// box, index canvas and pass box), plus the per-replica layout. The device
// likelihood copies it to tracked device buffers; the host emulation points
// the geometries at it directly.
//
// Separable kernels: PsfConvolver factors K by an SVD; here K = u v^T is
// factored through its largest entry, u_a = K[a][c*] / sqrt|K*|,
// v_b = K[r*][b] sqrt|K*| / K*. Both factor the same numerically rank-one
// kernel (second singular value <= 1e-12 of the first: separable()), so the
// two passes agree with the CPU's to that level; for the instruments'
// Gaussian PSF, K is rank one to ~1e-17.
template <class Real>
struct MgePlan {
  int masked = 0, blurring = 0;
  bool separable = false;
  std::vector<double> sub_y, sub_x, weight, blur_y, blur_x;
  std::vector<std::uint32_t> sub_begin;
  std::vector<std::int32_t> canvas, origin;
  std::vector<double> weights_a, weights_b;
  std::vector<double> inverse_sigma, weighted_data, data_over_sigma;
  ColumnGeometry columns{};  // pointers filled by whoever holds the arrays
  PsfGeometry psf{};
  // Byte offsets inside a replica region; bytes_per_replica is the region.
  std::size_t offset_pass = 0, offset_blurred = 0, offset_f_partial = 0, offset_curvature = 0,
              offset_d_partial = 0,
              offset_d = 0, offset_s = 0, offset_chi_partial = 0, bytes_per_replica = 0;

  explicit MgePlan(const MaskedImaging& im) {
    masked = static_cast<int>(im.masked_pixels());
    blurring = static_cast<int>(im.blurring_pixels());
    const SubPixelGrid& grid = im.light_profile_grid;
    sub_y = grid.y, sub_x = grid.x, sub_begin = grid.begin, weight = grid.weight;
    for (const MaskedPixel& p : im.blurring) blur_y.push_back(p.y), blur_x.push_back(p.x);
    const std::vector<double> sigmas = mge_sigmas(im.mask.radius, kGaussians);
    columns.masked = masked, columns.blurring = blurring;
    for (int k = 0; k < kGaussians; ++k) columns.exponent_scale[k] = -0.5 / (sigmas[k] * sigmas[k]);

    const Image2D& kernel = im.dataset.psf;
    const int hr = kernel.rows / 2, hc = kernel.cols / 2;
    int row0 = 0, row1 = 0, col0 = 0, col1 = 0;
    bool first = true;
    auto extend = [&](const MaskedPixel& p, int pad_r, int pad_c) {
      if (first) {
        row0 = p.row - pad_r, row1 = p.row + pad_r, col0 = p.col - pad_c, col1 = p.col + pad_c;
        first = false;
      }
      row0 = std::min(row0, p.row - pad_r), row1 = std::max(row1, p.row + pad_r);
      col0 = std::min(col0, p.col - pad_c), col1 = std::max(col1, p.col + pad_c);
    };
    for (const auto& p : im.mask.pixels) extend(p, hr, hc);
    for (const auto& p : im.blurring) extend(p, 0, 0);
    const int box_cols = col1 - col0 + 1;
    canvas.assign(static_cast<std::size_t>(row1 - row0 + 1) * box_cols, -1);
    auto box_index = [&](int row, int col) {
      return static_cast<std::size_t>(row - row0) * box_cols + (col - col0);
    };
    for (std::size_t i = 0; i < im.mask.pixels.size(); ++i)
      canvas[box_index(im.mask.pixels[i].row, im.mask.pixels[i].col)] = static_cast<std::int32_t>(i);
    for (std::size_t i = 0; i < im.blurring.size(); ++i)
      canvas[box_index(im.blurring[i].row, im.blurring[i].col)] =
          static_cast<std::int32_t>(im.mask.pixels.size() + i);
    int mask_row0 = row1, mask_row1 = row0, mask_col0 = col1, mask_col1 = col0;
    for (const auto& p : im.mask.pixels) {
      mask_row0 = std::min(mask_row0, p.row), mask_row1 = std::max(mask_row1, p.row);
      mask_col0 = std::min(mask_col0, p.col), mask_col1 = std::max(mask_col1, p.col);
    }
    psf.box_row0 = row0, psf.box_col0 = col0, psf.box_cols = box_cols;
    psf.kernel_rows = kernel.rows, psf.kernel_cols = kernel.cols;
    psf.pass_row0 = mask_row0 - hr, psf.pass_rows = mask_row1 - mask_row0 + 1 + 2 * hr;
    psf.pass_col0 = mask_col0, psf.pass_cols = mask_col1 - mask_col0 + 1;
    psf.masked = masked;

    separable = im.psf->separable();
    origin.resize(im.mask.pixels.size());
    if (separable) {
      int peak_row = 0, peak_col = 0;
      for (int a = 0; a < kernel.rows; ++a)
        for (int b = 0; b < kernel.cols; ++b)
          if (std::abs(kernel.at(a, b)) > std::abs(kernel.at(peak_row, peak_col))) peak_row = a, peak_col = b;
      const double peak = kernel.at(peak_row, peak_col), root = std::sqrt(std::abs(peak));
      for (int a = 0; a < kernel.rows; ++a)  // flipped: fy[a] = u[rows - 1 - a]
        weights_a.push_back(kernel.at(kernel.rows - 1 - a, peak_col) / root);
      for (int b = 0; b < kernel.cols; ++b)
        weights_b.push_back(kernel.at(peak_row, kernel.cols - 1 - b) * root / peak);
      for (std::size_t i = 0; i < im.mask.pixels.size(); ++i) {
        const MaskedPixel& p = im.mask.pixels[i];
        origin[i] = static_cast<std::int32_t>((p.row - mask_row0) * psf.pass_cols + (p.col - mask_col0));
      }
    } else {
      for (int a = 0; a < kernel.rows; ++a)
        for (int b = 0; b < kernel.cols; ++b)
          weights_a.push_back(kernel.at(kernel.rows - 1 - a, kernel.cols - 1 - b));
      weights_b.push_back(0.0);
      for (std::size_t i = 0; i < im.mask.pixels.size(); ++i) {
        const MaskedPixel& p = im.mask.pixels[i];
        origin[i] = static_cast<std::int32_t>(box_index(p.row - hr, p.col - hc));
      }
    }

    // dense_normal_equations's 1 / sigma and d / sigma (its D weights), and
    // dense_chi_squared's d / sigma (a division there, not a product).
    inverse_sigma.resize(masked), weighted_data.resize(masked), data_over_sigma.resize(masked);
    for (int i = 0; i < masked; ++i) {
      inverse_sigma[i] = 1.0 / im.noise_map[i];
      weighted_data[i] = im.data[i] * inverse_sigma[i];
      data_over_sigma[i] = im.data[i] / im.noise_map[i];
    }

    const std::size_t n = im.masked_pixels(), b = im.blurring_pixels();
    offset_pass = aligned_array_bytes<Real>((n + b) * kColumns);
    offset_blurred = offset_pass + (separable ? aligned_array_bytes<Real>(pass_entries()) : 0);
    offset_f_partial = offset_blurred + aligned_array_bytes<Real>(n * kColumns);
    offset_curvature = offset_f_partial + aligned_array_bytes<Real>(kSlices * kLowerEntries);
    offset_d_partial = offset_curvature + aligned_array_bytes<Real>(kColumns * kColumns);
    offset_d = offset_d_partial + aligned_array_bytes<double>(kSlices * kColumns);
    offset_s = offset_d + aligned_array_bytes<double>(kColumns);
    offset_chi_partial = offset_s + aligned_array_bytes<double>(kColumns);
    bytes_per_replica = offset_chi_partial + aligned_array_bytes<double>(kSlices);
  }

  std::size_t pass_entries() const {
    return static_cast<std::size_t>(psf.pass_rows) * psf.pass_cols * kColumns;
  }
  // Points the geometries at this plan's own arrays (host emulation).
  void point_at_host_arrays() {
    columns.sub_y = sub_y.data(), columns.sub_x = sub_x.data();
    columns.sub_begin = sub_begin.data(), columns.weight = weight.data();
    columns.blur_y = blur_y.data(), columns.blur_x = blur_x.data();
    psf.canvas = canvas.data(), psf.origin = origin.data();
    psf.weights_a = weights_a.data(), psf.weights_b = weights_b.data();
    psf.inverse_sigma = inverse_sigma.data();
  }
};

// The host half of step 4, shared by the device likelihood and the emulation:
// solve_inversion on F (as double, as the CPU casts its float F) and D.
template <class Real>
InversionSolution solve_on_host(const LinearParameterLayout& layout, const Real* f, const double* d,
                                double* curvature, double* solution, std::byte* scratch,
                                std::size_t scratch_bytes) {
  const std::size_t s2 = static_cast<std::size_t>(kColumns) * kColumns;
  for (std::size_t i = 0; i < s2; ++i) curvature[i] = static_cast<double>(f[i]);
  std::fill(solution, solution + kColumns, 0.0);  // a failed solve leaves it untouched
  ScratchArena arena(scratch, scratch_bytes);
  return solve_inversion(layout, std::span<double>(curvature, s2), std::span<const double>(d, kColumns),
                         {}, std::span<double>(solution, kColumns), arena);
}

template <class T>
TrackedBuffer<T> to_device(const std::vector<T>& values, cudaStream_t stream) {
  TrackedBuffer<T> buffer(std::max<std::size_t>(values.size(), 1), device_allocator());
  if (!values.empty())
    NSLAB_CUDA_CHECK(cudaMemcpyAsync(buffer.data(), values.data(), values.size() * sizeof(T),
                                     cudaMemcpyHostToDevice, stream));
  NSLAB_CUDA_CHECK(cudaStreamSynchronize(stream));
  return buffer;
}

unsigned blocks_for(std::size_t work, int threads) {
  return static_cast<unsigned>((work + threads - 1) / threads);
}

// MgeLikelihood::sizes(), for `nslab eval` and the result file.
std::map<std::string, double> mge_sizes(const MaskedImaging& im) {
  return {{"masked_pixels", static_cast<double>(im.masked_pixels())},
          {"over_sampled_pixels", static_cast<double>(im.over_sampled_points())},
          {"blurring_pixels", static_cast<double>(im.blurring_pixels())},
          {"linear_parameters", static_cast<double>(kColumns)},
          {"image_rows", static_cast<double>(im.dataset.data.rows)}};
}

template <class Real>
class CudaMgeLikelihood final : public Likelihood {
 public:
  CudaMgeLikelihood(std::shared_ptr<const MaskedImaging> imaging, const std::string& context)
      : Likelihood(mge_parameter_names(), mge_prior()), imaging_(std::move(imaging)),
        workspace_allocator_(context), staging_(kValuesPerPoint, kStagingCapacity),
        plan_(*imaging_) {
    const cudaStream_t stream = stream_.get();
    layout_.parameters = kColumns;
    sub_y_ = to_device(plan_.sub_y, stream), sub_x_ = to_device(plan_.sub_x, stream);
    sub_begin_ = to_device(plan_.sub_begin, stream), weight_ = to_device(plan_.weight, stream);
    blur_y_ = to_device(plan_.blur_y, stream), blur_x_ = to_device(plan_.blur_x, stream);
    canvas_ = to_device(plan_.canvas, stream), origin_ = to_device(plan_.origin, stream);
    weights_a_ = to_device(plan_.weights_a, stream), weights_b_ = to_device(plan_.weights_b, stream);
    inverse_sigma_ = to_device(plan_.inverse_sigma, stream);
    weighted_data_ = to_device(plan_.weighted_data, stream);
    data_over_sigma_ = to_device(plan_.data_over_sigma, stream);
    ColumnGeometry& c = plan_.columns;
    c.sub_y = sub_y_.data(), c.sub_x = sub_x_.data(), c.sub_begin = sub_begin_.data();
    c.weight = weight_.data(), c.blur_y = blur_y_.data(), c.blur_x = blur_x_.data();
    PsfGeometry& g = plan_.psf;
    g.canvas = canvas_.data(), g.origin = origin_.data();
    g.weights_a = weights_a_.data(), g.weights_b = weights_b_.data();
    g.inverse_sigma = inverse_sigma_.data();

    // The host side of the solve, one region per staged point.
    host_curvature_real_ = TrackedBuffer<Real>(kStagingCapacity * kColumns * kColumns);
    host_curvature_ = TrackedBuffer<double>(kStagingCapacity * kColumns * kColumns);
    host_data_vector_ = TrackedBuffer<double>(kStagingCapacity * kColumns);
    host_solution_ = TrackedBuffer<double>(kStagingCapacity * kColumns);
    host_chi_squared_ = TrackedBuffer<double>(kStagingCapacity);
    solve_scratch_bytes_ = aligned_bytes(inversion_scratch_bytes(layout_));
    host_scratch_ = TrackedBuffer<std::byte>(kStagingCapacity * solve_scratch_bytes_);
    solutions_.resize(kStagingCapacity);
  }

  std::size_t bytes_per_replica() const override { return plan_.bytes_per_replica; }
  Allocator& workspace_allocator() const override {
    return workspace_allocator_.get(bytes_per_replica());
  }

  // chi^2, noise normalisation and log L at one point, from the device path.
  std::map<std::string, double> evaluation_parts(std::span<const double> theta) const override {
    Workspace workspace(workspace_allocator());
    workspace.reserve(1, bytes_per_replica());
    std::lock_guard lock(mutex_);
    std::vector<double> row(kValuesPerPoint);
    point_row(theta.data(), row.data());
    const double* device_rows = staging_.upload(row, stream_.get());
    evaluate_slice(device_rows, 1, workspace, 0);
    const FitParts parts = fit_parts(host_chi_squared_[0], imaging_->noise_normalization, solutions_[0], false);
    return {{"chi_squared", parts.chi_squared},
            {"noise_normalization", parts.noise_normalization},
            {"log_likelihood", parts.log_likelihood},
            {"figure_of_merit", parts.figure_of_merit}};
  }

  std::map<std::string, double> sizes() const override { return mge_sizes(*imaging_); }

 private:
  void do_evaluate(std::span<const double> points, std::span<double> log_l,
                   Workspace& workspace) const override {
    require_device_workspace(workspace, bytes_per_replica());
    std::lock_guard lock(mutex_);
    const std::size_t d = dim();
    std::vector<double> rows;
    for (std::size_t begin = 0; begin < log_l.size(); begin += kStagingCapacity) {
      const std::size_t count = std::min(kStagingCapacity, log_l.size() - begin);
      rows.assign(count * kValuesPerPoint, 0.0);
      for (std::size_t p = 0; p < count; ++p)
        point_row(points.data() + (begin + p) * d, rows.data() + p * kValuesPerPoint);
      const double* device_rows = staging_.upload(rows, stream_.get());
      evaluate_slice(device_rows, count, workspace, begin);
      for (std::size_t p = 0; p < count; ++p)
        log_l[begin + p] = fit_parts(host_chi_squared_[p], imaging_->noise_normalization,
                                     solutions_[p], false)
                               .figure_of_merit;
    }
  }

  // Steps 1-5 for `count` staged points in replicas [first, first + count);
  // leaves chi^2 in host_chi_squared_ and the solves in solutions_.
  void evaluate_slice(const double* device_rows, std::size_t count, const Workspace& workspace,
                      std::size_t first_replica) const {
    const cudaStream_t stream = stream_.get();
    std::byte* replicas = workspace.replica(first_replica);
    const std::size_t stride = workspace.stride_bytes();
    const unsigned grid_y = static_cast<unsigned>(count);
    const std::size_t n = static_cast<std::size_t>(plan_.masked);
    const MgePlan<Real>& p = plan_;

    columns_kernel<Real><<<dim3(blocks_for(n + p.blurring, kColumnThreads), grid_y), kColumnThreads, 0, stream>>>(
        device_rows, p.columns, replicas, stride);
    NSLAB_CUDA_CHECK_LAUNCH();
    if (p.separable) {
      psf_row_pass_kernel<Real><<<dim3(blocks_for(p.pass_entries(), kPsfThreads), grid_y), kPsfThreads, 0, stream>>>(
          p.psf, replicas, stride, 0, p.offset_pass);
      NSLAB_CUDA_CHECK_LAUNCH();
      psf_column_pass_kernel<Real><<<dim3(blocks_for(n * kColumns, kPsfThreads), grid_y), kPsfThreads, 0, stream>>>(
          p.psf, replicas, stride, p.offset_pass, p.offset_blurred);
      NSLAB_CUDA_CHECK_LAUNCH();
    } else {
      psf_direct_kernel<Real><<<dim3(blocks_for(n * kColumns, kPsfThreads), grid_y), kPsfThreads, 0, stream>>>(
          p.psf, replicas, stride, 0, p.offset_blurred);
      NSLAB_CUDA_CHECK_LAUNCH();
    }
    curvature_partial_kernel<Real><<<dim3(kSlices, grid_y), kCurvatureThreads, 0, stream>>>(
        p.masked, replicas, stride, p.offset_blurred, p.offset_f_partial);
    NSLAB_CUDA_CHECK_LAUNCH();
    curvature_final_kernel<Real><<<dim3(blocks_for(kLowerEntries, 256), grid_y), 256, 0, stream>>>(
        replicas, stride, p.offset_f_partial, p.offset_curvature);
    NSLAB_CUDA_CHECK_LAUNCH();
    data_vector_partial_kernel<Real><<<dim3(kSlices, grid_y), kColumns * kStripes, 0, stream>>>(
        p.masked, weighted_data_.data(), replicas, stride, p.offset_blurred, p.offset_d_partial);
    NSLAB_CUDA_CHECK_LAUNCH();
    data_vector_final_kernel<<<grid_y, kColumns, 0, stream>>>(replicas, stride, p.offset_d_partial, p.offset_d);
    NSLAB_CUDA_CHECK_LAUNCH();

    // Step 4: F and D to the host, the CPU's solve, s back.
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(host_curvature_real_.data(), kColumns * kColumns * sizeof(Real),
                                       replicas + p.offset_curvature, stride,
                                       kColumns * kColumns * sizeof(Real), count,
                                       cudaMemcpyDeviceToHost, stream));
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(host_data_vector_.data(), kColumns * sizeof(double),
                                       replicas + p.offset_d, stride, kColumns * sizeof(double),
                                       count, cudaMemcpyDeviceToHost, stream));
    NSLAB_CUDA_CHECK(cudaStreamSynchronize(stream));
    default_thread_pool().parallel_for(count, [&](std::size_t r) {
      const std::size_t s2 = static_cast<std::size_t>(kColumns) * kColumns;
      solutions_[r] = solve_on_host<Real>(layout_, host_curvature_real_.data() + r * s2,
                                          host_data_vector_.data() + r * kColumns,
                                          host_curvature_.data() + r * s2,
                                          host_solution_.data() + r * kColumns,
                                          host_scratch_.data() + r * solve_scratch_bytes_,
                                          solve_scratch_bytes_);
    });
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(replicas + p.offset_s, stride, host_solution_.data(),
                                       kColumns * sizeof(double), kColumns * sizeof(double), count,
                                       cudaMemcpyHostToDevice, stream));

    chi_squared_partial_kernel<Real><<<dim3(kSlices, grid_y), kChiThreads, 0, stream>>>(
        p.masked, data_over_sigma_.data(), replicas, stride, p.offset_blurred, p.offset_s,
        p.offset_chi_partial);
    NSLAB_CUDA_CHECK_LAUNCH();
    chi_squared_final_kernel<<<blocks_for(count, 128), 128, 0, stream>>>(
        static_cast<int>(count), replicas, stride, p.offset_chi_partial, staging_.log_l());
    NSLAB_CUDA_CHECK_LAUNCH();
    NSLAB_CUDA_CHECK(cudaMemcpyAsync(host_chi_squared_.data(), staging_.log_l(), count * sizeof(double),
                                     cudaMemcpyDeviceToHost, stream));
    NSLAB_CUDA_CHECK(cudaStreamSynchronize(stream));
  }

  std::shared_ptr<const MaskedImaging> imaging_;
  LazyWorkspaceAllocator workspace_allocator_;
  CudaStream stream_;
  mutable DeviceBatchStaging staging_;
  MgePlan<Real> plan_;  // its geometries point at the device buffers below
  LinearParameterLayout layout_;
  TrackedBuffer<double> sub_y_, sub_x_, weight_, blur_y_, blur_x_;
  TrackedBuffer<std::uint32_t> sub_begin_;
  TrackedBuffer<std::int32_t> canvas_, origin_;
  TrackedBuffer<double> weights_a_, weights_b_;
  TrackedBuffer<double> inverse_sigma_, weighted_data_, data_over_sigma_;
  // Host side of the solve (guarded by mutex_).
  mutable TrackedBuffer<Real> host_curvature_real_;
  mutable TrackedBuffer<double> host_curvature_, host_data_vector_, host_solution_, host_chi_squared_;
  mutable TrackedBuffer<std::byte> host_scratch_;
  std::size_t solve_scratch_bytes_ = 0;
  mutable std::vector<InversionSolution> solutions_;
  mutable std::mutex mutex_;
};

// Steps 1-5 for one point on the host, replica region and all, with the
// device's per-thread functions, thread decomposition and reduction trees.
template <class Real>
std::vector<double> emulate_on_host(const MaskedImaging& im, std::span<const double> points,
                                    std::size_t* bytes_per_replica) {
  MgePlan<Real> plan(im);
  plan.point_at_host_arrays();
  if (bytes_per_replica != nullptr) *bytes_per_replica = plan.bytes_per_replica;
  LinearParameterLayout layout;
  layout.parameters = kColumns;
  const std::size_t scratch_bytes = aligned_bytes(inversion_scratch_bytes(layout));
  std::vector<std::byte> scratch(scratch_bytes + kAllocationAlignment);
  std::vector<double> curvature(kColumns * kColumns);
  // The replica region, filled with NaN bytes so a read of an unwritten entry shows.
  std::vector<double> region_storage(plan.bytes_per_replica / sizeof(double) + kAllocationAlignment);
  std::byte* region = reinterpret_cast<std::byte*>(region_storage.data());
  region += (kAllocationAlignment - reinterpret_cast<std::uintptr_t>(region) % kAllocationAlignment) % kAllocationAlignment;
  std::byte* scratch_base = scratch.data();
  scratch_base += (kAllocationAlignment - reinterpret_cast<std::uintptr_t>(scratch_base) % kAllocationAlignment) % kAllocationAlignment;
  const std::size_t n = static_cast<std::size_t>(plan.masked), d = kMgeParameterCount;
  const std::size_t count = points.size() / d;
  std::vector<double> log_l(count);
  for (std::size_t point = 0; point < count; ++point) {
    std::fill(region_storage.begin(), region_storage.end(), std::numeric_limits<double>::quiet_NaN());
    double row[kValuesPerPoint];
    point_row(points.data() + point * d, row);
    Real* columns = reinterpret_cast<Real*>(region);
    for (int i = 0; i < plan.masked + plan.blurring; ++i)
      pixel_columns<Real>(row, plan.columns, i, columns + static_cast<std::size_t>(i) * kColumns);
    Real* blurred = reinterpret_cast<Real*>(region + plan.offset_blurred);
    if (plan.separable) {
      Real* pass = reinterpret_cast<Real*>(region + plan.offset_pass);
      for (std::size_t idx = 0; idx < plan.pass_entries(); ++idx) pass[idx] = row_pass_value<Real>(plan.psf, columns, idx);
      for (std::size_t idx = 0; idx < n * kColumns; ++idx) blurred[idx] = column_pass_value<Real>(plan.psf, pass, idx);
    } else {
      for (std::size_t idx = 0; idx < n * kColumns; ++idx) blurred[idx] = direct_value<Real>(plan.psf, columns, idx);
    }
    Real* f_partial = reinterpret_cast<Real*>(region + plan.offset_f_partial);
    for (int slice = 0; slice < kSlices; ++slice)
      for (int t = 0; t < kCurvatureThreads; ++t) {
        Real sums[kEntriesPerThread];
        curvature_slice_entries<Real>(plan.masked, blurred, slice, t, sums);
        for (int m = 0; m < kEntriesPerThread; ++m)
          if (t + m * kCurvatureThreads < kLowerEntries)
            f_partial[static_cast<std::size_t>(slice) * kLowerEntries + t + m * kCurvatureThreads] = sums[m];
      }
    Real* f = reinterpret_cast<Real*>(region + plan.offset_curvature);
    for (int e = 0; e < kLowerEntries; ++e) curvature_final_entry<Real>(f_partial, e, f);
    double* d_partial = reinterpret_cast<double*>(region + plan.offset_d_partial);
    for (int slice = 0; slice < kSlices; ++slice)
      for (int j = 0; j < kColumns; ++j) {
        double total = 0.0;
        for (int stripe = 0; stripe < kStripes; ++stripe)
          total += data_vector_stripe<Real>(plan.masked, plan.weighted_data.data(), blurred, slice, j, stripe);
        d_partial[slice * kColumns + j] = total;
      }
    double* data_vector = reinterpret_cast<double*>(region + plan.offset_d);
    for (int j = 0; j < kColumns; ++j) {
      double total = 0.0;
      for (int slice = 0; slice < kSlices; ++slice) total += d_partial[slice * kColumns + j];
      data_vector[j] = total;
    }
    double* solution = reinterpret_cast<double*>(region + plan.offset_s);
    const InversionSolution solved = solve_on_host<Real>(layout, f, data_vector, curvature.data(),
                                                         solution, scratch_base, scratch_bytes);
    double* chi_partial = reinterpret_cast<double*>(region + plan.offset_chi_partial);
    for (int slice = 0; slice < kSlices; ++slice) {
      double partial[kChiThreads];
      for (int t = 0; t < kChiThreads; ++t)
        partial[t] = chi_squared_thread<Real>(plan.masked, plan.data_over_sigma.data(), blurred, solution, slice, t);
      for (int half = kChiThreads / 2; half > 0; half /= 2)
        for (int t = 0; t < half; ++t) partial[t] += partial[t + half];
      chi_partial[slice] = partial[0];
    }
    double chi_squared = 0.0;
    for (int slice = 0; slice < kSlices; ++slice) chi_squared += chi_partial[slice];
    log_l[point] = fit_parts(chi_squared, im.noise_normalization, solved, false).figure_of_merit;
  }
  return log_l;
}

}  // namespace

std::unique_ptr<Likelihood> make_cuda_mge_likelihood(std::shared_ptr<const MaskedImaging> imaging,
                                                     Precision precision,
                                                     const std::string& context) {
  require_cuda_device("imaging/mge with backend=cuda");
  if (precision == Precision::kFp32)
    return std::make_unique<CudaMgeLikelihood<float>>(std::move(imaging), context);
  return std::make_unique<CudaMgeLikelihood<double>>(std::move(imaging), context);
}

std::vector<double> emulate_cuda_mge_on_host(const MaskedImaging& imaging, Precision precision,
                                             std::span<const double> points,
                                             std::size_t* bytes_per_replica) {
  if (precision == Precision::kFp32) return emulate_on_host<float>(imaging, points, bytes_per_replica);
  return emulate_on_host<double>(imaging, points, bytes_per_replica);
}

}  // namespace nslab
