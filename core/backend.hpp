#pragma once
// Where a likelihood runs: backend=cpu or backend=cuda. This header is the
// one place that knows whether the build has CUDA; everything above asks it.
#include <string>

namespace nslab {

enum class Backend { kCpu, kCuda };

// "cpu" or "cuda"; anything else is a UsageError naming both.
Backend parse_backend(const std::string& text);
const char* to_string(Backend backend);

#if defined(NSLAB_WITH_CUDA)
inline constexpr bool kBuiltWithCuda = true;
#else
inline constexpr bool kBuiltWithCuda = false;
#endif

// The one refusal of backend=cuda in a build without CUDA (a UsageError).
[[noreturn]] void refuse_cuda_in_this_build();

}  // namespace nslab
