// The device block and the CUPTI peak's bookkeeping. The pure parts run on
// any machine of a CUDA build; the device parts skip without a GPU.
#include <regex>

#include "gpu_test_support.hpp"
#include "harness/cupti_peak_memory.hpp"
#include "harness/device_info_cuda.hpp"

namespace nslab {
namespace {

TEST(CudaDeviceShortName, NamesResultPathsLikeAutolensProfiling) {
  EXPECT_EQ(cuda_device_short_name("NVIDIA H100 80GB HBM3"), "h100");
  EXPECT_EQ(cuda_device_short_name("NVIDIA H100 PCIe"), "h100");
  EXPECT_EQ(cuda_device_short_name("NVIDIA A100-SXM4-80GB"), "a100");
  EXPECT_EQ(cuda_device_short_name("NVIDIA A100 80GB PCIe"), "a100");
  EXPECT_EQ(cuda_device_short_name("NVIDIA H200"), "h200");
  EXPECT_EQ(cuda_device_short_name("NVIDIA GH200 480GB"), "gh200");
  EXPECT_EQ(cuda_device_short_name("Tesla V100-SXM2-16GB"), "v100");
  EXPECT_EQ(cuda_device_short_name("NVIDIA GeForce RTX 4090"), "rtx4090");
  EXPECT_EQ(cuda_device_short_name("NVIDIA L40S"), "l40s");
  EXPECT_EQ(cuda_device_short_name(""), "gpu");
}

using Kind = DeviceMemoryEvent::Kind;

TEST(DeviceMemoryPeak, CountsTheLevelAtTheWindowAndAllocationsInside) {
  const std::vector<DeviceMemoryEvent> events = {
      {10, Kind::kAllocation, 0xA, 100},  // fixed data, before the run
      {20, Kind::kAllocation, 0xB, 50},   // a transient, freed before the run
      {30, Kind::kRelease, 0xB, 50},
      {40, Kind::kRelease, 0xF, 999},     // allocated before recording: ignored
      {60, Kind::kAllocation, 0xC, 400},  // the workspace
      {70, Kind::kRelease, 0xC, 400},
      {80, Kind::kAllocation, 0xD, 300},
      {200, Kind::kAllocation, 0xE, 5000},  // after the window
  };
  EXPECT_EQ(device_memory_peak(events, 50, 100), 500u);
  EXPECT_EQ(device_memory_peak(events, 35, 55), 100u) << "nothing inside: the level throughout";
  EXPECT_EQ(device_memory_peak(events, 0, 300), 5400u);
}

TEST(DeviceMemoryPeak, OrdersRecordsByTimeAndCountsPoolsBySize) {
  const std::vector<DeviceMemoryEvent> events = {
      {90, Kind::kRelease, 0xA, 100},
      {10, Kind::kAllocation, 0xA, 100},
      {20, Kind::kPoolSize, 0x100, 64},  // a pool grows to 64, then 256, then is trimmed
      {30, Kind::kPoolSize, 0x100, 256},
      {40, Kind::kPoolSize, 0x100, 32},
  };
  EXPECT_EQ(device_memory_peak(events, 0, 100), 356u);
  EXPECT_EQ(device_memory_peak(events, 35, 100), 356u) << "the level at the window's start counts";
  EXPECT_EQ(device_memory_peak(events, 41, 100), 132u);
}

TEST(DevicePeakMonitor, DisabledMonitorReportsTheTrackedPeakWithoutANote) {
  DevicePeakMonitor monitor(false);
  const DevicePeak peak = monitor.finish(1234);
  EXPECT_EQ(peak.bytes, 1234u);
  EXPECT_EQ(peak.source, "tracked");
  EXPECT_TRUE(peak.note.empty());
}

TEST(CudaDeviceInfo, DescribesTheDevice) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const DeviceInfo info = cuda_device_info();
  std::cout << "[ measured ] " << info.name << ", " << info.memory_bytes << " bytes, driver "
            << info.driver << ", compute capability " << info.compute_capability << ", short name "
            << info.short_name << "\n";
  EXPECT_EQ(info.backend, "cuda");
  EXPECT_FALSE(info.name.empty());
  EXPECT_GT(info.memory_bytes, 0u);
  EXPECT_TRUE(std::regex_match(info.compute_capability, std::regex("[0-9]+\\.[0-9]+"))) << info.compute_capability;
  EXPECT_TRUE(std::regex_match(info.driver, std::regex(".*CUDA [0-9]+\\.[0-9]+\\)?"))) << info.driver;
  EXPECT_EQ(info.short_name, cuda_device_short_name(info.name));
}

TEST(CudaDeviceInfo, DeviceAllocatorsReportTheDevicesFreeMemory) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const auto likelihood = make_cuda_mapping_likelihood("ci", Precision::kFp64, "test");
  const std::size_t available = likelihood->workspace_allocator().available_bytes();
  const DeviceMemoryInfo info = device_memory_info();
  EXPECT_TRUE(likelihood->workspace_allocator().is_device());
  EXPECT_GT(available, 0u);
  EXPECT_LE(available, info.total_bytes);
  // Host MemAvailable would be a different number; the device's moves only
  // with other processes' allocations.
  EXPECT_NEAR(static_cast<double>(available), static_cast<double>(info.free_bytes), 256.0 * (1 << 20));
}

TEST(CudaDeviceInfo, CuptiSeesADeviceAllocation) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  DevicePeakMonitor monitor(true);
  ASSERT_TRUE(monitor.recording()) << monitor.unavailable_reason();
  monitor.begin_window();
  {
    TrackedBuffer<double> buffer(1 << 20, device_allocator());  // 8 MiB
  }
  const DevicePeak peak = monitor.finish(0);
  EXPECT_EQ(peak.source, "cupti") << peak.note;
  EXPECT_GE(peak.bytes, 8u << 20);
}

}  // namespace
}  // namespace nslab
