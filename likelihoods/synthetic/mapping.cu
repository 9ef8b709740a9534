// synthetic/mapping on the device: the same problem and the same per-replica
// memory as mapping.cpp (M, F, right-hand side / solution, model image).
//
// Per batch: zero each replica's M, scatter the bilinear weights (one thread
// per image pixel and replica), then per replica F = M^T M / sigma^2 by cuBLAS
// SYRK, rhs = M^T d / sigma^2 by GEMV, F += lambda I, Cholesky by cuSOLVER
// potrf, solve by potrs, model = M s by GEMV, and the residual with a
// fixed-order block reduction.
//
// Why one cuBLAS/cuSOLVER call per replica and not the strided-batched
// routines: their kernel choice depends on the batch count, so a point's
// value could change with the batch it shares. One call shape per replica
// keeps every point's arithmetic identical for any chunk_size. At the hst
// size each call (a 1500 x 15361 SYRK) fills the GPU on its own anyway.
//
// Fixed overhead (allocated at construction, tracked): image coordinates and
// data, the staging buffers, cuBLAS's workspace (32 MiB) and cuSOLVER's potrf
// workspace (lwork for an S x S matrix). Neither library workspace grows with
// k: the replicas go through the handles one after another on one stream.
#include <cmath>
#include <limits>
#include <mutex>

#include <math_constants.h>

#include "core/cuda/cuda_check.hpp"
#include "likelihoods/synthetic/mapping_cuda.hpp"
#include "likelihoods/cuda/dense_linear_algebra.cuh"
#include "likelihoods/cuda/device_batch.cuh"
#include "likelihoods/synthetic/mapping.hpp"

namespace nslab {
namespace {

// A point's row in the staging buffer: theta (4), then cos and sin of the
// rotation, computed on the host with the CPU version's own calls, so the
// traced positions (and with them M) are bit-identical to the CPU's.
constexpr int kValuesPerPoint = 6;
constexpr int kScatterThreads = 256;
constexpr int kResidualThreads = 256;  // fixed: the reduction order must not vary

struct SourceGrid {
  int rows, cols;
  double half_width;
};

struct MappingConstants {
  double noise_sigma;
  int image_pixels;
  double truth[4];
  double truth_width[4];
};

// trace_to_source and source_bilinear_weights (mapping_problem.cpp), with
// every operation rounded on its own (__d*_rn): nvcc would otherwise contract
// a*b+c into an FMA, which the x86-64 CPU build (no FMA, ISO C++ contraction
// off) does not do.
template <class Real>
__global__ void scatter_mapping_kernel(const double* rows, const double* image_y,
                                       const double* image_x, int image_pixels, SourceGrid grid,
                                       std::byte* replicas, std::size_t replica_stride) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= image_pixels) return;
  const double* row = rows + static_cast<std::size_t>(blockIdx.y) * kValuesPerPoint;
  const double scale = row[0], shift_y = row[2], shift_x = row[3], c = row[4], s = row[5];
  const double y = image_y[i], x = image_x[i];
  const double beta_y = __dadd_rn(__dmul_rn(scale, __dadd_rn(__dmul_rn(c, y), __dmul_rn(s, x))), shift_y);
  const double beta_x = __dadd_rn(__dmul_rn(scale, __dadd_rn(__dmul_rn(-s, y), __dmul_rn(c, x))), shift_x);
  const double w = grid.half_width;
  const double fy = __dmul_rn(__ddiv_rn(__dsub_rn(w, beta_y), __dmul_rn(2.0, w)), static_cast<double>(grid.rows - 1));
  const double fx = __dmul_rn(__ddiv_rn(__dadd_rn(beta_x, w), __dmul_rn(2.0, w)), static_cast<double>(grid.cols - 1));
  if (!(fy >= 0 && fy <= grid.rows - 1 && fx >= 0 && fx <= grid.cols - 1)) return;
  const int r0 = min(static_cast<int>(fy), grid.rows - 2);
  const int c0 = min(static_cast<int>(fx), grid.cols - 2);
  const double ty = __dsub_rn(fy, static_cast<double>(r0)), tx = __dsub_rn(fx, static_cast<double>(c0));
  const double one_ty = __dsub_rn(1.0, ty), one_tx = __dsub_rn(1.0, tx);
  // Column-major N_pix x S: the four corners are distinct columns, so every
  // entry is written by exactly one thread (no atomics, no order to fix).
  Real* mapping = reinterpret_cast<Real*>(replicas + blockIdx.y * replica_stride);
  const std::size_t n = static_cast<std::size_t>(image_pixels);
  const std::size_t corner = static_cast<std::size_t>(r0) * grid.cols + c0;
  mapping[i + corner * n] = static_cast<Real>(__dmul_rn(one_ty, one_tx));
  mapping[i + (corner + 1) * n] = static_cast<Real>(__dmul_rn(one_ty, tx));
  mapping[i + (corner + grid.cols) * n] = static_cast<Real>(__dmul_rn(ty, one_tx));
  mapping[i + (corner + grid.cols + 1) * n] = static_cast<Real>(__dmul_rn(ty, tx));
}

