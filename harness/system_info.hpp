#pragma once
// Facts about the machine, the process and the build for the result file.
#include <cstddef>
#include <string>

namespace nslab {

struct DeviceInfo {
  std::string backend;  // cpu | cuda
  std::string name;
  std::size_t memory_bytes = 0;
  std::string driver;
  std::string compute_capability;
  std::string short_name;  // for result paths: "cpu", "h100", "a100", ...
  // The name with what tells machines of that name apart: on the CPU its
  // family and model numbers ("AMD EPYC, family 26 model 2"), since a virtual
  // machine names different CPUs alike and their timings differ by half.
  // Empty where the name says it all.
  std::string identity;
};

// What built this binary (the result file's "build" block).
struct BuildInfo {
  std::string version, git_sha, preset, compiler, cuda, build_type;
};

DeviceInfo cpu_device_info();
// cpu_device_info().identity, for the benchmark reports' context.
std::string cpu_identity();
BuildInfo this_build();
std::size_t peak_rss_bytes();  // VmHWM of this process
std::string utc_now_iso8601();

}  // namespace nslab
