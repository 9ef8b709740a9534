// Host code only; a .cu file because CUDA-only sources of a floor are its .cu
// files (cmake/NslabSources.cmake), so the CPU build never sees cuda_runtime.h.
#include "core/cuda/cuda_check.hpp"

#include <string>

#include "core/error.hpp"

namespace nslab::cuda_detail {

void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  const std::string message = std::string(file) + ":" + std::to_string(line) + ": " + call +
                              " failed: " + cudaGetErrorName(status) + " (" +
                              cudaGetErrorString(status) + ")";
  if (status == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();  // not sticky: clear it so the process can go on
    throw OutOfDeviceMemory("out of device memory: " + message);
  }
  throw RunError(message);
}

}  // namespace nslab::cuda_detail
