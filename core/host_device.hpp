#pragma once
// Marks functions that must compile for both the host and a CUDA device, so
// the same RNG, profile and likelihood-step code runs in CPU and GPU builds
// (docs/gpu.md).
#if defined(__CUDACC__)
#define NSLAB_HOST_DEVICE __host__ __device__
#define NSLAB_UNROLL _Pragma("unroll")
#else
#define NSLAB_HOST_DEVICE
#define NSLAB_UNROLL
#endif
