// Host code only (cudaMalloc / cudaFree); a .cu file so that only CUDA builds
// compile it (cmake/NslabSources.cmake).
#include "core/cuda/device_allocator.hpp"

#include <cstdio>
#include <sstream>

#include "core/cuda/cuda_check.hpp"

namespace nslab {

int cuda_device_count(std::string* reason) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    (void)cudaGetLastError();
    if (reason != nullptr)
      *reason = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
    return 0;
  }
  if (count == 0 && reason != nullptr) *reason = "the CUDA runtime reports 0 devices";
  return count;
}

DeviceMemoryInfo device_memory_info() {
  DeviceMemoryInfo info;
  NSLAB_CUDA_CHECK(cudaMemGetInfo(&info.free_bytes, &info.total_bytes));
  return info;
}

std::string describe_bytes(std::size_t bytes) {
  std::ostringstream grouped;
  const std::string digits = std::to_string(bytes);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped << ',';
    grouped << digits[i];
  }
  char gib[32];
  std::snprintf(gib, sizeof gib, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return std::string(gib) + " (" + grouped.str() + " bytes)";
}

namespace {

// cudaMalloc, or nullptr with the error cleared when the device is full;
// every other failure throws through the checking macro.
void* try_device_malloc(std::size_t bytes) {
  void* pointer = nullptr;
  const cudaError_t status = cudaMalloc(&pointer, bytes);
  if (status == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();
    return nullptr;
  }
  NSLAB_CUDA_CHECK(status);
  return pointer;
}

// Never throws: it runs from destructors. A failed cudaFree means the context
// is already broken, and the error that broke it has been thrown elsewhere.
void device_free(void* pointer) noexcept {
  if (cudaFree(pointer) != cudaSuccess) (void)cudaGetLastError();
}

class FixedDeviceAllocator final : public Allocator {
 public:
  MemoryMeter& meter() override { return device_memory_meter(); }
  bool is_device() const override { return true; }
  std::size_t available_bytes() const override { return device_memory_info().free_bytes; }

 private:
  void* do_allocate(std::size_t bytes) override {
    if (void* pointer = try_device_malloc(bytes)) return pointer;
    const DeviceMemoryInfo info = device_memory_info();
    throw OutOfDeviceMemory("out of device memory: " + describe_bytes(bytes) +
                            " asked for a likelihood's fixed data, " +
                            describe_bytes(info.free_bytes) + " free of " +
                            describe_bytes(info.total_bytes));
  }
  void do_deallocate(void* pointer) override { device_free(pointer); }
};

}  // namespace

Allocator& device_allocator() {
  static FixedDeviceAllocator allocator;
  return allocator;
}

DeviceWorkspaceAllocator::DeviceWorkspaceAllocator(std::string context,
                                                   std::size_t bytes_per_replica)
    : context_(std::move(context)), bytes_per_replica_(aligned_bytes(bytes_per_replica)) {}

MemoryMeter& DeviceWorkspaceAllocator::meter() { return device_memory_meter(); }

std::size_t DeviceWorkspaceAllocator::available_bytes() const {
  return device_memory_info().free_bytes;
}

void* DeviceWorkspaceAllocator::do_allocate(std::size_t bytes) {
  if (void* pointer = try_device_malloc(bytes)) return pointer;
  // Workspace::reserve asks for k x aligned(bytes_per_replica) and has freed
  // its previous block first, so `free` is what a new k can use.
  const DeviceMemoryInfo info = device_memory_info();
  const std::size_t per_replica = bytes_per_replica_ > 0 ? bytes_per_replica_ : 1;
  const std::size_t asked = bytes / per_replica;
  const std::size_t fitting = info.free_bytes / per_replica;
  std::ostringstream message;
  message << "out of device memory"
          << (context_.empty() ? std::string() : " in " + context_) << ": a workspace of k = "
          << asked << " replicas x " << bytes_per_replica_
          << " bytes_per_replica = " << describe_bytes(bytes) << " asked, "
          << describe_bytes(info.free_bytes) << " free of " << describe_bytes(info.total_bytes)
          << "; k = " << fitting
          << " would fit (free bytes / bytes_per_replica): set chunk_size (NSS) or n_batch "
             "(Nautilus) to at most "
          << fitting;
  throw WorkspaceOutOfDeviceMemory(message.str(), asked, fitting);
}

void DeviceWorkspaceAllocator::do_deallocate(void* pointer) { device_free(pointer); }

}  // namespace nslab
