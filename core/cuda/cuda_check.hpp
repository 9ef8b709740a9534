#pragma once
// One checking macro for every CUDA runtime call and kernel launch (CUDA-only
// header: include it from .cu files or NSLAB_WITH_CUDA code). A failure throws
// (RunError, or OutOfDeviceMemory when the device is full) with the call, file
// and line, never aborts: a sweep records the failed cell and goes on.
#include <cuda_runtime.h>

namespace nslab::cuda_detail {
[[noreturn]] void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line);
}  // namespace nslab::cuda_detail

#define NSLAB_CUDA_CHECK(call)                                                              \
  do {                                                                                      \
    const cudaError_t nslab_cuda_status_ = (call);                                          \
    if (nslab_cuda_status_ != cudaSuccess)                                                  \
      ::nslab::cuda_detail::throw_cuda_error(nslab_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)

// After every kernel launch: launch errors (bad configuration, no kernel image
// for this card) surface here, at the launch's file and line.
#define NSLAB_CUDA_CHECK_LAUNCH() NSLAB_CUDA_CHECK(cudaGetLastError())
