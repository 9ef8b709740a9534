// imaging/pixelization and imaging/delaunay on the device: the model, prior
// and figure of merit of PixelizedLikelihood<Real> (pixelized_likelihood.cpp)
// batch by batch. This file holds the kernels -- thin wrappers over the
// per-element functions of device/pixelized_steps.hpp -- and the likelihood
// that launches them; the tables and the replica layout are
// device/pixelized_plan.hpp, the host half device/pixelized_host_steps.hpp,
// and the same algorithm run on the host
// tests/support/device_emulation/pixelized_emulation.cpp (docs/gpu.md).
//
// Per slice of points (at most capacity_), on the likelihood's stream:
//  host   the staged rows (lens, border ellipse), H, and for Delaunay the
//         traced vertices' qhull triangulation and the traced grid's mapping
//         rows, one point per thread;
//  1. lens light: the 20 Gaussians on the grids, PSF-blurred (double);
//  2. rectangular: the masked pixel centres traced (SIE + shear) and
//     relocated onto the ellipse; a non-finite one marks the replica (its
//     value is -inf);
//  3. mapping rows: rectangular -- the CPU's statistics and running sums by
//     one thread per replica in the CPU's order, the two stable sorts by CUB
//     (the permutation of a stable sort is unique), bilinear weights;
//     Delaunay -- located on the host in scipy's order (docs/gpu.md) and sent;
//  4. the slots sorted by source pixel (M^T's structure, CUB again);
//  5. dense: B~ = [B_light | P M] / sigma column by column (one block owns a
//     column: the CPU's sums in the CPU's order), D, F = B~^T B~ by cuBLAS
//     SYRK, one call per replica (a batched call's kernel choice could
//     depend on the batch); sparse: the light block and D in the CPU's order,
//     F_gs = (P^T N^-1 B)^T M, and F_ss = M^T W M by w-tilde blocks, one block
//     per source pixel owning its row of H (no two threads add into a value);
//  6. F, D and the replica's mark to the host; the CPU's solve_inversion
//     (FNNLS, both log-determinants) on host threads; s back;
//  7. chi^2 from B~ s (dense) or P M s + B_light s_light (sparse), summed in
//     pixel order.
// No atomics anywhere: every value is written by one thread, every sum in a
// fixed order, so a point's value does not depend on its batch.

// The plan's host classes include Eigen; nothing of it runs on the device,
// so Eigen is told to leave its functions host-only here (its device
// annotations would otherwise be compiled for the device and warn).
#define EIGEN_NO_CUDA
#include <cub/cub.cuh>

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "core/cuda/cuda_check.hpp"
#include "core/phase_profile.hpp"
#include "core/thread_pool.hpp"
#include "likelihoods/cuda/dense_linear_algebra.cuh"
#include "likelihoods/cuda/device_batch.cuh"
#include "likelihoods/lens/device/host_solve.hpp"
#include "likelihoods/lens/device/pixelized_host_steps.hpp"
#include "likelihoods/lens/device/pixelized_plan.hpp"
#include "likelihoods/lens/device/psf_kernels.cuh"
#include "likelihoods/lens/device/psf_tables.cuh"
#include "likelihoods/lens/pixelization/pixelized_likelihood_cuda.hpp"

namespace nslab {
namespace {

using namespace pixelized_device;

constexpr int kThreads = 256;
constexpr int kLightThreads = 64;
constexpr int kScatterThreads = 512;  // a block's threads walk the kernel's taps
constexpr int kWTildeThreads = 1024;
// Host memory one slice may hold for its points' solves (F, H, scratch).
constexpr std::size_t kSliceHostBudget = std::size_t{2} << 30;  // [bytes]

// The device copies of a plan's tables that the kernels read.
struct PixelizedTables {
  const double *image_y, *image_x, *weight_map;
  const double *inverse_sigma, *weighted_data, *data_over_sigma;
  const double *inverse_variance, *data, *noise, *z, *w_values, *kernel;
  MaskedCanvas canvas;
  int n, blurring, sources, parameters, side, kernel_rows, kernel_cols, window, reach_cols;
};

template <class T>
__device__ __forceinline__ T* at(std::byte* replica, std::size_t offset) {
  return reinterpret_cast<T*>(replica + offset);
}

// ------------------------------------------------------------- kernels
__global__ void clear_status_kernel(int count, std::byte* replicas, std::size_t stride, std::size_t offset) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r < count) *at<std::int32_t>(replicas + r * stride, offset) = 0;
}

// Step 1: one thread per (pixel, replica); a block's values leave coalesced.
__global__ void __launch_bounds__(kLightThreads)
    light_kernel(const double* rows, BasisGeometry g, std::byte* replicas, std::size_t stride,
                 std::size_t light_offset) {
  __shared__ double tile[kLightThreads * kLight];
  const int first = blockIdx.x * kLightThreads;
  const int i = first + threadIdx.x;
  const int total = g.masked + g.blurring;
  const double* row = rows + static_cast<std::size_t>(blockIdx.y) * kValuesPerPoint;
  if (i < total) pixel_basis_columns<double, 1>(row, 0, g, i, tile + threadIdx.x * kLight);
  __syncthreads();
  double* light = at<double>(replicas + blockIdx.y * stride, light_offset);
  const int count = min(kLightThreads, total - first) * kLight;
  for (int k = threadIdx.x; k < count; k += kLightThreads)
    light[static_cast<std::size_t>(first) * kLight + k] = tile[k];
}

