#pragma once
// Device memory through the tracking allocator: a device allocation is
// metered like a host one (docs/design.md, "The memory model").
//
// Plain cudaMalloc, never managed memory: managed pages can be evicted to the
// host, so a run that "fits" would hide its real footprint. Every byte is
// counted by device_memory_meter(). Declared in every build (no CUDA headers
// here); defined only in CUDA builds (core/cuda/device_allocator.cu).
#include <cstddef>
#include <string>

#include "core/allocator.hpp"
#include "core/error.hpp"

namespace nslab {

// How many CUDA devices this process can use. Never throws: 0 when there is
// no device or no driver, with the runtime's reason in `reason`.
int cuda_device_count(std::string* reason = nullptr);

struct DeviceMemoryInfo {
  std::size_t free_bytes = 0;   // [bytes] cudaMemGetInfo
  std::size_t total_bytes = 0;  // [bytes]
};
DeviceMemoryInfo device_memory_info();

// What a device likelihood keeps for the whole run (dataset, staging buffers,
// library workspaces): the fixed overhead of the memory model.
Allocator& device_allocator();

// A workspace of `replicas_asked` replicas did not fit; `replicas_fitting` is
// free bytes / bytes_per_replica at the moment it failed (the old workspace
// already released), i.e. the chunk_size / n_batch to ask for instead.
struct WorkspaceOutOfDeviceMemory : OutOfDeviceMemory {
  WorkspaceOutOfDeviceMemory(const std::string& message, std::size_t replicas_asked,
                             std::size_t replicas_fitting)
      : OutOfDeviceMemory(message), replicas_asked(replicas_asked),
        replicas_fitting(replicas_fitting) {}
  std::size_t replicas_asked;
  std::size_t replicas_fitting;
};

// The workspace allocator of one device likelihood. It knows the likelihood's
// bytes_per_replica and the cell it serves, so running out of memory says
// which k was asked for, how much was free and which k would fit.
class DeviceWorkspaceAllocator final : public Allocator {
 public:
  DeviceWorkspaceAllocator(std::string context, std::size_t bytes_per_replica);
  MemoryMeter& meter() override;
  bool is_device() const override { return true; }
  // The device's free memory (cudaMemGetInfo): the budget chunk_size=auto fits k into.
  std::size_t available_bytes() const override;

 private:
  void* do_allocate(std::size_t bytes) override;
  void do_deallocate(void* pointer) override;
  std::string context_;  // e.g. the cell id
  std::size_t bytes_per_replica_;
};

// "79.2 GiB (85,044,232,192 bytes)": sizes in messages, exact and readable.
std::string describe_bytes(std::size_t bytes);

}  // namespace nslab