template <class Real>
__global__ void add_to_diagonal_kernel(int size, Real value, std::byte* replicas,
                                       std::size_t replica_stride, std::size_t offset) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= size) return;
  Real* matrix = reinterpret_cast<Real*>(replicas + blockIdx.y * replica_stride + offset);
  matrix[static_cast<std::size_t>(j) * size + j] += value;
}

// One block per replica; each thread sums a fixed stride of pixels in double,
// then a fixed tree: the order depends only on kResidualThreads.
template <class Real>
__global__ void residual_log_likelihood_kernel(const Real* data, const double* rows,
                                               const int* cholesky_info,
                                               MappingConstants constants, std::byte* replicas,
                                               std::size_t replica_stride,
                                               std::size_t model_offset, double* log_l) {
  __shared__ double partial[kResidualThreads];
  const int p = blockIdx.x;
  const Real* model = reinterpret_cast<const Real*>(replicas + p * replica_stride + model_offset);
  double sum = 0.0;
  for (int i = threadIdx.x; i < constants.image_pixels; i += kResidualThreads) {
    const double difference = static_cast<double>(data[i]) - static_cast<double>(model[i]);
    sum = __dadd_rn(sum, __dmul_rn(difference, difference));
  }
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int half = kResidualThreads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x != 0) return;
  if (cholesky_info[p] != 0) {  // as the CPU version: a failed factorisation is -inf
    log_l[p] = -CUDART_INF;
    return;
  }
  const double residual = __ddiv_rn(partial[0], __dmul_rn(constants.noise_sigma, constants.noise_sigma));
  const double* theta = rows + static_cast<std::size_t>(p) * kValuesPerPoint;
  double prior_term = 0.0;
  for (int k = 0; k < 4; ++k) {
    const double z = __ddiv_rn(__dsub_rn(theta[k], constants.truth[k]), constants.truth_width[k]);
    prior_term = __dadd_rn(prior_term, __dmul_rn(z, z));
  }
  log_l[p] = __dsub_rn(__dmul_rn(-0.5, prior_term),
                       __ddiv_rn(__dmul_rn(0.5, residual), static_cast<double>(constants.image_pixels)));
}