// Step 2.
__global__ void trace_kernel(const double* rows, PixelizedTables tb, std::byte* replicas, std::size_t stride,
                             PixelizedOffsets o) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= tb.n) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  const double* row = rows + static_cast<std::size_t>(blockIdx.y) * kValuesPerPoint;
  if (!traced_pixel(row, tb.image_y[i], tb.image_x[i], at<double>(replica, o.traced_y)[i],
                    at<double>(replica, o.traced_x)[i]))
    *at<std::int32_t>(replica, o.status) = 1;  // every writer writes 1: no order to fix
}

// Step 3, rectangular.
__global__ void rectangular_statistics_kernel(int count, int n, std::byte* replicas, std::size_t stride,
                                              PixelizedOffsets o) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= count) return;
  std::byte* replica = replicas + r * stride;
  rectangular_statistics(n, at<double>(replica, o.traced_y), at<double>(replica, o.traced_x),
                         at<double>(replica, o.statistics));
}

__global__ void rectangular_keys_kernel(int axis, int n, std::byte* replicas, std::size_t stride,
                                        PixelizedOffsets o) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  const double* statistics = at<double>(replica, o.statistics);
  const double* values = at<double>(replica, axis == 0 ? o.traced_y : o.traced_x);
  at<double>(replica, o.key_in)[i] = rectangular_key(values[i], statistics[axis], statistics[2]);
  at<std::int32_t>(replica, o.order_in)[i] = i;
}

__global__ void rectangular_prefix_kernel(int count, int n, const double* weight_map, std::byte* replicas,
                                          std::size_t stride, PixelizedOffsets o) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= count) return;
  std::byte* replica = replicas + r * stride;
  rectangular_prefix(n, at<std::int32_t>(replica, o.order_out), weight_map, at<double>(replica, o.prefix));
}

__global__ void rectangular_transform_kernel(int axis, int n, std::byte* replicas, std::size_t stride,
                                             PixelizedOffsets o) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= n) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  rectangular_transform(n, at<double>(replica, o.key_out), at<std::int32_t>(replica, o.order_out),
                        at<double>(replica, o.prefix), k,
                        at<double>(replica, axis == 0 ? o.transform_y : o.transform_x));
}

__global__ void rectangular_rows_kernel(int n, int side, std::byte* replicas, std::size_t stride,
                                        PixelizedOffsets o) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  std::int32_t* index = at<std::int32_t>(replica, o.map_index) + kSlots * i;
  double* weight = at<double>(replica, o.map_weight) + kSlots * i;
  if (*at<std::int32_t>(replica, o.status) != 0) empty_row(index, weight);
  else rectangular_row(at<double>(replica, o.transform_y)[i], at<double>(replica, o.transform_x)[i], side, index, weight);
}

// Step 4.
__global__ void slot_keys_kernel(int slots, int sources, std::byte* replicas, std::size_t stride,
                                 PixelizedOffsets o) {
  const int slot = blockIdx.x * blockDim.x + threadIdx.x;
  if (slot >= slots) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  at<std::uint32_t>(replica, o.slot_key_in)[slot] = slot_key(at<std::int32_t>(replica, o.map_index), slot, sources);
  at<std::int32_t>(replica, o.slot_in)[slot] = slot;
}

__global__ void slot_offsets_kernel(int slots, int sources, std::byte* replicas, std::size_t stride,
                                    PixelizedOffsets o) {
  const int a = blockIdx.x * blockDim.x + threadIdx.x;
  if (a > sources) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  at<std::int32_t>(replica, o.slot_offsets)[a] = slot_offset(at<std::uint32_t>(replica, o.slot_key_out), slots, a);
}

// Step 5, dense. The light columns of B (column-major, n per column).
template <class Real>
__global__ void dense_light_columns_kernel(int n, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(n) * kLight) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  const std::size_t i = idx % n, g = idx / n;
  at<Real>(replica, o.columns)[idx] = static_cast<Real>(at<double>(replica, o.blurred_light)[i * kLight + g]);
}

// B's column of source pixel a = blockIdx.x: zeroed, then each of a's pixels
// (in pixel order) scatters M[i, a] through the kernel, one thread per tap
// (distinct taps of one pixel hit distinct pixels); blurred as
// blur_mapping_matrix blurs it, in the CPU's order.
template <class Real>
__global__ void __launch_bounds__(kScatterThreads)
    dense_source_column_kernel(PixelizedTables tb, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const int a = blockIdx.x;
  std::byte* replica = replicas + blockIdx.y * stride;
  Real* column = at<Real>(replica, o.columns) + static_cast<std::size_t>(kLight + a) * tb.n;
  for (int i = threadIdx.x; i < tb.n; i += kScatterThreads) column[i] = Real(0);
  __syncthreads();
  const std::int32_t* offsets = at<std::int32_t>(replica, o.slot_offsets);
  const std::int32_t* slots = at<std::int32_t>(replica, o.slot_out);
  const double* map_weight = at<double>(replica, o.map_weight);
  const int end = offsets[a + 1], taps = tb.kernel_rows * tb.kernel_cols;
  const int hr = tb.kernel_rows / 2, hc = tb.kernel_cols / 2;
  for (int e = offsets[a]; e < end;) {
    int pixel;
    const Real value = mapping_value<Real>(slots, map_weight, end, e, pixel);  // the same in every thread
    if (value != Real(0))
      for (int tap = threadIdx.x; tap < taps; tap += kScatterThreads) {
        const std::int32_t k = tb.canvas.neighbor(pixel, tap / tb.kernel_cols - hr, tap % tb.kernel_cols - hc);
        if (k >= 0) column[k] = rn::add(column[k], scattered<Real>(tb.kernel[tap], value));
      }
    __syncthreads();
  }
}

