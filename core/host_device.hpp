#pragma once
// Marks functions that must compile for both the host and a CUDA device, so
// the same RNG and profile code runs in CPU and GPU builds.
#if defined(__CUDACC__)
#define NSLAB_HOST_DEVICE __host__ __device__
#else
#define NSLAB_HOST_DEVICE
#endif
