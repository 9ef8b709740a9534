#pragma once
// Counts the bytes a memory space (host or device) has handed out through
// nslab's allocators: current and high-water mark. This is how CPU runs
// measure memory, and the cross-check for CUPTI on CUDA.
#include <atomic>
#include <cstddef>

namespace nslab {

class MemoryMeter {
 public:
  void add(std::size_t bytes);
  void remove(std::size_t bytes);
  std::size_t current_bytes() const { return current_.load(); }
  std::size_t peak_bytes() const { return peak_.load(); }
  // Starts a new high-water window at the current level (for one run).
  void reset_peak() { peak_.store(current_.load()); }

 private:
  std::atomic<std::size_t> current_{0};
  std::atomic<std::size_t> peak_{0};
};

MemoryMeter& host_memory_meter();
MemoryMeter& device_memory_meter();

}  // namespace nslab
