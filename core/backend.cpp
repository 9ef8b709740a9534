#include "core/backend.hpp"

#include "core/error.hpp"

namespace nslab {

Backend parse_backend(const std::string& text) {
  if (text == "cpu") return Backend::kCpu;
  if (text == "cuda") return Backend::kCuda;
  throw UsageError("backend '" + text + "' is unknown (use backend=cpu or backend=cuda)");
}

const char* to_string(Backend backend) { return backend == Backend::kCuda ? "cuda" : "cpu"; }

void refuse_cuda_in_this_build() {
  throw UsageError(
      "backend=cuda: this nslab build has no CUDA (configure a CUDA preset, e.g. "
      "cmake --preset h100-fp64, or use backend=cpu)");
}

}  // namespace nslab
