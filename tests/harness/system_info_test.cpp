// The machine facts that go into result files and benchmark reports.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <string>

#include "harness/system_info.hpp"

namespace nslab {
namespace {

TEST(SystemInfo, CpuIdentityAddsTheFamilyAndModelNumbers) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string text((std::istreambuf_iterator<char>(cpuinfo)), std::istreambuf_iterator<char>());
  if (text.find("\ncpu family") == std::string::npos) GTEST_SKIP() << "no cpu family in /proc/cpuinfo here";
  const std::string identity = cpu_identity();
  EXPECT_EQ(identity.rfind(cpu_device_info().name + ", family ", 0), 0u) << identity;
  // "model" is its own field, not the start of "model name": a number.
  const auto model = identity.rfind(" model ");
  ASSERT_NE(model, std::string::npos) << identity;
  const std::string number = identity.substr(model + 7);
  ASSERT_FALSE(number.empty()) << identity;
  for (char c : number) EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(c))) << identity;
}

}  // namespace
}  // namespace nslab
