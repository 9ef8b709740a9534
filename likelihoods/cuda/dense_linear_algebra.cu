// Host code only; a .cu file so that only CUDA builds compile it.
#include "likelihoods/cuda/dense_linear_algebra.cuh"

#include <string>

#include "core/cuda/device_allocator.hpp"
#include "core/error.hpp"

namespace nslab {

namespace cuda_detail {
void throw_library_error(const char* library, int status, const char* status_name,
                         const char* call, const char* file, int line) {
  const std::string message = std::string(file) + ":" + std::to_string(line) + ": " + call +
                              " failed: " + library + " status " + std::to_string(status) +
                              (status_name[0] != '\0' ? std::string(" (") + status_name + ")" : "");
  const bool out_of_memory =
      (std::string(library) == "cuBLAS" && status == CUBLAS_STATUS_ALLOC_FAILED) ||
      (std::string(library) == "cuSOLVER" && status == CUSOLVER_STATUS_ALLOC_FAILED);
  if (out_of_memory) throw OutOfDeviceMemory("out of device memory: " + message);
  throw RunError(message);
}
}  // namespace cuda_detail

DenseSolverHandles::DenseSolverHandles(cudaStream_t stream)
    : cublas_workspace_(kCublasWorkspaceBytes, device_allocator()) {
  NSLAB_CUBLAS_CHECK(cublasCreate(&cublas_));
  try {
    // cublasSetStream resets the workspace to cuBLAS's own pool: set ours after it.
    NSLAB_CUBLAS_CHECK(cublasSetStream(cublas_, stream));
    NSLAB_CUBLAS_CHECK(cublasSetWorkspace(cublas_, cublas_workspace_.data(), kCublasWorkspaceBytes));
    NSLAB_CUBLAS_CHECK(cublasSetAtomicsMode(cublas_, CUBLAS_ATOMICS_NOT_ALLOWED));
    // No TF32 or other reduced-precision shortcuts for fp32 (the default, said explicitly).
    NSLAB_CUBLAS_CHECK(cublasSetMathMode(cublas_, CUBLAS_DEFAULT_MATH));
    NSLAB_CUSOLVER_CHECK(cusolverDnCreate(&cusolver_));
    NSLAB_CUSOLVER_CHECK(cusolverDnSetStream(cusolver_, stream));
  } catch (...) {
    if (cusolver_ != nullptr) cusolverDnDestroy(cusolver_);
    cublasDestroy(cublas_);
    throw;
  }
}

DenseSolverHandles::~DenseSolverHandles() {
  cusolverDnDestroy(cusolver_);
  cublasDestroy(cublas_);
}

}  // namespace nslab
