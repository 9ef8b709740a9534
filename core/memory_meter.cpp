#include "core/memory_meter.hpp"

namespace nslab {

void MemoryMeter::add(std::size_t bytes) {
  const std::size_t now = current_.fetch_add(bytes) + bytes;
  std::size_t peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
}

void MemoryMeter::remove(std::size_t bytes) { current_.fetch_sub(bytes); }

MemoryMeter& host_memory_meter() {
  static MemoryMeter meter;
  return meter;
}

MemoryMeter& device_memory_meter() {
  static MemoryMeter meter;
  return meter;
}

}  // namespace nslab
