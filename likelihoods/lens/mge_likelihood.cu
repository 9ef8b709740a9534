// imaging/mge on the device: the model, prior and figure of merit of
// MgeLikelihood<Real> (mge_likelihood.cpp), batch by batch. This file holds
// the kernels (thin wrappers over the per-thread functions of
// device/mge_steps.hpp and device/psf_steps.hpp) and the likelihood that
// launches them; the tables and the replica layout are device/mge_plan.hpp;
// the same algorithm run on the host is
// tests/support/device_emulation/mge_emulation.cpp (docs/gpu.md).
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
//     mixed-precision recipe), each as kPixelSlices partial sums over fixed
//     pixel slices, then the slices summed in order. A hand kernel, not
//     cuBLAS: a 40 x 40 x 15,361 product per replica is one tiny GEMM per
//     call, while (slices x replicas) blocks fill the GPU, and the summation
//     order is fixed by construction.
//  4. F and D go to the host, where the CPU's own solve_inversion (1e-3 on
//     the diagonal, FNNLS) runs per replica on the thread pool
//     (device/host_solve.hpp). The solution s goes back.
//  5. chi^2 = sum_i (d_i / sigma_i - sum_j B~_ij s_j)^2 in double, then on the
//     host log L = -1/2 (chi^2 + noise normalisation) by fit_parts.
//
// Why the solve is on the host: FNNLS is a data-dependent active-set loop on
// 40 x 40 systems; the host version is the verified one (PyAutoLens parity),
// and on 16 cores it costs tens of microseconds per point.
//
// Fixed device overhead (tracked, allocated at construction): the grids,
// PSF tables and index canvas, 1/sigma, d x (1/sigma) for D and d / sigma for
// chi^2, and the staging buffers. No library workspaces. Host memory for the
// solve (F, D, s and FNNLS scratch per staged point) is host fixed overhead.
#include <algorithm>
#include <mutex>
#include <vector>

#include "core/cuda/cuda_check.hpp"
#include "core/thread_pool.hpp"
#include "likelihoods/cuda/device_batch.cuh"
#include "likelihoods/lens/device/host_solve.hpp"
#include "likelihoods/lens/device/mge_plan.hpp"
#include "likelihoods/lens/device/psf_kernels.cuh"
#include "likelihoods/lens/device/psf_tables.cuh"
#include "likelihoods/lens/mge_likelihood.hpp"
#include "likelihoods/lens/mge_likelihood_cuda.hpp"