template <class Real>
__global__ void dense_scale_kernel(PixelizedTables tb, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= tb.parameters) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  at<double>(replica, o.data_vector)[j] = scale_column<Real>(at<Real>(replica, o.columns) + static_cast<std::size_t>(j) * tb.n,
                                                             tb.n, tb.inverse_sigma, tb.weighted_data);
}

// F's strict upper triangle from its lower one (SYRK writes the lower).
template <class Real>
__global__ void mirror_kernel(int t, std::byte* replicas, std::size_t stride, std::size_t curvature_offset) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(t) * t) return;
  const std::size_t row = idx % t, col = idx / t;
  if (row >= col) return;
  Real* f = at<Real>(replicas + blockIdx.y * stride, curvature_offset);
  f[idx] = f[col + row * t];
}

template <class Real>
__global__ void dense_residuals_kernel(PixelizedTables tb, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= tb.n) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  at<double>(replica, o.residuals)[i] = dense_residual_squared<Real>(
      at<Real>(replica, o.columns), tb.n, tb.parameters, i, at<double>(replica, o.solution), tb.data_over_sigma[i]);
}

__global__ void chi_squared_kernel(int count, int n, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= count) return;
  std::byte* replica = replicas + r * stride;
  *at<double>(replica, o.chi_squared) = ordered_sum(n, at<double>(replica, o.residuals));
}

// Step 5, sparse.
__global__ void sparse_weighted_kernel(PixelizedTables tb, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(tb.n) * kLight) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  at<double>(replica, o.weighted_light)[idx] = rn::mul(at<double>(replica, o.blurred_light)[idx], tb.inverse_variance[idx / kLight]);
}

// F[g, h] for h < 20 and D_g (h = 20), one thread each, in pixel order.
__global__ void light_block_kernel(PixelizedTables tb, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const int e = blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= kLight * (kLight + 1)) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  const int g = e % kLight, h = e / kLight;
  const double* weighted = at<double>(replica, o.weighted_light);
  if (h < kLight)
    at<double>(replica, o.curvature)[g + static_cast<std::size_t>(h) * tb.parameters] =
        light_block_sum(tb.n, weighted, g, at<double>(replica, o.blurred_light) + h, kLight);
  else
    at<double>(replica, o.data_vector)[g] = light_block_sum(tb.n, weighted, g, tb.data, 1);
}

// F[g, 20 + a] = F[20 + a, g] for g < 20 and D_{20 + a} (g = 20), one thread each.
__global__ void light_source_kernel(PixelizedTables tb, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const int e = blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= tb.sources * (kLight + 1)) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  const int a = e / (kLight + 1), g = e % (kLight + 1);
  const std::int32_t* offsets = at<std::int32_t>(replica, o.slot_offsets);
  const std::int32_t* slots = at<std::int32_t>(replica, o.slot_out);
  const double* map_weight = at<double>(replica, o.map_weight);
  const std::size_t t = static_cast<std::size_t>(tb.parameters);
  if (g < kLight) {
    const double value = mapped_sum(slots, map_weight, offsets[a], offsets[a + 1], at<double>(replica, o.projected) + g, kLight);
    double* f = at<double>(replica, o.curvature);
    f[g + (kLight + a) * t] = value;
    f[(kLight + a) + g * t] = value;
  } else {
    at<double>(replica, o.data_vector)[kLight + a] = mapped_sum(slots, map_weight, offsets[a], offsets[a + 1], tb.z, 1);
  }
}

// Row a = blockIdx.x of H: q_a = W~^T M[:, a] on the masked grid in shared
// memory (for each of a's pixels in order, one thread per forward offset --
// distinct offsets of one pixel are distinct pixels), then one thread per b.
__global__ void __launch_bounds__(kWTildeThreads)
    wtilde_kernel(PixelizedTables tb, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  extern __shared__ double q[];
  const int a = blockIdx.x;
  std::byte* replica = replicas + blockIdx.y * stride;
  for (int j = threadIdx.x; j < tb.n; j += kWTildeThreads) q[j] = 0.0;
  __syncthreads();
  const std::int32_t* offsets = at<std::int32_t>(replica, o.slot_offsets);
  const std::int32_t* slots = at<std::int32_t>(replica, o.slot_out);
  const double* map_weight = at<double>(replica, o.map_weight);
  for (int e = offsets[a]; e < offsets[a + 1]; ++e) {
    const int i = slots[e] / kSlots;
    const double weight = map_weight[slots[e]];
    const double* w_row = tb.w_values + static_cast<std::size_t>(i) * tb.window;
    for (int offset = threadIdx.x; offset < tb.window; offset += kWTildeThreads) {
      int dr, dc;
      forward_offset(offset, tb.reach_cols, dr, dc);
      const std::int32_t j = tb.canvas.neighbor(i, dr, dc);
      if (j >= 0) q[j] = rn::add(q[j], wtilde_term(w_row, offset, weight));
    }
    __syncthreads();
  }
  double* f = at<double>(replica, o.curvature);
  const std::size_t t = static_cast<std::size_t>(tb.parameters);
  for (int b = threadIdx.x; b < tb.sources; b += kWTildeThreads)
    f[(kLight + a) + (kLight + b) * t] = mapped_sum(slots, map_weight, offsets[b], offsets[b + 1], q, 1);
}

