#pragma once
// One run per output at a time. An OutputLock holds `<output>.lock` with
// flock(2) for as long as it lives; a second run naming the same output is
// refused with a UsageError naming the process that holds it. flock is
// released by the kernel when its holder dies (kill -9 included), so a stale
// lock file never blocks a later run. The file records the holder's pid.
#include <string>

namespace nslab {

class OutputLock {
 public:
  explicit OutputLock(const std::string& output_path);
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  // Removes the lock file while still holding it, then lets go.
  ~OutputLock();

  const std::string& path() const { return lock_path_; }

 private:
  std::string lock_path_;
  int fd_ = -1;
};

}  // namespace nslab
