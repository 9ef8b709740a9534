#pragma once
// The ways a command fails, each with its exit status (docs/exit-status.md):
// a bad request (2), a run that failed (1), out of device or host memory (3).
#include <stdexcept>
#include <string>

namespace nslab {

// Bad command line, unknown cell or setting, invalid value: exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A run that could not complete: exit status 1.
struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The device could not hold the requested batch: exit status 3. The message
// names the cell, k, the bytes asked for and free, and the probe's k.
struct OutOfDeviceMemory : RunError {
  using RunError::RunError;
};

// A host allocation failed: exit status 3. The message says how much was
// asked, how much room is left and what bounds it (ulimit -v, ...).
struct OutOfHostMemory : RunError {
  using RunError::RunError;
};

inline constexpr int kExitUsage = 2;
inline constexpr int kExitRunFailed = 1;
inline constexpr int kExitOutOfMemory = 3;

}  // namespace nslab
