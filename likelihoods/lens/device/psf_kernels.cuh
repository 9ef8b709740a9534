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

template <class Real, int Columns>
__global__ void row_pass(PsfGeometry g, std::byte* replicas, std::size_t stride,
                         std::size_t input_offset, std::size_t pass_offset) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (idx >= static_cast<std::size_t>(g.pass_rows) * g.pass_cols * Columns) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  reinterpret_cast<Real*>(replica + pass_offset)[idx] =
      row_pass_value<Real, Columns>(g, reinterpret_cast<const Real*>(replica + input_offset), idx);
}

template <class Real, int Columns>
__global__ void column_pass(PsfGeometry g, std::byte* replicas, std::size_t stride,
                            std::size_t pass_offset, std::size_t output_offset) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (idx >= static_cast<std::size_t>(g.masked) * Columns) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  reinterpret_cast<Real*>(replica + output_offset)[idx] =
      column_pass_value<Real, Columns>(g, reinterpret_cast<const Real*>(replica + pass_offset), idx);
}

template <class Real, int Columns>
__global__ void direct(PsfGeometry g, std::byte* replicas, std::size_t stride,
                       std::size_t input_offset, std::size_t output_offset) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (idx >= static_cast<std::size_t>(g.masked) * Columns) return;
  std::byte* replica = replicas + blockIdx.y * stride;
  reinterpret_cast<Real*>(replica + output_offset)[idx] =
      direct_value<Real, Columns>(g, reinterpret_cast<const Real*>(replica + input_offset), idx);
}

// The whole convolution of `count` replicas: the two passes (through
// pass_offset) for a separable kernel, else the direct sum.
template <class Real, int Columns>
void convolve(const PsfPlan& plan, const PsfGeometry& device_geometry, std::byte* replicas,
              std::size_t stride, unsigned count, std::size_t input_offset, std::size_t pass_offset,
              std::size_t output_offset, cudaStream_t stream) {
  const std::size_t outputs = static_cast<std::size_t>(plan.geometry.masked) * Columns;
  if (plan.separable) {
    row_pass<Real, Columns><<<dim3(blocks_for(plan.pass_entries(Columns), kThreads), count), kThreads, 0, stream>>>(
        device_geometry, replicas, stride, input_offset, pass_offset);
    NSLAB_CUDA_CHECK_LAUNCH();
    column_pass<Real, Columns><<<dim3(blocks_for(outputs, kThreads), count), kThreads, 0, stream>>>(
        device_geometry, replicas, stride, pass_offset, output_offset);
    NSLAB_CUDA_CHECK_LAUNCH();
  } else {
    direct<Real, Columns><<<dim3(blocks_for(outputs, kThreads), count), kThreads, 0, stream>>>(
        device_geometry, replicas, stride, input_offset, output_offset);
    NSLAB_CUDA_CHECK_LAUNCH();
  }
}

}  // namespace nslab::psf_kernels
