#include "harness/system_info.hpp"

#include <ctime>
#include <fstream>
#include <string>

#include "build_info.hpp"

namespace nslab {
namespace {
// The value after "key:" on the first line of `file` whose field name is
// `key` (so "model" does not match "model name").
std::string proc_field(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      if (line.find_first_not_of(" \t", key.size()) != colon) continue;
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
  }
  return {};
}
}  // namespace

DeviceInfo cpu_device_info() {
  DeviceInfo info;
  info.backend = "cpu";
  info.name = proc_field("/proc/cpuinfo", "model name");
  if (info.name.empty()) info.name = "unknown CPU";
  const std::string total = proc_field("/proc/meminfo", "MemTotal");  // "24576000 kB"
  if (!total.empty()) info.memory_bytes = std::stoull(total) * 1024;
  info.short_name = "cpu";
  info.identity = info.name;
  const std::string family = proc_field("/proc/cpuinfo", "cpu family"), model = proc_field("/proc/cpuinfo", "model");
  if (!family.empty() && !model.empty()) info.identity += ", family " + family + " model " + model;
  return info;
}

std::string cpu_identity() { return cpu_device_info().identity; }

std::size_t peak_rss_bytes() {
  const std::string value = proc_field("/proc/self/status", "VmHWM");
  return value.empty() ? 0 : std::stoull(value) * 1024;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

BuildInfo this_build() {
  return {build_info::kVersion, build_info::kGitSha,        build_info::kPreset,
          build_info::kCompiler, build_info::kCudaCompiler, build_info::kBuildType};
}

}  // namespace nslab
