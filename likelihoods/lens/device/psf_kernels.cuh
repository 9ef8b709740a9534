#pragma once
// The PSF kernels (CUDA-only header): one thread per output entry of
// psf_steps.hpp, grid.y the replica. Each reads its columns at
// `input_offset` and writes at `output_offset` of its replica region, so the
// MGE and pixelized likelihoods launch the same kernels on their own layouts.
#include <cuda_runtime.h>

#include <cstddef>

#include "likelihoods/cuda/device_batch.cuh"
#include "likelihoods/lens/device/psf_plan.hpp"

namespace nslab::psf_kernels {

inline constexpr int kThreads = 256;

enum class Pass { kRow, kColumn, kDirect };

// One output entry per thread of the row pass, the column pass or the
// direct sum, reading `input_offset` and writing `output_offset`.
template <class Real, int Columns, Pass pass>
__global__ void entries(PsfGeometry g, std::byte* replicas, std::size_t stride, std::size_t count,
                        std::size_t input_offset, std::size_t output_offset) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (idx >= count) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  const Real* in = reinterpret_cast<const Real*>(replica + input_offset);
  Real* out = reinterpret_cast<Real*>(replica + output_offset);
  if constexpr (pass == Pass::kRow) out[idx] = row_pass_value<Real, Columns>(g, in, idx);
  else if constexpr (pass == Pass::kColumn) out[idx] = column_pass_value<Real, Columns>(g, in, idx);
  else out[idx] = direct_value<Real, Columns>(g, in, idx);
}

// The whole convolution of `count` replicas: the two passes (through
// pass_offset) for a separable kernel, else the direct sum.
template <class Real, int Columns>
void convolve(const PsfPlan& plan, const PsfGeometry& device_geometry, std::byte* replicas,
              std::size_t stride, unsigned count, std::size_t input_offset, std::size_t pass_offset,
              std::size_t output_offset, cudaStream_t stream) {
  const std::size_t outputs = static_cast<std::size_t>(plan.geometry.masked) * Columns;
  if (plan.separable) {
    const std::size_t passes = plan.pass_entries(Columns);
    entries<Real, Columns, Pass::kRow><<<dim3(blocks_for(passes, kThreads), count), kThreads, 0, stream>>>(
        device_geometry, replicas, stride, passes, input_offset, pass_offset);
    NSLAB_CUDA_CHECK_LAUNCH();
    entries<Real, Columns, Pass::kColumn><<<dim3(blocks_for(outputs, kThreads), count), kThreads, 0, stream>>>(
        device_geometry, replicas, stride, outputs, pass_offset, output_offset);
  } else {
    entries<Real, Columns, Pass::kDirect><<<dim3(blocks_for(outputs, kThreads), count), kThreads, 0, stream>>>(
        device_geometry, replicas, stride, outputs, input_offset, output_offset);
  }
  NSLAB_CUDA_CHECK_LAUNCH();
}

}  // namespace nslab::psf_kernels
