#include <gtest/gtest.h>

#include "core/tracked_buffer.hpp"
#include "core/workspace.hpp"

namespace nslab {
namespace {

TEST(MemoryMeter, CountsTrackedBuffersAndKeepsThePeak) {
  MemoryMeter& meter = host_memory_meter();
  const std::size_t before = meter.current_bytes();
  meter.reset_peak();
  {
    TrackedBuffer<double> a(1000);
    EXPECT_EQ(meter.current_bytes(), before + aligned_array_bytes<double>(1000));
    { TrackedBuffer<float> b(10); }
    EXPECT_EQ(meter.peak_bytes(),
              before + aligned_array_bytes<double>(1000) + aligned_array_bytes<float>(10));
  }
  EXPECT_EQ(meter.current_bytes(), before);
}

TEST(Workspace, HoldsKReplicasAndGrowsWithoutDoubleCounting) {
  MemoryMeter& meter = host_memory_meter();
  const std::size_t before = meter.current_bytes();
  meter.reset_peak();
  Workspace workspace;
  workspace.reserve(4, 1000);
  EXPECT_EQ(workspace.capacity_bytes(), 4 * aligned_bytes(1000));
  workspace.reserve(2, 1000);  // smaller: reuses
  EXPECT_EQ(workspace.capacity_bytes(), 4 * aligned_bytes(1000));
  workspace.reserve(8, 1000);  // larger: the old block goes first
  EXPECT_EQ(meter.peak_bytes(), before + 8 * aligned_bytes(1000));
  EXPECT_EQ(workspace.replica(3) - workspace.replica(2), static_cast<std::ptrdiff_t>(aligned_bytes(1000)));
}

TEST(ScratchArena, RefusesToOverrunItsReplica) {
  std::vector<std::byte> region(aligned_bytes(100));
  ScratchArena scratch(region.data(), region.size());
  EXPECT_EQ(scratch.take<double>(5).size(), 5u);
  EXPECT_THROW(scratch.take<double>(1000), std::logic_error);
}

}  // namespace
}  // namespace nslab
