#pragma once
// What every device likelihood shares (CUDA-only header): its own stream, the
// staging buffers a batch travels through, and the workspace allocator.
#include <cuda_runtime.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/cuda/cuda_check.hpp"
#include "core/cuda/device_allocator.hpp"
#include "core/memory_meter.hpp"
#include "core/tracked_buffer.hpp"
#include "core/workspace.hpp"

namespace nslab {

// A non-blocking stream owned by one likelihood: its work does not serialise
// against the legacy default stream, and a batch waits only for its own work.
class CudaStream {
 public:
  CudaStream();
  ~CudaStream();
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;
  cudaStream_t get() const { return stream_; }

 private:
  cudaStream_t stream_ = nullptr;
};

// Throws RunError naming `what` when no CUDA device can be used, so building a
// device likelihood on a machine without one fails with a clear message.
void require_cuda_device(const std::string& what);

// Throws std::logic_error unless the workspace holds device memory: a device
// likelihood must be handed a workspace made from its workspace_allocator().
void require_device_workspace(const Workspace& workspace, std::size_t bytes_per_replica);

// The batch's way to and from the device. The sampler keeps its points in host
// memory (docs/design.md, "The likelihood contract"), so they go over in slices
// of at most `capacity` points through buffers allocated once, at construction.
// That is fixed overhead, not per-replica memory: on the CPU the points live
// outside the workspace too, so bytes_per_replica stays exactly the CPU
// version's.
class DeviceBatchStaging {
 public:
  static constexpr std::size_t kDefaultCapacity = 1024;  // [points]

  explicit DeviceBatchStaging(std::size_t values_per_point,
                              std::size_t capacity = kDefaultCapacity);
  std::size_t capacity() const { return capacity_; }
  std::size_t values_per_point() const { return values_per_point_; }

  // Copies rows.size() / values_per_point rows to the device (stream-ordered).
  const double* upload(std::span<const double> rows, cudaStream_t stream);
  double* log_l() { return log_l_.data(); }  // capacity values, on the device
  int* flags() { return flags_.data(); }      // capacity values, on the device
  // Copies log_l.size() values back and waits for the stream.
  void download(std::span<double> log_l, cudaStream_t stream);

 private:
  std::size_t values_per_point_;
  std::size_t capacity_;
  TrackedBuffer<double> rows_;
  TrackedBuffer<double> log_l_;
  TrackedBuffer<int> flags_;
};

// The workspace allocator a device likelihood hands out: device memory with
// the likelihood's bytes_per_replica and cell in its out-of-memory message.
// Made on first use, because bytes_per_replica() is virtual and only callable
// once the likelihood is fully built.
class LazyWorkspaceAllocator {
 public:
  explicit LazyWorkspaceAllocator(std::string context) : context_(std::move(context)) {}
  Allocator& get(std::size_t bytes_per_replica) const;
  const std::string& context() const { return context_; }

 private:
  std::string context_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<DeviceWorkspaceAllocator> allocator_;
};

// A tracked device copy of a host table (fixed overhead), on `stream`, waited for.
// (At least one element, so an empty table still has an address.)
template <class T>
TrackedBuffer<T> device_copy(const std::vector<T>& values, cudaStream_t stream) {
  TrackedBuffer<T> buffer(std::max<std::size_t>(values.size(), 1), device_allocator());
  if (!values.empty())
    NSLAB_CUDA_CHECK(cudaMemcpyAsync(buffer.data(), values.data(), values.size() * sizeof(T),
                                     cudaMemcpyHostToDevice, stream));
  NSLAB_CUDA_CHECK(cudaStreamSynchronize(stream));
  return buffer;
}
// The same, each value converted to Real first (a float likelihood's tables).
template <class Real>
TrackedBuffer<Real> device_copy_as(const std::vector<double>& values, cudaStream_t stream) {
  return device_copy(std::vector<Real>(values.begin(), values.end()), stream);
}

// Blocks of `threads` that cover `work` items.
inline unsigned blocks_for(std::size_t work, int threads) {
  return static_cast<unsigned>((work + threads - 1) / threads);
}

// Page-locked host memory (cudaMallocHost), for copies that overlap device
// work and run at the bus's full rate; counted by the host memory meter.
template <class T>
class PinnedHostBuffer {
 public:
  PinnedHostBuffer() = default;
  explicit PinnedHostBuffer(std::size_t count) : count_(count) {
    if (count_ == 0) return;
    NSLAB_CUDA_CHECK(cudaMallocHost(reinterpret_cast<void**>(&data_), aligned_array_bytes<T>(count_)));
    host_memory_meter().add(aligned_array_bytes<T>(count_));
  }
  PinnedHostBuffer(const PinnedHostBuffer&) = delete;
  PinnedHostBuffer& operator=(const PinnedHostBuffer&) = delete;
  PinnedHostBuffer(PinnedHostBuffer&& other) noexcept { swap(other); }
  PinnedHostBuffer& operator=(PinnedHostBuffer&& other) noexcept {
    PinnedHostBuffer(std::move(other)).swap(*this);
    return *this;
  }
  ~PinnedHostBuffer() {
    if (data_ == nullptr) return;
    if (cudaFreeHost(data_) != cudaSuccess) (void)cudaGetLastError();
    host_memory_meter().remove(aligned_array_bytes<T>(count_));
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](std::size_t i) { return data_[i]; }
  std::size_t size() const { return count_; }

 private:
  void swap(PinnedHostBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(count_, other.count_);
  }
  T* data_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace nslab
