#pragma once
// One allocation interface for host and device memory; every allocation is
// counted by the memory space's meter, so a likelihood's working memory is
// measured the same way on the CPU and the GPU.
#include <cstddef>

#include "core/memory_meter.hpp"

namespace nslab {

// Every allocation is rounded up to this many bytes; bytes_per_replica is
// stated in the same rounded units so it can be matched exactly.
inline constexpr std::size_t kAllocationAlignment = 256;

constexpr std::size_t aligned_bytes(std::size_t bytes) {
  return (bytes + kAllocationAlignment - 1) / kAllocationAlignment * kAllocationAlignment;
}

template <class T>
constexpr std::size_t aligned_array_bytes(std::size_t count) {
  return aligned_bytes(count * sizeof(T));
}

class Allocator {
 public:
  virtual ~Allocator() = default;
  // Throws RunError (host) or OutOfDeviceMemory (device) when it cannot.
  void* allocate(std::size_t bytes);
  void deallocate(void* pointer, std::size_t bytes);
  virtual MemoryMeter& meter() = 0;
  virtual bool is_device() const = 0;
  // Bytes this memory space could still hand out [bytes]: the budget that
  // chunk_size=auto / n_batch=auto and `nslab probe` fit k into. The host's
  // is host_memory_room() (MemAvailable, ulimit -v, the cgroup limit); a
  // device allocator reports the device's free memory.
  virtual std::size_t available_bytes() const;

 private:
  virtual void* do_allocate(std::size_t bytes) = 0;
  virtual void do_deallocate(void* pointer) = 0;
};

Allocator& host_allocator();

}  // namespace nslab
