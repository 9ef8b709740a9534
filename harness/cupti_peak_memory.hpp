#pragma once
// The device high-water mark inside a run, from CUPTI activity records
// (the result's memory.peak_device_bytes on CUDA, docs/results.md).
//
// CUPTI reports every device allocation and release in the process -- ours,
// cuBLAS's and cuSOLVER's internal ones, memory pools -- with a timestamp, so
// the peak it gives includes what the tracking allocator cannot see. Records
// are buffered by CUPTI and flushed after a device synchronize when the run
// ends. Where CUPTI cannot start (no CUPTI, another tool owns it, a build
// without CUDA), the tracked peak is reported instead, and the note says why.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nslab {

struct DevicePeak {
  std::size_t bytes = 0;
  std::string source;  // "cupti" | "tracked"
  std::string note;    // why the tracked peak stands in; empty when it need not
};

// One allocation record, reduced to what the high-water mark needs.
struct DeviceMemoryEvent {
  enum class Kind { kAllocation, kRelease, kPoolSize };
  std::uint64_t timestamp = 0;  // [ns], CUPTI's clock
  Kind kind = Kind::kAllocation;
  std::uint64_t address = 0;    // the allocation's, or the pool's
  std::uint64_t bytes = 0;      // allocation size, or the pool's size from now on
};

// The largest device footprint inside [window_begin, window_end]: bytes of
// allocations made since recording started and not yet released, plus the
// current size of every memory pool. Releases of allocations made before
// recording started are ignored (they were never counted). Pure, for tests.
std::size_t device_memory_peak(std::vector<DeviceMemoryEvent> events, std::uint64_t window_begin,
                               std::uint64_t window_end);

// Records device allocations from construction (make it before the likelihood
// allocates its fixed data) to finish(). One at a time per process: CUPTI's
// activity buffers are process-wide.
class DevicePeakMonitor {
 public:
  explicit DevicePeakMonitor(bool enabled);  // enabled: the run's backend is cuda
  ~DevicePeakMonitor();
  DevicePeakMonitor(const DevicePeakMonitor&) = delete;
  DevicePeakMonitor& operator=(const DevicePeakMonitor&) = delete;

  // The sampler starts: the peak counts from here (the level here included).
  void begin_window();
  // The sampler has finished: synchronises the device, flushes CUPTI, stops
  // recording and returns the peak in the window, or `tracked_peak_bytes`
  // (the device meter's) with a note when CUPTI is unavailable.
  DevicePeak finish(std::size_t tracked_peak_bytes);

  bool recording() const { return recording_; }
  const std::string& unavailable_reason() const { return unavailable_reason_; }

 private:
  void stop();
  bool enabled_ = false;
  bool recording_ = false;
  std::string unavailable_reason_;
  std::uint64_t window_begin_ = 0;
};

}  // namespace nslab