namespace nslab {
namespace {

using namespace mge_device;

constexpr int kColumnThreads = 64;
constexpr std::size_t kStagingCapacity = 256;  // points per device slice

// Step 1: one thread per (pixel, replica). Each thread fills its pixel's 40
// values in shared memory; the block then writes its pixels' rows out
// contiguously (coalesced).
template <class Real>
__global__ void __launch_bounds__(kColumnThreads)
    columns_kernel(const double* rows, BasisGeometry g, std::byte* replicas, std::size_t stride) {
  __shared__ Real tile[kColumnThreads * kColumns];
  const int first = blockIdx.x * kColumnThreads;
  const int i = first + threadIdx.x;
  const int total = g.masked + g.blurring;
  const double* row = rows + static_cast<std::size_t>(blockIdx.y) * kValuesPerPoint;
  if (i < total) pixel_basis_columns<Real, 2>(row, kSourceFrame, g, i, tile + threadIdx.x * kColumns);
  __syncthreads();
  Real* columns = reinterpret_cast<Real*>(replicas + blockIdx.y * stride);
  const int count = min(kColumnThreads, total - first) * kColumns;
  for (int k = threadIdx.x; k < count; k += kColumnThreads)
    columns[static_cast<std::size_t>(first) * kColumns + k] = tile[k];
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
  NSLAB_UNROLL
  for (int m = 0; m < kEntriesPerThread; ++m) {
    const int e = threadIdx.x + m * kCurvatureThreads;
    if (e < kLowerEntries) partial[e] = sums[m];
  }
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
  for (int s = 0; s < kStripes; ++s) total = rn::add(total, sums[s][j]);
  reinterpret_cast<double*>(replica + partial_offset)[blockIdx.x * kColumns + j] = total;
}

__global__ void data_vector_final_kernel(std::byte* replicas, std::size_t stride,
                                         std::size_t partial_offset, std::size_t data_vector_offset) {
  std::byte* replica = replicas + blockIdx.x * stride;
  const double* partial = reinterpret_cast<const double*>(replica + partial_offset);
  const int j = threadIdx.x;
  double total = 0.0;
  for (int s = 0; s < kPixelSlices; ++s) total = rn::add(total, partial[s * kColumns + j]);
  reinterpret_cast<double*>(replica + data_vector_offset)[j] = total;
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
    if (threadIdx.x < half) partial[threadIdx.x] = rn::add(partial[threadIdx.x], partial[threadIdx.x + half]);
    __syncthreads();
  }
  if (threadIdx.x == 0) reinterpret_cast<double*>(replica + partial_offset)[blockIdx.x] = partial[0];
}

__global__ void chi_squared_final_kernel(int count, std::byte* replicas, std::size_t stride,
                                         std::size_t partial_offset, double* chi_squared) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= count) return;
  const double* partial = reinterpret_cast<const double*>(replicas + r * stride + partial_offset);
  double total = 0.0;
  for (int s = 0; s < kPixelSlices; ++s) total = rn::add(total, partial[s]);
  chi_squared[r] = total;
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
    light_ = DeviceLightGrid(plan_.light, stream);
    weighted_data_ = device_copy(plan_.weighted_data, stream);
    data_over_sigma_ = device_copy(plan_.data_over_sigma, stream);
    psf_ = DevicePsfTables(plan_.psf, stream);

    // The host side of the solve, one region per staged point.
    host_curvature_ = TrackedBuffer<Real>(kStagingCapacity * kColumns * kColumns);
    host_data_vector_ = TrackedBuffer<double>(kStagingCapacity * kColumns);
    host_solution_ = TrackedBuffer<double>(kStagingCapacity * kColumns);
    host_chi_squared_ = TrackedBuffer<double>(kStagingCapacity);
    solve_scratch_bytes_ = aligned_bytes(host_solve_scratch_bytes(layout_));
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
    mge_point_row(theta, row.data());
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
        mge_point_row(points.subspan((begin + p) * d, d), rows.data() + p * kValuesPerPoint);
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
        device_rows, light_.geometry, replicas, stride);
    NSLAB_CUDA_CHECK_LAUNCH();
    psf_kernels::convolve<Real, kColumns>(p.psf, psf_.geometry, replicas, stride, grid_y, 0, p.offset_pass,
                                          p.offset_blurred, stream);
    curvature_partial_kernel<Real><<<dim3(kPixelSlices, grid_y), kCurvatureThreads, 0, stream>>>(
        p.masked, replicas, stride, p.offset_blurred, p.offset_f_partial);
    NSLAB_CUDA_CHECK_LAUNCH();
    curvature_final_kernel<Real><<<dim3(blocks_for(kLowerEntries, 256), grid_y), 256, 0, stream>>>(
        replicas, stride, p.offset_f_partial, p.offset_curvature);
    NSLAB_CUDA_CHECK_LAUNCH();
    data_vector_partial_kernel<Real><<<dim3(kPixelSlices, grid_y), kColumns * kStripes, 0, stream>>>(
        p.masked, weighted_data_.data(), replicas, stride, p.offset_blurred, p.offset_d_partial);
    NSLAB_CUDA_CHECK_LAUNCH();
    data_vector_final_kernel<<<grid_y, kColumns, 0, stream>>>(replicas, stride, p.offset_d_partial, p.offset_d);
    NSLAB_CUDA_CHECK_LAUNCH();

    // Step 4: F and D to the host, the CPU's solve, s back.
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(host_curvature_.data(), kColumns * kColumns * sizeof(Real),
                                       replicas + p.offset_curvature, stride,
                                       kColumns * kColumns * sizeof(Real), count,
                                       cudaMemcpyDeviceToHost, stream));
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(host_data_vector_.data(), kColumns * sizeof(double),
                                       replicas + p.offset_d, stride, kColumns * sizeof(double),
                                       count, cudaMemcpyDeviceToHost, stream));
    NSLAB_CUDA_CHECK(cudaStreamSynchronize(stream));
    default_thread_pool().parallel_for(count, [&](std::size_t r) {
      const std::size_t s2 = static_cast<std::size_t>(kColumns) * kColumns;
      solutions_[r] = solve_on_host<Real>(layout_, host_curvature_.data() + r * s2,
                                          host_data_vector_.data() + r * kColumns, {},
                                          host_solution_.data() + r * kColumns,
                                          host_scratch_.data() + r * solve_scratch_bytes_,
                                          solve_scratch_bytes_);
    });
    NSLAB_CUDA_CHECK(cudaMemcpy2DAsync(replicas + p.offset_s, stride, host_solution_.data(),
                                       kColumns * sizeof(double), kColumns * sizeof(double), count,
                                       cudaMemcpyHostToDevice, stream));

    chi_squared_partial_kernel<Real><<<dim3(kPixelSlices, grid_y), kChiThreads, 0, stream>>>(
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
  MgePlan<Real> plan_;
  LinearParameterLayout layout_;
  DeviceLightGrid light_;
  TrackedBuffer<double> weighted_data_, data_over_sigma_;
  DevicePsfTables psf_;
  // Host side of the solve (guarded by mutex_).
  mutable TrackedBuffer<Real> host_curvature_;
  mutable TrackedBuffer<double> host_data_vector_, host_solution_, host_chi_squared_;
  mutable TrackedBuffer<std::byte> host_scratch_;
  std::size_t solve_scratch_bytes_ = 0;
  mutable std::vector<InversionSolution> solutions_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Likelihood> make_cuda_mge_likelihood(std::shared_ptr<const MaskedImaging> imaging,
                                                     Precision precision,
                                                     const std::string& context) {
  require_cuda_device("imaging/mge with backend=cuda");
  if (precision == Precision::kFp32)
    return std::make_unique<CudaMgeLikelihood<float>>(std::move(imaging), context);
  return std::make_unique<CudaMgeLikelihood<double>>(std::move(imaging), context);
}

}  // namespace nslab
