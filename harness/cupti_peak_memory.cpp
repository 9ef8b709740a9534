// Compiled in every build; the CUPTI part only with NSLAB_WITH_CUDA, so that
// run_cell.cpp uses the monitor without an #if.
#include "harness/cupti_peak_memory.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>

#if defined(NSLAB_WITH_CUDA)
#include <cuda_runtime.h>
#include <cupti.h>
#endif

namespace nslab {

std::size_t device_memory_peak(std::vector<DeviceMemoryEvent> events, std::uint64_t window_begin,
                               std::uint64_t window_end) {
  // Buffers may arrive out of order; within one timestamp keep arrival order.
  std::stable_sort(events.begin(), events.end(),
                   [](const DeviceMemoryEvent& a, const DeviceMemoryEvent& b) {
                     return a.timestamp < b.timestamp;
                   });
  std::map<std::uint64_t, std::uint64_t> live, pools;
  std::uint64_t level = 0, peak = 0;
  bool window_open = false;
  for (const DeviceMemoryEvent& event : events) {
    if (event.timestamp > window_end) break;
    if (!window_open && event.timestamp >= window_begin) {
      window_open = true;
      peak = level;  // what was held when the window opened counts
    }
    switch (event.kind) {
      case DeviceMemoryEvent::Kind::kAllocation:
        if (auto old = live.find(event.address); old != live.end()) level -= old->second;
        live[event.address] = event.bytes;
        level += event.bytes;
        break;
      case DeviceMemoryEvent::Kind::kRelease:
        if (auto found = live.find(event.address); found != live.end()) {
          level -= found->second;
          live.erase(found);
        }
        break;
      case DeviceMemoryEvent::Kind::kPoolSize: {
        std::uint64_t& size = pools[event.address];
        level = level - size + event.bytes;
        size = event.bytes;
        break;
      }
    }
    if (window_open) peak = std::max(peak, level);
  }
  if (!window_open) peak = level;  // nothing happened inside: the level throughout
  return static_cast<std::size_t>(peak);
}

#if defined(NSLAB_WITH_CUDA)

namespace {

// CUPTI calls back with plain function pointers, so the records land in one
// process-wide collector.
struct CuptiCollector {
  std::mutex mutex;
  std::vector<DeviceMemoryEvent> events;
  std::atomic<std::size_t> dropped{0};
  bool callbacks_registered = false;
  bool in_use = false;
};

CuptiCollector& collector() {
  static CuptiCollector instance;
  return instance;
}

constexpr std::size_t kBufferBytes = 4u << 20;

void CUPTIAPI buffer_requested(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records) {
  *buffer = static_cast<std::uint8_t*>(std::aligned_alloc(8, kBufferBytes));
  *size = *buffer != nullptr ? kBufferBytes : 0;
  *max_records = 0;  // as many as fit
}

bool is_device_memory(CUpti_ActivityMemoryKind kind) {
  return kind == CUPTI_ACTIVITY_MEMORY_KIND_DEVICE || kind == CUPTI_ACTIVITY_MEMORY_KIND_ARRAY;
}

void CUPTIAPI buffer_completed(CUcontext context, std::uint32_t stream_id, std::uint8_t* buffer,
                               std::size_t, std::size_t valid_size) {
  CuptiCollector& sink = collector();
  std::vector<DeviceMemoryEvent> events;
  CUpti_Activity* record = nullptr;
  while (cuptiActivityGetNextRecord(buffer, valid_size, &record) == CUPTI_SUCCESS) {
    if (record->kind == CUPTI_ACTIVITY_KIND_MEMORY2) {
      const auto* memory = reinterpret_cast<const CUpti_ActivityMemory4*>(record);
      const auto pool_type = memory->memoryPoolConfig.memoryPoolType;
      if (pool_type == CUPTI_ACTIVITY_MEMORY_POOL_TYPE_LOCAL) {
        // Stream-ordered allocations live inside their pool: the pool's size
        // is the footprint, not the allocations in it.
        events.push_back({memory->timestamp, DeviceMemoryEvent::Kind::kPoolSize,
                          memory->memoryPoolConfig.address, memory->memoryPoolConfig.pool.size});
      } else if (pool_type != CUPTI_ACTIVITY_MEMORY_POOL_TYPE_IMPORTED &&
                 is_device_memory(memory->memoryKind)) {
        const bool allocation =
            memory->memoryOperationType == CUPTI_ACTIVITY_MEMORY_OPERATION_TYPE_ALLOCATION;
        events.push_back({memory->timestamp,
                          allocation ? DeviceMemoryEvent::Kind::kAllocation
                                     : DeviceMemoryEvent::Kind::kRelease,
                          memory->address, memory->bytes});
      }
    } else if (record->kind == CUPTI_ACTIVITY_KIND_MEMORY_POOL) {
      const auto* pool = reinterpret_cast<const CUpti_ActivityMemoryPool3*>(record);
      if (pool->memoryPoolType == CUPTI_ACTIVITY_MEMORY_POOL_TYPE_LOCAL && !pool->isManagedPool) {
        const bool destroyed =
            pool->memoryPoolOperationType == CUPTI_ACTIVITY_MEMORY_POOL_OPERATION_TYPE_DESTROYED;
        events.push_back({pool->timestamp, DeviceMemoryEvent::Kind::kPoolSize, pool->address,
                          destroyed ? 0 : pool->size});
      }
    }
  }
  std::size_t dropped = 0;
  if (cuptiActivityGetNumDroppedRecords(context, stream_id, &dropped) == CUPTI_SUCCESS)
    sink.dropped += dropped;
  std::free(buffer);
  std::lock_guard lock(sink.mutex);
  sink.events.insert(sink.events.end(), events.begin(), events.end());
}

std::string cupti_error(const char* call, CUptiResult result) {
  const char* text = nullptr;
  if (cuptiGetResultString(result, &text) != CUPTI_SUCCESS || text == nullptr) text = "unknown";
  return std::string(call) + " failed: " + text;
}

}  // namespace

DevicePeakMonitor::DevicePeakMonitor(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  CuptiCollector& sink = collector();
  {
    std::lock_guard lock(sink.mutex);
    if (sink.in_use) {
      unavailable_reason_ = "another peak monitor is recording";
      return;
    }
    sink.events.clear();
    sink.dropped = 0;
  }
  if (!sink.callbacks_registered) {
    const CUptiResult result = cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed);
    if (result != CUPTI_SUCCESS) {
      unavailable_reason_ = cupti_error("cuptiActivityRegisterCallbacks", result);
      return;
    }
    sink.callbacks_registered = true;
  }
  const CUptiResult memory = cuptiActivityEnable(CUPTI_ACTIVITY_KIND_MEMORY2);
  if (memory != CUPTI_SUCCESS) {
    unavailable_reason_ = cupti_error("cuptiActivityEnable(MEMORY2)", memory);
    return;
  }
  // Pool creation/trim/destruction records; optional, because the MEMORY2
  // records of stream-ordered allocations carry their pool's size as well.
  (void)cuptiActivityEnable(CUPTI_ACTIVITY_KIND_MEMORY_POOL);
  sink.in_use = true;
  recording_ = true;
  window_begin_ = 0;
}