template <class Real>
class CudaMappingLikelihood final : public Likelihood {
 public:
  CudaMappingLikelihood(const std::string& instrument, const std::string& context)
      : Likelihood(MappingProblem::parameter_names(), MappingProblem::prior()),
        problem_(MappingProblem::make(MappingShape::for_instrument(instrument))),
        workspace_allocator_(context),
        handles_(stream_.get()),
        image_y_(device_copy_as<double>(problem_.image_y, stream_.get())),
        image_x_(device_copy_as<double>(problem_.image_x, stream_.get())),
        data_(device_copy_as<Real>(problem_.data, stream_.get())),
        staging_(kValuesPerPoint),
        solve_info_(1, device_allocator()) {
    const std::size_t n = problem_.image_pixels(), s = problem_.source_pixels();
    offset_curvature_ = aligned_array_bytes<Real>(n * s);
    offset_rhs_ = offset_curvature_ + aligned_array_bytes<Real>(s * s);
    offset_model_ = offset_rhs_ + aligned_array_bytes<Real>(s);
    // potrf's workspace depends only on S; size it now, on a scratch matrix,
    // so it is part of the fixed overhead before any run starts.
    int lwork = 0;
    {
      TrackedBuffer<Real> scratch(s * s, device_allocator());
      NSLAB_CUSOLVER_CHECK(solver_potrf_buffer_size(handles_.cusolver(), static_cast<int>(s),
                                                    scratch.data(), static_cast<int>(s), &lwork));
    }
    potrf_work_size_ = lwork;
    potrf_work_ = TrackedBuffer<Real>(static_cast<std::size_t>(std::max(lwork, 1)), device_allocator());
    constants_.noise_sigma = problem_.noise_sigma;
    constants_.image_pixels = static_cast<int>(n);
    for (int k = 0; k < 4; ++k) {
      constants_.truth[k] = problem_.truth[k];
      constants_.truth_width[k] = problem_.truth_width[k];
    }
  }

  // Exactly the CPU version's (mapping.cpp); the GPU test checks they agree.
  std::size_t bytes_per_replica() const override {
    const std::size_t n = problem_.image_pixels(), s = problem_.source_pixels();
    return aligned_array_bytes<Real>(n * s)    // mapping matrix M
           + aligned_array_bytes<Real>(s * s)  // curvature F, factorised in place
           + aligned_array_bytes<Real>(s)      // right-hand side, then solution
           + aligned_array_bytes<Real>(n);     // model image
  }
  Allocator& workspace_allocator() const override {
    return workspace_allocator_.get(bytes_per_replica());
  }

 private:
  void do_evaluate(std::span<const double> points, std::span<double> log_l,
                   Workspace& workspace) const override {
    require_device_workspace(workspace, bytes_per_replica());
    std::lock_guard lock(mutex_);
    const std::size_t d = dim();
    std::vector<double> rows;
    for (std::size_t begin = 0; begin < log_l.size(); begin += staging_.capacity()) {
      const std::size_t count = std::min(staging_.capacity(), log_l.size() - begin);
      rows.assign(count * kValuesPerPoint, 0.0);
      for (std::size_t p = 0; p < count; ++p) {
        const double* theta = points.data() + (begin + p) * d;
        for (std::size_t k = 0; k < d; ++k) rows[p * kValuesPerPoint + k] = theta[k];
        rows[p * kValuesPerPoint + 4] = std::cos(theta[1]);  // as trace_to_source
        rows[p * kValuesPerPoint + 5] = std::sin(theta[1]);
      }
      const double* device_rows = staging_.upload(rows, stream_.get());
      evaluate_slice(device_rows, count, workspace, begin);
      staging_.download(log_l.subspan(begin, count), stream_.get());
    }
  }

