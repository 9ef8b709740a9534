// Under `ctest --resource-spec-file`, each GPU test is given one GPU of the
// file ("gpus:1" in tests/CMakeLists.txt) through CTEST_RESOURCE_GROUP_0_GPUS
// ("id:3,slots:1"); making that the only device this process sees, before
// any CUDA call, lets ctest -j run the GPU tests side by side, one a GPU.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace nslab::gpu_test {
namespace {

// "id:3,slots:1" -> "3"; "" when the text names no id.
std::string gpu_of_resource(const std::string& allocation) {
  const auto start = allocation.find("id:");
  if (start == std::string::npos) return {};
  const auto end = allocation.find(',', start);
  return allocation.substr(start + 3, end == std::string::npos ? std::string::npos : end - start - 3);
}

const bool kDeviceChosen = [] {
  const char* allocation = std::getenv("CTEST_RESOURCE_GROUP_0_GPUS");
  if (!allocation) return false;
  const std::string gpu = gpu_of_resource(allocation);
  return !gpu.empty() && setenv("CUDA_VISIBLE_DEVICES", gpu.c_str(), 1) == 0;
}();

TEST(CtestGpuResource, TheAllocatedIdBecomesTheVisibleDevice) {
  EXPECT_EQ(gpu_of_resource("id:3,slots:1"), "3");
  EXPECT_EQ(gpu_of_resource("slots:1,id:12"), "12");
  EXPECT_EQ(gpu_of_resource("slots:1"), "");
  if (const char* allocation = std::getenv("CTEST_RESOURCE_GROUP_0_GPUS")) {
    ASSERT_TRUE(kDeviceChosen);
    EXPECT_EQ(std::getenv("CUDA_VISIBLE_DEVICES"), gpu_of_resource(allocation));
  }
}

}  // namespace
}  // namespace nslab::gpu_test
