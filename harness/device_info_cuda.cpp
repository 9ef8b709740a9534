// Compiled in every build: without CUDA, cuda_device_info() says so instead of
// failing to link, so run_cell.cpp needs no #if around backend=cuda.
#include "harness/device_info_cuda.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/backend.hpp"
#include "core/error.hpp"

#if defined(NSLAB_WITH_CUDA)
#include <cuda_runtime.h>

#include "core/cuda/cuda_check.hpp"
#include "core/cuda/device_allocator.hpp"
#endif

namespace nslab {

std::string cuda_device_short_name(const std::string& name) {
  std::vector<std::string> tokens;
  std::string token;
  for (char c : name + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      token += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!token.empty()) {
      tokens.push_back(token);
      token.clear();
    }
  }
  static const std::vector<std::string> kBrandWords = {"nvidia", "tesla", "geforce", "quadro"};
  std::vector<std::string> model;
  for (const auto& word : tokens)
    if (std::find(kBrandWords.begin(), kBrandWords.end(), word) == kBrandWords.end())
      model.push_back(word);
  if (model.empty()) return "gpu";
  // "rtx 4090": a series word without digits joins the number after it.
  const auto has_digit = [](const std::string& word) {
    return std::any_of(word.begin(), word.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  if (!has_digit(model[0]) && model.size() > 1 && has_digit(model[1])) return model[0] + model[1];
  return model[0];
}

#if defined(NSLAB_WITH_CUDA)

namespace {
// "580.65.06" from the kernel module's version line; empty when unreadable.
std::string nvidia_driver_version() {
  std::ifstream in("/proc/driver/nvidia/version");
  std::string line;
  if (!std::getline(in, line)) return {};
  std::istringstream words(line);
  std::string word;
  while (words >> word)
    if (!word.empty() && std::isdigit(static_cast<unsigned char>(word[0])) &&
        word.find('.') != std::string::npos)
      return word;
  return {};
}
}  // namespace

int visible_cuda_device_count() { return cuda_device_count(); }

DeviceInfo cuda_device_info() {
  std::string reason;
  if (cuda_device_count(&reason) == 0)
    throw RunError("backend=cuda needs a CUDA device, and there is none (" + reason + ")");
  int device = 0;
  NSLAB_CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp properties{};
  NSLAB_CUDA_CHECK(cudaGetDeviceProperties(&properties, device));
  int driver_api = 0;
  NSLAB_CUDA_CHECK(cudaDriverGetVersion(&driver_api));
  DeviceInfo info;
  info.backend = "cuda";
  info.name = properties.name;
  info.memory_bytes = properties.totalGlobalMem;
  const std::string cuda_version =
      "CUDA " + std::to_string(driver_api / 1000) + "." + std::to_string(driver_api % 1000 / 10);
  const std::string driver = nvidia_driver_version();
  info.driver = driver.empty() ? cuda_version : driver + " (" + cuda_version + ")";
  info.compute_capability = std::to_string(properties.major) + "." + std::to_string(properties.minor);
  info.short_name = cuda_device_short_name(info.name);
  return info;
}

#else

int visible_cuda_device_count() { return 0; }

DeviceInfo cuda_device_info() { refuse_cuda_in_this_build(); }

#endif

}  // namespace nslab