  void evaluate_slice(const double* device_rows, std::size_t count, const Workspace& workspace,
                      std::size_t first_replica) const {
    const cudaStream_t stream = stream_.get();
    const int n = static_cast<int>(problem_.image_pixels());
    const int s = static_cast<int>(problem_.source_pixels());
    std::byte* replicas = workspace.replica(first_replica);
    const std::size_t stride = workspace.stride_bytes();
    auto matrix = [&](std::size_t r, std::size_t offset) {
      return reinterpret_cast<Real*>(replicas + r * stride + offset);
    };
    const Real inverse_variance = static_cast<Real>(1.0 / (problem_.noise_sigma * problem_.noise_sigma));
    const Real one = 1, zero = 0;
    const unsigned replicas_in_grid = static_cast<unsigned>(count);

    for (std::size_t r = 0; r < count; ++r)
      NSLAB_CUDA_CHECK(cudaMemsetAsync(matrix(r, 0), 0, static_cast<std::size_t>(n) * s * sizeof(Real), stream));
    const SourceGrid grid{problem_.shape.source_rows, problem_.shape.source_cols,
                          problem_.source_half_width};
    scatter_mapping_kernel<Real><<<dim3((n + kScatterThreads - 1) / kScatterThreads, replicas_in_grid),
                                   kScatterThreads, 0, stream>>>(
        device_rows, image_y_.data(), image_x_.data(), n, grid, replicas, stride);
    NSLAB_CUDA_CHECK_LAUNCH();

    for (std::size_t r = 0; r < count; ++r) {
      const Real* mapping = matrix(r, 0);
      NSLAB_CUBLAS_CHECK(blas_syrk(handles_.cublas(), CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_T, s, n,
                                   &inverse_variance, mapping, n, &zero, matrix(r, offset_curvature_), s));
      NSLAB_CUBLAS_CHECK(blas_gemv(handles_.cublas(), CUBLAS_OP_T, n, s, &inverse_variance, mapping,
                                   n, data_.data(), &zero, matrix(r, offset_rhs_)));
    }
    add_to_diagonal_kernel<Real><<<dim3((s + kScatterThreads - 1) / kScatterThreads, replicas_in_grid),
                                   kScatterThreads, 0, stream>>>(
        s, static_cast<Real>(problem_.regularization), replicas, stride, offset_curvature_);
    NSLAB_CUDA_CHECK_LAUNCH();

    int* cholesky_info = staging_.flags();
    for (std::size_t r = 0; r < count; ++r) {
      Real* curvature = matrix(r, offset_curvature_);
      NSLAB_CUSOLVER_CHECK(solver_potrf(handles_.cusolver(), s, curvature, s, potrf_work_.data(),
                                        potrf_work_size_, cholesky_info + r));
      NSLAB_CUSOLVER_CHECK(solver_potrs(handles_.cusolver(), s, curvature, s, matrix(r, offset_rhs_),
                                        s, solve_info_.data()));
      NSLAB_CUBLAS_CHECK(blas_gemv(handles_.cublas(), CUBLAS_OP_N, n, s, &one, matrix(r, 0), n,
                                   matrix(r, offset_rhs_), &zero, matrix(r, offset_model_)));
    }
    residual_log_likelihood_kernel<Real><<<replicas_in_grid, kResidualThreads, 0, stream>>>(
        data_.data(), device_rows, cholesky_info, constants_, replicas, stride, offset_model_,
        staging_.log_l());
    NSLAB_CUDA_CHECK_LAUNCH();
  }

  MappingProblem problem_;
  LazyWorkspaceAllocator workspace_allocator_;
  CudaStream stream_;
  DenseSolverHandles handles_;
  TrackedBuffer<double> image_y_, image_x_;
  TrackedBuffer<Real> data_;
  mutable DeviceBatchStaging staging_;
  mutable TrackedBuffer<int> solve_info_;      // potrs reports only bad arguments here
  mutable TrackedBuffer<Real> potrf_work_;
  int potrf_work_size_ = 0;
  std::size_t offset_curvature_ = 0, offset_rhs_ = 0, offset_model_ = 0;
  MappingConstants constants_{};
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Likelihood> make_cuda_mapping_likelihood(const std::string& instrument,
                                                         Precision precision,
                                                         const std::string& context) {
  MappingShape::for_instrument(instrument);  // a bad size is a UsageError, device or not
  require_cuda_device("synthetic/mapping with backend=cuda");
  if (precision == Precision::kFp32)
    return std::make_unique<CudaMappingLikelihood<float>>(instrument, context);
  return std::make_unique<CudaMappingLikelihood<double>>(instrument, context);
}

}  // namespace nslab