DevicePeakMonitor::~DevicePeakMonitor() { stop(); }

void DevicePeakMonitor::stop() {
  if (!recording_) return;
  cuptiActivityDisable(CUPTI_ACTIVITY_KIND_MEMORY2);
  cuptiActivityDisable(CUPTI_ACTIVITY_KIND_MEMORY_POOL);
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  collector().in_use = false;
  recording_ = false;
}

void DevicePeakMonitor::begin_window() {
  if (!recording_) return;
  std::uint64_t now = 0;
  if (cuptiGetTimestamp(&now) == CUPTI_SUCCESS) window_begin_ = now;
}

DevicePeak DevicePeakMonitor::finish(std::size_t tracked_peak_bytes) {
  DevicePeak peak{tracked_peak_bytes, "tracked", ""};
  if (!enabled_) return peak;
  if (!recording_) {
    peak.note = "CUPTI unavailable (" + unavailable_reason_ +
                "): peak from the tracking allocator, library-internal allocations not included";
    return peak;
  }
  // Every allocation of the run has happened once the device is idle; the
  // forced flush then hands over the buffers CUPTI still holds.
  const cudaError_t synchronised = cudaDeviceSynchronize();
  std::uint64_t window_end = 0;
  const CUptiResult timestamp = cuptiGetTimestamp(&window_end);
  const CUptiResult flushed = cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  stop();
  CuptiCollector& sink = collector();
  std::vector<DeviceMemoryEvent> events;
  {
    std::lock_guard lock(sink.mutex);
    events.swap(sink.events);
  }
  std::string problem;
  if (synchronised != cudaSuccess) problem = std::string("cudaDeviceSynchronize: ") + cudaGetErrorString(synchronised);
  else if (timestamp != CUPTI_SUCCESS) problem = cupti_error("cuptiGetTimestamp", timestamp);
  else if (flushed != CUPTI_SUCCESS) problem = cupti_error("cuptiActivityFlushAll", flushed);
  else if (sink.dropped > 0) problem = "CUPTI dropped " + std::to_string(sink.dropped.load()) + " records";
  else if (events.empty() && tracked_peak_bytes > 0) problem = "CUPTI delivered no allocation records";
  if (!problem.empty()) {
    peak.note = "CUPTI peak unusable (" + problem + "): peak from the tracking allocator";
    return peak;
  }
  peak.bytes = device_memory_peak(std::move(events), window_begin_, window_end);
  peak.source = "cupti";
  if (peak.bytes < tracked_peak_bytes)
    peak.note = "CUPTI saw less than the tracking allocator (" + std::to_string(tracked_peak_bytes) +
                " bytes): records may be missing";
  return peak;
}

#else

DevicePeakMonitor::DevicePeakMonitor(bool enabled) : enabled_(enabled) {
  if (enabled_) unavailable_reason_ = "this build has no CUDA";
}
DevicePeakMonitor::~DevicePeakMonitor() = default;
void DevicePeakMonitor::stop() {}
void DevicePeakMonitor::begin_window() {}
DevicePeak DevicePeakMonitor::finish(std::size_t tracked_peak_bytes) {
  DevicePeak peak{tracked_peak_bytes, "tracked", ""};
  if (enabled_) peak.note = "CUPTI unavailable (" + unavailable_reason_ + "): peak from the tracking allocator";
  return peak;
}

#endif

}  // namespace nslab