// F_ss = H + H^T: the thread of (a, b), b <= a, owns both entries.
__global__ void symmetrize_kernel(int sources, int t, std::byte* replicas, std::size_t stride, std::size_t curvature_offset) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(sources) * sources) return;
  const std::size_t a = idx % sources, b = idx / sources;
  if (b > a) return;
  double* f = at<double>(replicas + blockIdx.y * stride, curvature_offset);
  double& lower = f[(kLight + a) + (kLight + b) * t];
  double& upper = f[(kLight + b) + (kLight + a) * t];
  const double sum = rn::add(lower, upper);
  lower = sum;
  upper = sum;
}

__global__ void sparse_mapped_kernel(int n, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  at<double>(replica, o.mapped)[i] = mapped_source(at<std::int32_t>(replica, o.map_index), at<double>(replica, o.map_weight),
                                                   i, at<double>(replica, o.solution));
}

__global__ void sparse_residuals_kernel(PixelizedTables tb, std::byte* replicas, std::size_t stride, PixelizedOffsets o) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= tb.n) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  const double blurred = psf_apply(tb.canvas, tb.kernel, tb.kernel_rows, tb.kernel_cols, at<double>(replica, o.mapped), k);
  at<double>(replica, o.blurred)[k] = blurred;
  at<double>(replica, o.residuals)[k] = sparse_residual_squared(
      blurred, at<double>(replica, o.blurred_light) + static_cast<std::size_t>(k) * kLight,
      at<double>(replica, o.solution), tb.data[k], tb.noise[k]);
}

// ------------------------------------------------------- the likelihood
// Phases whose device time is read from events recorded between them.
enum DevicePhase : int { kLightPhase, kTracePhase, kMeshPhase, kSlotsPhase, kCurvaturePhase, kDownloadPhase,
                         kChiSquaredPhase, kDevicePhases };
const char* const kDevicePhaseNames[kDevicePhases] = {"device_light", "device_ray_tracing", "device_mesh",
                                                      "device_mapping", "device_curvature", "device_download",
                                                      "device_chi_squared"};

class CudaEvent {
 public:
  CudaEvent() { NSLAB_CUDA_CHECK(cudaEventCreate(&event_)); }
  ~CudaEvent() {
    if (event_ != nullptr && cudaEventDestroy(event_) != cudaSuccess) (void)cudaGetLastError();
  }
  CudaEvent(const CudaEvent&) = delete;
  CudaEvent& operator=(const CudaEvent&) = delete;
  cudaEvent_t get() const { return event_; }

 private:
  cudaEvent_t event_ = nullptr;
};

// The points of a slice one at a time on this thread when there is one
// (what `nslab eval --profile` runs: its phase timers then see the solve),
// else on the thread pool.
void for_each_point(std::size_t count, const std::function<void(std::size_t)>& body) {
  if (count == 1) body(0);
  else default_thread_pool().parallel_for(count, body);
}

