#pragma once
// The device block of a backend=cuda result: the GPU's name, memory, driver,
// compute capability and the short name used in result paths.
#include <string>

#include "harness/system_info.hpp"

namespace nslab {

// Throws UsageError in a build without CUDA, RunError when there is no device.
DeviceInfo cuda_device_info();

// How many CUDA devices this process can use; 0 in a build without CUDA or
// on a machine without a device.
int visible_cuda_device_count();

// "NVIDIA H100 80GB HBM3" -> "h100", "NVIDIA A100-SXM4-80GB" -> "a100",
// "NVIDIA H200" -> "h200", "NVIDIA GeForce RTX 4090" -> "rtx4090": the
// model's first token, lower case, with vendor and brand words dropped.
std::string cuda_device_short_name(const std::string& name);

}  // namespace nslab
