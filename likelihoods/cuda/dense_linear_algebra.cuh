#pragma once
// cuBLAS and cuSOLVER for device likelihoods (CUDA-only header): checking
// macros, handles bound to a likelihood's stream with tracked workspaces, and
// precision-overloaded wrappers so templates call one name for float/double.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusolverDn.h>

#include <cstddef>

#include "core/tracked_buffer.hpp"

namespace nslab::cuda_detail {
[[noreturn]] void throw_library_error(const char* library, int status, const char* status_name,
                                      const char* call, const char* file, int line);
}  // namespace nslab::cuda_detail

#define NSLAB_CUBLAS_CHECK(call)                                                          \
  do {                                                                                    \
    const cublasStatus_t nslab_cublas_status_ = (call);                                   \
    if (nslab_cublas_status_ != CUBLAS_STATUS_SUCCESS)                                    \
      ::nslab::cuda_detail::throw_library_error("cuBLAS", nslab_cublas_status_,           \
                                                cublasGetStatusName(nslab_cublas_status_), \
                                                #call, __FILE__, __LINE__);               \
  } while (0)

#define NSLAB_CUSOLVER_CHECK(call)                                                              \
  do {                                                                                          \
    const cusolverStatus_t nslab_cusolver_status_ = (call);                                     \
    if (nslab_cusolver_status_ != CUSOLVER_STATUS_SUCCESS)                                      \
      ::nslab::cuda_detail::throw_library_error("cuSOLVER", nslab_cusolver_status_, "", #call, \
                                                __FILE__, __LINE__);                            \
  } while (0)

namespace nslab {

// cuBLAS and cuSOLVER handles on one stream. cuBLAS gets an explicit
// workspace from the tracked device allocator (32 MiB, NVIDIA's recommended
// size for Hopper), so it shows up in the fixed overhead instead of being
// taken behind the meter's back. Atomics stay disallowed (cuBLAS's default,
// set explicitly): results are then bit-reproducible run to run.
class DenseSolverHandles {
 public:
  static constexpr std::size_t kCublasWorkspaceBytes = 32u << 20;

  explicit DenseSolverHandles(cudaStream_t stream);
  ~DenseSolverHandles();
  DenseSolverHandles(const DenseSolverHandles&) = delete;
  DenseSolverHandles& operator=(const DenseSolverHandles&) = delete;

  cublasHandle_t cublas() const { return cublas_; }
  cusolverDnHandle_t cusolver() const { return cusolver_; }

 private:
  cublasHandle_t cublas_ = nullptr;
  cusolverDnHandle_t cusolver_ = nullptr;
  TrackedBuffer<std::byte> cublas_workspace_;
};

// Column-major, as BLAS and LAPACK are; alpha/beta on the host.
inline cublasStatus_t blas_syrk(cublasHandle_t h, cublasFillMode_t uplo, cublasOperation_t trans,
                                int n, int k, const double* alpha, const double* a, int lda,
                                const double* beta, double* c, int ldc) {
  return cublasDsyrk(h, uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
}
inline cublasStatus_t blas_syrk(cublasHandle_t h, cublasFillMode_t uplo, cublasOperation_t trans,
                                int n, int k, const float* alpha, const float* a, int lda,
                                const float* beta, float* c, int ldc) {
  return cublasSsyrk(h, uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
}
inline cublasStatus_t blas_gemv(cublasHandle_t h, cublasOperation_t trans, int m, int n,
                                const double* alpha, const double* a, int lda, const double* x,
                                const double* beta, double* y) {
  return cublasDgemv(h, trans, m, n, alpha, a, lda, x, 1, beta, y, 1);
}
inline cublasStatus_t blas_gemv(cublasHandle_t h, cublasOperation_t trans, int m, int n,
                                const float* alpha, const float* a, int lda, const float* x,
                                const float* beta, float* y) {
  return cublasSgemv(h, trans, m, n, alpha, a, lda, x, 1, beta, y, 1);
}
inline cusolverStatus_t solver_potrf_buffer_size(cusolverDnHandle_t h, int n, double* a, int lda,
                                                 int* lwork) {
  return cusolverDnDpotrf_bufferSize(h, CUBLAS_FILL_MODE_LOWER, n, a, lda, lwork);
}
inline cusolverStatus_t solver_potrf_buffer_size(cusolverDnHandle_t h, int n, float* a, int lda,
                                                 int* lwork) {
  return cusolverDnSpotrf_bufferSize(h, CUBLAS_FILL_MODE_LOWER, n, a, lda, lwork);
}
inline cusolverStatus_t solver_potrf(cusolverDnHandle_t h, int n, double* a, int lda, double* work,
                                     int lwork, int* info) {
  return cusolverDnDpotrf(h, CUBLAS_FILL_MODE_LOWER, n, a, lda, work, lwork, info);
}
inline cusolverStatus_t solver_potrf(cusolverDnHandle_t h, int n, float* a, int lda, float* work,
                                     int lwork, int* info) {
  return cusolverDnSpotrf(h, CUBLAS_FILL_MODE_LOWER, n, a, lda, work, lwork, info);
}
inline cusolverStatus_t solver_potrs(cusolverDnHandle_t h, int n, const double* a, int lda,
                                     double* b, int ldb, int* info) {
  return cusolverDnDpotrs(h, CUBLAS_FILL_MODE_LOWER, n, 1, a, lda, b, ldb, info);
}
inline cusolverStatus_t solver_potrs(cusolverDnHandle_t h, int n, const float* a, int lda,
                                     float* b, int ldb, int* info) {
  return cusolverDnSpotrs(h, CUBLAS_FILL_MODE_LOWER, n, 1, a, lda, b, ldb, info);
}

}  // namespace nslab
