#pragma once
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace nslab {

// fp64 cells compute in double; fp32 cells compute the likelihood's bulk in
// float (as PyAutoLens's mixed precision does) and accumulate sums in double.
enum class Precision { kFp64, kFp32 };

inline std::string to_string(Precision precision) {
  return precision == Precision::kFp64 ? "fp64" : "fp32";
}

inline Precision parse_precision(std::string_view text) {
  if (text == "fp64") return Precision::kFp64;
  if (text == "fp32") return Precision::kFp32;
  throw UsageError("unknown precision '" + std::string(text) + "' (use fp64 or fp32)");
}

}  // namespace nslab