template <class Real>
class CudaPixelizedLikelihood final : public Likelihood, public DevicePhaseTimes {
 public:
  CudaPixelizedLikelihood(std::shared_ptr<const MaskedImaging> imaging,
                          std::shared_ptr<const PixelizedSource> source, InversionFormulation formulation,
                          const std::string& context)
      : Likelihood(pixelized_parameter_names(), pixelized_prior()), imaging_(std::move(imaging)),
        source_(std::move(source)), plan_(*imaging_, *source_, formulation, std::is_same_v<Real, float>),
        workspace_allocator_(context), capacity_(slice_capacity(plan_)),
        staging_(kValuesPerPoint, capacity_) {
    const cudaStream_t stream = stream_.get();
    check_shared_memory();
    light_ = DeviceLightGrid(plan_.light, stream);
    light_psf_ = DevicePsfTables(plan_.light_psf, stream);
    if (plan_.transpose_psf) transpose_psf_ = DevicePsfTables(*plan_.transpose_psf, stream);
    const std::span<const std::int32_t> canvas = plan_.masked_psf->canvas();
    slim_ = device_copy(std::vector<std::int32_t>(canvas.begin(), canvas.end()), stream);
    origin_ = device_copy(plan_.canvas_origin, stream);
    kernel_ = device_copy(plan_.kernel, stream);
    image_y_ = device_copy(plan_.image_y, stream), image_x_ = device_copy(plan_.image_x, stream);
    weight_map_ = device_copy(plan_.weight_map, stream);
    inverse_sigma_ = device_copy(plan_.inverse_sigma, stream);
    weighted_data_ = device_copy(plan_.weighted_data, stream);
    data_over_sigma_ = device_copy(plan_.data_over_sigma, stream);
    inverse_variance_ = device_copy(plan_.inverse_variance, stream);
    data_ = device_copy(plan_.data, stream), noise_ = device_copy(plan_.noise, stream);
    if (plan_.w_tilde) {
      const auto z = plan_.w_tilde->weighted_data();
      const auto w = plan_.w_tilde->values();
      z_ = device_copy(std::vector<double>(z.begin(), z.end()), stream);
      w_values_ = device_copy(std::vector<double>(w.begin(), w.end()), stream);
    }
    tables_ = {image_y_.data(), image_x_.data(), weight_map_.data(), inverse_sigma_.data(), weighted_data_.data(),
               data_over_sigma_.data(), inverse_variance_.data(), data_.data(), noise_.data(), z_.data(),
               w_values_.data(), kernel_.data(),
               MaskedCanvas{slim_.data(), origin_.data(), static_cast<int>(plan_.masked_psf->canvas_cols())},
               plan_.n, plan_.blurring, plan_.sources, plan_.parameters, plan_.side,
               imaging_->psf_kernel.rows, imaging_->psf_kernel.cols, plan_.window_values(), plan_.reach_cols()};
    // CUB's sort workspace, sized once for the largest sort (fixed overhead:
    // the replicas' sorts run one after another on the stream).
    std::size_t key_sort = 0, slot_sort = 0;
    NSLAB_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, key_sort, static_cast<const double*>(nullptr),
                                                     static_cast<double*>(nullptr), static_cast<const std::int32_t*>(nullptr),
                                                     static_cast<std::int32_t*>(nullptr), plan_.n));
    NSLAB_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, slot_sort, static_cast<const std::uint32_t*>(nullptr),
                                                     static_cast<std::uint32_t*>(nullptr), static_cast<const std::int32_t*>(nullptr),
                                                     static_cast<std::int32_t*>(nullptr), kSlots * plan_.n));
    sort_workspace_bytes_ = std::max<std::size_t>(std::max(key_sort, slot_sort), 1);
    sort_workspace_ = TrackedBuffer<std::byte>(sort_workspace_bytes_, device_allocator());
    slot_key_bits_ = 1;
    while ((1 << slot_key_bits_) <= plan_.sources) ++slot_key_bits_;  // keys 0..sources
    if (plan_.dense()) handles_ = std::make_unique<DenseSolverHandles>(stream);

    // The host side of a slice.
    const std::size_t t = static_cast<std::size_t>(plan_.parameters);
    host_curvature_ = PinnedHostBuffer<Real>(capacity_ * t * t);
    host_data_vector_ = PinnedHostBuffer<double>(capacity_ * t);
    host_solution_ = PinnedHostBuffer<double>(capacity_ * t);
    host_status_ = PinnedHostBuffer<std::int32_t>(capacity_);
    host_chi_squared_ = PinnedHostBuffer<double>(capacity_);
    if (plan_.rows_upload_bytes > 0) host_rows_upload_ = PinnedHostBuffer<std::byte>(capacity_ * plan_.rows_upload_bytes);
    host_rows_.resize(capacity_ * kValuesPerPoint);
    for (std::size_t p = 0; p < capacity_; ++p) host_points_.emplace_back(plan_);
    prepared_.resize(capacity_), solutions_.resize(capacity_);
  }

  std::size_t bytes_per_replica() const override { return plan_.bytes_per_replica; }
  Allocator& workspace_allocator() const override { return workspace_allocator_.get(bytes_per_replica()); }
  std::map<std::string, double> sizes() const override { return pixelized_sizes(*imaging_, plan_); }

  std::map<std::string, double> evaluation_parts(std::span<const double> theta) const override {
    Workspace workspace(workspace_allocator());
    workspace.reserve(1, bytes_per_replica());
    std::lock_guard lock(mutex_);
    evaluate_slice(theta, 1, workspace, 0);
    return pixelized_parts(point_parts(0));
  }

  std::map<std::string, double> phase_ms() const override {
    std::lock_guard lock(mutex_);
    std::map<std::string, double> out = phase_ms_;
    out["slices"] = static_cast<double>(slices_);
    out["points"] = static_cast<double>(points_);
    return out;
  }
  void reset_phase_ms() override {
    std::lock_guard lock(mutex_);
    phase_ms_.clear(), slices_ = 0, points_ = 0;
  }

 private:
  // As many points per slice as kSliceHostBudget holds (F, H, the solve's scratch), 1 to 64.
  static std::size_t slice_capacity(const PixelizedPlan& plan) {
    const std::size_t t = static_cast<std::size_t>(plan.parameters), s = static_cast<std::size_t>(plan.sources);
    const std::size_t per_point = t * t * sizeof(Real) + s * s * sizeof(double) + host_solve_scratch_bytes(plan.layout);
    return std::clamp<std::size_t>(kSliceHostBudget / per_point, 1, 64);
  }

  void check_shared_memory() const {
    if (plan_.dense()) return;
    int device = 0, limit = 0;
    NSLAB_CUDA_CHECK(cudaGetDevice(&device));
    NSLAB_CUDA_CHECK(cudaDeviceGetAttribute(&limit, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
    const std::size_t needed = static_cast<std::size_t>(plan_.n) * sizeof(double);
    if (needed > static_cast<std::size_t>(limit))
      throw RunError("inversion=sparse with backend=cuda keeps one image of the " + std::to_string(plan_.n) +
                     " masked pixels per block in shared memory (" + std::to_string(needed) +
                     " bytes); this device allows " + std::to_string(limit) + " per block: use inversion=dense");
    NSLAB_CUDA_CHECK(cudaFuncSetAttribute(wtilde_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                          static_cast<int>(needed)));
  }

  void do_evaluate(std::span<const double> points, std::span<double> log_l, Workspace& workspace) const override {
    require_device_workspace(workspace, bytes_per_replica());
    std::lock_guard lock(mutex_);
    const std::size_t d = dim();
    for (std::size_t begin = 0; begin < log_l.size(); begin += capacity_) {
      const std::size_t count = std::min(capacity_, log_l.size() - begin);
      evaluate_slice(points.subspan(begin * d, count * d), count, workspace, begin);
      for (std::size_t p = 0; p < count; ++p) log_l[begin + p] = point_parts(p).figure_of_merit;
    }
  }

  FitParts point_parts(std::size_t p) const {
    const bool solved = solutions_[p].solved;
    return fit_parts(solved ? host_chi_squared_[p] : 0.0, imaging_->noise_normalization, solutions_[p], true);
  }

  // Time since `start` into the host phase `name`.
  void add_host_time(const char* name, std::chrono::steady_clock::time_point start) const {
    phase_ms_[name] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  void mark(int boundary) const { NSLAB_CUDA_CHECK(cudaEventRecord(events_[boundary].get(), stream_.get())); }

  // The whole algorithm for `count` points in replicas [first, first + count).
  void evaluate_slice(std::span<const double> points, std::size_t count, const Workspace& workspace,
                      std::size_t first) const {
    const cudaStream_t stream = stream_.get();
    std::byte* replicas = workspace.replica(first);
    const std::size_t stride = workspace.stride_bytes();
    const PixelizedPlan& p = plan_;
    const PixelizedOffsets& o = p.offsets;
    const unsigned grid_y = static_cast<unsigned>(count);
    const std::size_t n = static_cast<std::size_t>(p.n), t = static_cast<std::size_t>(p.parameters);
    const std::size_t d = dim();

    auto host_start = std::chrono::steady_clock::now();
    for_each_point(count, [&](std::size_t q) {
      prepared_[q] = host_points_[q].prepare(p, *source_, points.subspan(q * d, d), host_rows_.data() + q * kValuesPerPoint,
                                             p.rows_upload_bytes > 0 ? host_rows_upload_.data() + q * p.rows_upload_bytes : nullptr);
    });
    add_host_time("host_prepare", host_start);
    const double* rows = staging_.upload(std::span<const double>(host_rows_.data(), count * kValuesPerPoint), stream);
    if (p.rows_upload_bytes > 0)  // Delaunay: the host located the traced grid
      NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(replicas + o.map_index, stride, host_rows_upload_.data(), p.rows_upload_bytes,
                                         p.rows_upload_bytes, count, cudaMemcpyHostToDevice, stream));
    mark(0);
    clear_status_kernel<<<blocks_for(count, kThreads), kThreads, 0, stream>>>(static_cast<int>(count), replicas, stride, o.status);
    NSLAB_CUDA_CHECK_LAUNCH();
    light_kernel<<<dim3(blocks_for(n + p.blurring, kLightThreads), grid_y), kLightThreads, 0, stream>>>(
        rows, light_.geometry, replicas, stride, o.light);
    NSLAB_CUDA_CHECK_LAUNCH();
    psf_kernels::convolve<double, kLight>(p.light_psf, light_psf_.geometry, replicas, stride, grid_y, o.light,
                                          o.light_pass, o.blurred_light, stream);
    mark(1);
    if (p.mesh == PixelizedMesh::kRectangular) {
      trace_kernel<<<dim3(blocks_for(n, kThreads), grid_y), kThreads, 0, stream>>>(rows, tables_, replicas, stride, o);
      NSLAB_CUDA_CHECK_LAUNCH();
    }
    mark(2);
    if (p.mesh == PixelizedMesh::kRectangular) rectangular_rows(count, replicas, stride);
    mark(3);
    const int slots = kSlots * p.n;
    slot_keys_kernel<<<dim3(blocks_for(slots, kThreads), grid_y), kThreads, 0, stream>>>(slots, p.sources, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    sort_pairs<std::uint32_t>(count, replicas, stride, o.slot_key_in, o.slot_key_out, o.slot_in, o.slot_out, slots,
                              slot_key_bits_);
    slot_offsets_kernel<<<dim3(blocks_for(p.sources + 1, kThreads), grid_y), kThreads, 0, stream>>>(slots, p.sources, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    mark(4);
    if (p.dense()) dense_equations(count, replicas, stride);
    else sparse_equations(count, replicas, stride);
    mark(5);
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(host_curvature_.data(), t * t * sizeof(Real), replicas + o.curvature, stride,
                                       t * t * sizeof(Real), count, cudaMemcpyDeviceToHost, stream));
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(host_data_vector_.data(), t * sizeof(double), replicas + o.data_vector, stride,
                                       t * sizeof(double), count, cudaMemcpyDeviceToHost, stream));
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(host_status_.data(), sizeof(std::int32_t), replicas + o.status, stride,
                                       sizeof(std::int32_t), count, cudaMemcpyDeviceToHost, stream));
    mark(6);
    NSLAB_CUDA_CHECK(cudaStreamSynchronize(stream));

    host_start = std::chrono::steady_clock::now();
    for_each_point(count, [&](std::size_t q) {
      double* solution = host_solution_.data() + q * t;
      if (prepared_[q] && host_status_[q] == 0) {
        solutions_[q] = host_points_[q].template solve<Real>(p, host_curvature_.data() + q * t * t,
                                                             host_data_vector_.data() + q * t, solution);
      } else {
        solutions_[q] = InversionSolution{};  // the CPU's fit stopped before the solve: -inf
        std::fill(solution, solution + t, 0.0);
      }
    });
    add_host_time("host_solve", host_start);

    mark(7);
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(replicas + o.solution, stride, host_solution_.data(), t * sizeof(double),
                                       t * sizeof(double), count, cudaMemcpyHostToDevice, stream));
    if (p.dense()) {
      dense_residuals_kernel<Real><<<dim3(blocks_for(n, kThreads), grid_y), kThreads, 0, stream>>>(tables_, replicas, stride, o);
    } else {
      sparse_mapped_kernel<<<dim3(blocks_for(n, kThreads), grid_y), kThreads, 0, stream>>>(p.n, replicas, stride, o);
      NSLAB_CUDA_CHECK_LAUNCH();
      sparse_residuals_kernel<<<dim3(blocks_for(n, kThreads), grid_y), kThreads, 0, stream>>>(tables_, replicas, stride, o);
    }
    NSLAB_CUDA_CHECK_LAUNCH();
    chi_squared_kernel<<<blocks_for(count, kThreads), kThreads, 0, stream>>>(static_cast<int>(count), p.n, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(host_chi_squared_.data(), sizeof(double), replicas + o.chi_squared, stride,
                                       sizeof(double), count, cudaMemcpyDeviceToHost, stream));
    mark(8);
    NSLAB_CUDA_CHECK(cudaStreamSynchronize(stream));

    // Device time per phase: between consecutive marks (0-6), and 7-8.
    for (int phase = 0; phase < kDevicePhases; ++phase) {
      const int from = phase < kChiSquaredPhase ? phase : 7, to = from + 1;
      float ms = 0.0f;
      NSLAB_CUDA_CHECK(cudaEventElapsedTime(&ms, events_[from].get(), events_[to].get()));
      phase_ms_[kDevicePhaseNames[phase]] += ms;
    }
    ++slices_, points_ += count;
  }

  // CUB's stable radix sort of each replica's (key, int) pairs on key bits
  // [0, key_bits), one call per replica (one shape: the same kernels for any batch).
  template <class Key>
  void sort_pairs(std::size_t count, std::byte* replicas, std::size_t stride, std::size_t keys_in,
                  std::size_t keys_out, std::size_t values_in, std::size_t values_out, int items, int key_bits) const {
    for (std::size_t r = 0; r < count; ++r) {
      std::byte* replica = replicas + r * stride;
      std::size_t bytes = sort_workspace_bytes_;
      NSLAB_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(
          sort_workspace_.data(), bytes, reinterpret_cast<const Key*>(replica + keys_in),
          reinterpret_cast<Key*>(replica + keys_out), reinterpret_cast<const std::int32_t*>(replica + values_in),
          reinterpret_cast<std::int32_t*>(replica + values_out), items, 0, key_bits, stream_.get()));
    }
  }

  void rectangular_rows(std::size_t count, std::byte* replicas, std::size_t stride) const {
    const cudaStream_t stream = stream_.get();
    const PixelizedPlan& p = plan_;
    const PixelizedOffsets& o = p.offsets;
    const unsigned grid_y = static_cast<unsigned>(count);
    const std::size_t n = static_cast<std::size_t>(p.n);
    rectangular_statistics_kernel<<<blocks_for(count, 32), 32, 0, stream>>>(static_cast<int>(count), p.n, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    for (int axis = 0; axis < 2; ++axis) {
      rectangular_keys_kernel<<<dim3(blocks_for(n, kThreads), grid_y), kThreads, 0, stream>>>(axis, p.n, replicas, stride, o);
      NSLAB_CUDA_CHECK_LAUNCH();
      sort_pairs<double>(count, replicas, stride, o.key_in, o.key_out, o.order_in, o.order_out, p.n, 64);
      rectangular_prefix_kernel<<<blocks_for(count, 32), 32, 0, stream>>>(static_cast<int>(count), p.n,
                                                                          weight_map_.data(), replicas, stride, o);
      NSLAB_CUDA_CHECK_LAUNCH();
      rectangular_transform_kernel<<<dim3(blocks_for(n, kThreads), grid_y), kThreads, 0, stream>>>(axis, p.n, replicas, stride, o);
      NSLAB_CUDA_CHECK_LAUNCH();
    }
    rectangular_rows_kernel<<<dim3(blocks_for(n, kThreads), grid_y), kThreads, 0, stream>>>(p.n, p.side, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
  }

  void dense_equations(std::size_t count, std::byte* replicas, std::size_t stride) const {
    const cudaStream_t stream = stream_.get();
    const PixelizedPlan& p = plan_;
    const PixelizedOffsets& o = p.offsets;
    const unsigned grid_y = static_cast<unsigned>(count);
    const std::size_t n = static_cast<std::size_t>(p.n), t = static_cast<std::size_t>(p.parameters);
    dense_light_columns_kernel<Real><<<dim3(blocks_for(n * kLight, kThreads), grid_y), kThreads, 0, stream>>>(p.n, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    dense_source_column_kernel<Real><<<dim3(p.sources, grid_y), kScatterThreads, 0, stream>>>(tables_, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    dense_scale_kernel<Real><<<dim3(blocks_for(t, kThreads), grid_y), kThreads, 0, stream>>>(tables_, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    const Real one = 1, zero = 0;
    for (std::size_t r = 0; r < count; ++r) {
      std::byte* replica = replicas + r * stride;
      NSLAB_CUBLAS_CHECK(blas_syrk(handles_->cublas(), CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_T, p.parameters, p.n, &one,
                                   reinterpret_cast<const Real*>(replica + o.columns), p.n, &zero,
                                   reinterpret_cast<Real*>(replica + o.curvature), p.parameters));
    }
    mirror_kernel<Real><<<dim3(blocks_for(t * t, kThreads), grid_y), kThreads, 0, stream>>>(p.parameters, replicas, stride, o.curvature);
    NSLAB_CUDA_CHECK_LAUNCH();
  }

  void sparse_equations(std::size_t count, std::byte* replicas, std::size_t stride) const {
    const cudaStream_t stream = stream_.get();
    const PixelizedPlan& p = plan_;
    const PixelizedOffsets& o = p.offsets;
    const unsigned grid_y = static_cast<unsigned>(count);
    const std::size_t n = static_cast<std::size_t>(p.n), s = static_cast<std::size_t>(p.sources);
    sparse_weighted_kernel<<<dim3(blocks_for(n * kLight, kThreads), grid_y), kThreads, 0, stream>>>(tables_, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    light_block_kernel<<<dim3(blocks_for(kLight * (kLight + 1), kThreads), grid_y), kThreads, 0, stream>>>(tables_, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    psf_kernels::convolve<double, kLight>(*p.transpose_psf, transpose_psf_.geometry, replicas, stride, grid_y,
                                          o.weighted_light, o.projected_pass, o.projected, stream);
    light_source_kernel<<<dim3(blocks_for(s * (kLight + 1), kThreads), grid_y), kThreads, 0, stream>>>(tables_, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    wtilde_kernel<<<dim3(p.sources, grid_y), kWTildeThreads, n * sizeof(double), stream>>>(tables_, replicas, stride, o);
    NSLAB_CUDA_CHECK_LAUNCH();
    symmetrize_kernel<<<dim3(blocks_for(s * s, kThreads), grid_y), kThreads, 0, stream>>>(p.sources, p.parameters, replicas,
                                                                                           stride, o.curvature);
    NSLAB_CUDA_CHECK_LAUNCH();
  }

  std::shared_ptr<const MaskedImaging> imaging_;
  std::shared_ptr<const PixelizedSource> source_;
  PixelizedPlan plan_;
  LazyWorkspaceAllocator workspace_allocator_;
  std::size_t capacity_;
  CudaStream stream_;
  mutable DeviceBatchStaging staging_;
  DeviceLightGrid light_;
  DevicePsfTables light_psf_, transpose_psf_;
  TrackedBuffer<std::int32_t> slim_;
  TrackedBuffer<std::int64_t> origin_;
  TrackedBuffer<double> kernel_, image_y_, image_x_, weight_map_, inverse_sigma_, weighted_data_, data_over_sigma_,
      inverse_variance_, data_, noise_, z_, w_values_;
  PixelizedTables tables_{};
  mutable TrackedBuffer<std::byte> sort_workspace_;
  std::size_t sort_workspace_bytes_ = 0;
  int slot_key_bits_ = 1;
  std::unique_ptr<DenseSolverHandles> handles_;
  CudaEvent events_[9];
  // Host side of a slice (guarded by mutex_).
  mutable PinnedHostBuffer<Real> host_curvature_;
  mutable PinnedHostBuffer<double> host_data_vector_, host_solution_, host_chi_squared_;
  mutable PinnedHostBuffer<std::int32_t> host_status_;
  mutable PinnedHostBuffer<std::byte> host_rows_upload_;
  mutable std::vector<double> host_rows_;
  mutable std::vector<PixelizedHostPoint> host_points_;
  mutable std::vector<std::uint8_t> prepared_;  // not vector<bool>: threads write neighbours
  mutable std::vector<InversionSolution> solutions_;
  mutable std::map<std::string, double> phase_ms_;
  mutable std::size_t slices_ = 0, points_ = 0;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Likelihood> make_cuda_pixelized_likelihood(std::shared_ptr<const MaskedImaging> imaging,
                                                           std::shared_ptr<const PixelizedSource> source,
                                                           InversionFormulation formulation,
                                                           Precision precision, const std::string& context) {
  require_cuda_device("the pixelized imaging models with backend=cuda");
  if (precision == Precision::kFp32)
    return std::make_unique<CudaPixelizedLikelihood<float>>(std::move(imaging), std::move(source), formulation, context);
  return std::make_unique<CudaPixelizedLikelihood<double>>(std::move(imaging), std::move(source), formulation, context);
}

}  // namespace nslab
